/**
 * OpenAI models, and every server that speaks OpenAI's API, over the official `openai` SDK.
 */

import { normalizeBaseURL } from '@keel/core/internal';
import type OpenAI from 'openai';
import { createModel } from './create-model';
import { loadSdk } from './load-sdk';
import { MissingApiKeyError } from './missing-api-key-error';
import type { MaxTokensField } from './providers/openai-chat';
import { openAIChatDriver } from './providers/openai-chat';
import { openAIResponsesDriver } from './providers/openai-responses';
import type { LlmModel, ModelOptions } from './types';

/** Where the SDK sends requests when no base URL is given. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Options of {@link createOpenAIModel}. */
export interface OpenAIModelOptions extends ModelOptions {
  /** The model id, e.g. `'gpt-4o-mini'`, or the server's name for it (`'llama3.1'` on Ollama). */
  model: string;
  /** Default: the `OPENAI_API_KEY` environment variable. Never logged or put in errors. */
  apiKey?: string;
  /**
   * An OpenAI-compatible server (`http://localhost:11434/v1` for Ollama, vLLM, llama.cpp,
   * Groq, OpenRouter). Default: `OPENAI_BASE_URL`, else OpenAI. With a base URL the key is
   * optional, since local servers need none.
   */
  baseURL?: string;
  /** `'chat'` (Chat Completions, default) or `'responses'` (the Responses API). */
  api?: 'chat' | 'responses';
  /** The provider name reported in traces and costs; default `'openai'`. */
  provider?: string;
  /**
   * The field carrying `maxTokens` in Chat Completions. Default `max_completion_tokens` for
   * OpenAI, `max_tokens` (which compatible servers know) with a base URL.
   */
  maxTokensField?: MaxTokensField;
  organization?: string;
  project?: string;
  /** A client you built; Keel then uses it as is (give it `maxRetries: 0`). */
  client?: OpenAI;
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
  const { model, api = 'chat', client: given, organization, project, ...rest } = options;
  const baseURL = options.baseURL ?? process.env.OPENAI_BASE_URL;
  const apiKey = options.apiKey ?? process.env.OPENAI_API_KEY;
  if (given === undefined && apiKey === undefined && baseURL === undefined) {
    throw new MissingApiKeyError({ provider: 'OpenAI', variable: 'OPENAI_API_KEY' });
  }
  let client: Promise<OpenAI> | undefined;
  const getClient = () => {
    client ??= given
      ? Promise.resolve(given)
      : loadSdk('openai', () => import('openai')).then(
          ({ default: OpenAIClient }) =>
            new OpenAIClient({
              // Local servers take any key; the SDK insists on one.
              apiKey: apiKey ?? 'unused',
              maxRetries: 0,
              ...(baseURL !== undefined && { baseURL }),
              ...(organization !== undefined && { organization }),
              ...(project !== undefined && { project }),
            }),
        );
    return client;
  };
  const driver =
    api === 'responses'
      ? openAIResponsesDriver(model, getClient)
      : openAIChatDriver(
          model,
          getClient,
          options.maxTokensField ??
            (baseURL === undefined ? 'max_completion_tokens' : 'max_tokens'),
        );
  return createModel(
    {
      ...driver,
      ...(options.provider !== undefined && { provider: options.provider }),
      baseURL: normalizeBaseURL(given?.baseURL ?? baseURL ?? OPENAI_BASE_URL),
    },
    rest,
    { requiresMaxTokens: false },
  );
}
