/**
 * Anthropic models over the official `@anthropic-ai/sdk`.
 */
import { type AnthropicClientOptions, anthropicClient } from './anthropic-client';
import { createModel } from './create-model';
import { anthropicDriver } from './providers/anthropic-messages';
import type { LlmModel, ModelOptions } from './types';

/** Options of {@link createAnthropicModel}. */
export interface AnthropicModelOptions extends ModelOptions, AnthropicClientOptions {
  /** The model id, e.g. `'claude-sonnet-4-5'`. */
  model: string;
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
  const { model, client: _client, ...rest } = options;
  const { baseURL, getClient } = anthropicClient(options);
  const driver = anthropicDriver(model, getClient);
  return createModel({ ...driver, baseURL }, rest, { requiresMaxTokens: true });
}
