/**
 * Shared test helpers: official SDK clients pointed at a mock, and raw HTTP reads for asserting
 * bytes the SDKs hide.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type MockProvider, startMockProvider } from '../src/index';

export function openaiClient(
  mock: MockProvider,
  options: { maxRetries?: number; timeout?: number } = {},
): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test-0123456789abcdef',
    baseURL: mock.openaiBaseURL,
    maxRetries: 0,
    logLevel: 'off',
    ...options,
  });
}

export function anthropicClient(
  mock: MockProvider,
  options: { maxRetries?: number; timeout?: number } = {},
): Anthropic {
  return new Anthropic({
    apiKey: 'sk-ant-test-0123456789abcdef',
    baseURL: mock.anthropicBaseURL,
    maxRetries: 0,
    logLevel: 'off',
    ...options,
  });
}

/** A Chat Completions body; `extra` may hold fields the SDK's types do not know yet. */
export const chatBody = (
  extra: Record<string, unknown> = {},
): OpenAI.ChatCompletionCreateParamsNonStreaming => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hello there' }],
  ...extra,
});

/** A small Anthropic Messages body. */
export const anthropicBody: Anthropic.MessageCreateParamsNonStreaming = {
  model: 'claude-haiku-4-5',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Hi' }],
};

/** The headers an Anthropic client sends, for raw requests. */
export const anthropicHeaders = { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' };

/** The same body with `stream: true`, typed for the streaming overload. */
export const chatStreamBody = (
  extra: Record<string, unknown> = {},
): OpenAI.ChatCompletionCreateParamsStreaming => ({
  ...chatBody(extra),
  stream: true,
});

/** POSTs JSON and returns status, headers and every body chunk as received. */
export async function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string> = { authorization: 'Bearer sk-test' },
): Promise<{ status: number; headers: Headers; chunks: Uint8Array[]; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const chunks: Uint8Array[] = [];
  if (response.body) for await (const chunk of response.body) chunks.push(chunk);
  const all = Buffer.concat(chunks);
  return { status: response.status, headers: response.headers, chunks, text: all.toString('utf8') };
}

/** The `data:` payloads of an SSE body. */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map(
      (event) =>
        event
          .split('\n')
          .find((line) => line.startsWith('data: '))
          ?.slice(6) ?? '',
    );
}

/**
 * One mock provider for the enclosing file or block, closed after its tests; with `reset`, its
 * queues and request log are cleared after each test.
 */
export function useMockProvider({ reset = false }: { reset?: boolean } = {}): {
  readonly mock: MockProvider;
} {
  const env = {} as { mock: MockProvider };
  beforeAll(async () => {
    env.mock = await startMockProvider();
  });
  if (reset) afterEach(() => env.mock.reset());
  afterAll(() => env.mock.close());
  return env;
}
