/**
 * OpenAI models, and every server that speaks OpenAI's API, over the official `openai` SDK.
 */

import { createModel } from './create-model';
import { type OpenAIClientOptions, openAIClient } from './openai-client';
import type { MaxTokensField } from './providers/openai-chat';
import { openAIChatDriver } from './providers/openai-chat';
import { openAIResponsesDriver } from './providers/openai-responses';
import type { LlmModel, ModelOptions } from './types';

/** Options of {@link createOpenAIModel}. */
export interface OpenAIModelOptions extends ModelOptions, OpenAIClientOptions {
  /** The model id, e.g. `'gpt-4o-mini'`, or the server's name for it (`'llama3.1'` on Ollama). */
  model: string;
  /** `'chat'` (Chat Completions, default) or `'responses'` (the Responses API). */
  api?: 'chat' | 'responses';
  /** The provider name reported in traces and costs; default `'openai'`. */
  provider?: string;
  /**
   * The field carrying `maxTokens` in Chat Completions. Default `max_completion_tokens` for
   * OpenAI, `max_tokens` (which compatible servers know) with a base URL.
   */
  maxTokensField?: MaxTokensField;
}

/**
 * A {@link LlmModel} on OpenAI or an OpenAI-compatible server. The SDK client is made with
 * `maxRetries: 0`: retries, breaker, timeouts and fallback are Keel's.
 *
 * @throws MissingApiKeyError when there is no key, no base URL and no client.
 * @example
 * ```ts
 * const model = createOpenAIModel({ model: 'gpt-4o-mini', timeouts: { firstByteMs: 10_000, idleMs: 30_000 } });
 * const local = createOpenAIModel({ model: 'llama3.1', baseURL: 'http://localhost:11434/v1', provider: 'ollama' });
 * ```
 */
export function createOpenAIModel(options: OpenAIModelOptions): LlmModel {
  const {
    model,
    api = 'chat',
    client: _client,
    organization: _org,
    project: _project,
    ...rest
  } = options;
  const { baseURL, customBaseURL, getClient } = openAIClient(options);
  const driver =
    api === 'responses'
      ? openAIResponsesDriver(model, getClient)
      : openAIChatDriver(
          model,
          getClient,
          options.maxTokensField ?? (customBaseURL ? 'max_tokens' : 'max_completion_tokens'),
        );
  return createModel(
    {
      ...driver,
      ...(options.provider !== undefined && { provider: options.provider }),
      baseURL,
    },
    rest,
    { requiresMaxTokens: false },
  );
}
