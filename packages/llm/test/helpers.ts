/**
 * The mock provider and Keel models pointed at it, for a test file.
 */
import { type MockProvider, startMockProvider } from '@keel/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type AnthropicModelOptions,
  createAnthropicModel,
  createOpenAIModel,
  type OpenAIModelOptions,
} from '../src/index';

export const OPENAI_KEY = 'sk-test-openai-0123456789abcdef';
export const ANTHROPIC_KEY = 'sk-ant-test-0123456789abcdef';

type Overrides<T> = Partial<T> & { model?: string };

/** Starts a mock provider for the file; each test starts with an empty script and log. */
export function useMock() {
  const env = {} as {
    mock: MockProvider;
    openai(options?: Overrides<OpenAIModelOptions>): ReturnType<typeof createOpenAIModel>;
    anthropic(options?: Overrides<AnthropicModelOptions>): ReturnType<typeof createAnthropicModel>;
  };
  beforeAll(async () => {
    env.mock = await startMockProvider();
    env.openai = (options = {}) =>
      createOpenAIModel({
        model: 'gpt-4o-mini',
        apiKey: OPENAI_KEY,
        baseURL: env.mock.openaiBaseURL,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        ...options,
      });
    env.anthropic = (options = {}) =>
      createAnthropicModel({
        model: 'claude-haiku-4-5',
        apiKey: ANTHROPIC_KEY,
        baseURL: env.mock.anthropicBaseURL,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        ...options,
      });
  });
  afterEach(() => env.mock.reset());
  afterAll(() => env.mock.close());
  return env;
}

export const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

/** The parsed JSON body of the mock's `index`-th request. */
export function bodyOf(mock: MockProvider, index = 0): Record<string, unknown> {
  const request = mock.requests[index];
  if (request === undefined) throw new Error(`the mock received no request #${index}`);
  return request.body as Record<string, unknown>;
}
