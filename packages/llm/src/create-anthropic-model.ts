/**
 * Anthropic models over the official `@anthropic-ai/sdk`.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { normalizeBaseURL } from '@keel/core/internal';
import { createModel } from './create-model';
import { loadSdk } from './load-sdk';
import { MissingApiKeyError } from './missing-api-key-error';
import { anthropicDriver } from './providers/anthropic-messages';
import type { LlmModel, ModelOptions } from './types';

/** Where the SDK sends requests when no base URL is given. */
const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** Options of {@link createAnthropicModel}. */
export interface AnthropicModelOptions extends ModelOptions {
  /** The model id, e.g. `'claude-sonnet-4-5'`. */
  model: string;
  /** Default: the `ANTHROPIC_API_KEY` environment variable. Never logged or put in errors. */
  apiKey?: string;
  /** Default: `ANTHROPIC_BASE_URL`, else Anthropic's API. */
  baseURL?: string;
  /** A client you built; Keel then uses it as is (give it `maxRetries: 0`). */
  client?: Anthropic;
}

/**
 * A {@link LlmModel} on Anthropic. Requests without `maxTokens` ask for the model's maximum
 * output (Anthropic requires a limit). The SDK client is made with `maxRetries: 0`.
 *
 * @throws MissingApiKeyError when there is no key and no client.
 * @example
 * ```ts
 * const model = createAnthropicModel({ model: 'claude-haiku-4-5', promptCaching: { pinnedMessages: 4 } });
 * ```
 */
export function createAnthropicModel(options: AnthropicModelOptions): LlmModel {
  const { model, client: given, ...rest } = options;
  const baseURL = options.baseURL ?? process.env.ANTHROPIC_BASE_URL;
  const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
  if (given === undefined && apiKey === undefined) {
    throw new MissingApiKeyError({ provider: 'Anthropic', variable: 'ANTHROPIC_API_KEY' });
  }
  let client: Promise<Anthropic> | undefined;
  const getClient = () => {
    client ??= given
      ? Promise.resolve(given)
      : loadSdk('@anthropic-ai/sdk', () => import('@anthropic-ai/sdk')).then(
          ({ default: AnthropicClient }) =>
            new AnthropicClient({
              apiKey,
              maxRetries: 0,
              ...(baseURL !== undefined && { baseURL }),
            }),
        );
    return client;
  };
  const driver = anthropicDriver(model, getClient);
  return createModel(
    { ...driver, baseURL: normalizeBaseURL(given?.baseURL ?? baseURL ?? ANTHROPIC_BASE_URL) },
    rest,
    { requiresMaxTokens: true },
  );
}
