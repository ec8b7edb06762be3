/**
 * The mock provider and official SDK clients (their own retries off, as Keel expects) for a
 * test file or describe block.
 */
import Anthropic from '@anthropic-ai/sdk';
import { type MockProvider, startMockProvider } from '@keel/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll } from 'vitest';

/** An openai client for `baseURL` with SDK retries and logging off. */
export const openaiAt = (baseURL: string): OpenAI =>
  new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0, logLevel: 'off' });

/** Starts a mock provider before the tests of the enclosing block and closes it after them. */
export function useMockProvider(): {
  readonly mock: MockProvider;
  readonly openai: OpenAI;
  readonly anthropic: Anthropic;
} {
  const env = {} as { mock: MockProvider; openai: OpenAI; anthropic: Anthropic };
  beforeAll(async () => {
    env.mock = await startMockProvider();
    env.openai = openaiAt(env.mock.openaiBaseURL);
    env.anthropic = new Anthropic({
      apiKey: 'k',
      baseURL: env.mock.anthropicBaseURL,
      maxRetries: 0,
      logLevel: 'off',
    });
  });
  afterAll(() => env.mock.close());
  return env;
}
