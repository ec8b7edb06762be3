/**
 * The OpenAI SDK client a model or batch client sends through: the one given, else one made on
 * first use from the key, base URL, organisation and project (or their environment variables).
 */
import { normalizeBaseURL } from '@keel/core/internal';
import type OpenAI from 'openai';
import { loadSdk } from './load-sdk';
import { MissingApiKeyError } from './missing-api-key-error';

/** Where the SDK sends requests when no base URL is given. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** How to reach OpenAI or an OpenAI-compatible server. */
export interface OpenAIClientOptions {
  /** Default: the `OPENAI_API_KEY` environment variable. Never logged or put in errors. */
  apiKey?: string;
  /**
   * An OpenAI-compatible server (`http://localhost:11434/v1` for Ollama, vLLM, llama.cpp,
   * Groq, OpenRouter). Default: `OPENAI_BASE_URL`, else OpenAI. With a base URL the key is
   * optional, since local servers need none.
   */
  baseURL?: string;
  organization?: string;
  project?: string;
  /** A client you built; Keel then uses it as is (give it `maxRetries: 0`). */
  client?: OpenAI;
}

/**
 * The normalised base URL, whether one was given (or set in the environment), and a lazy
 * client made with `maxRetries: 0` (Keel retries).
 *
 * @throws MissingApiKeyError when there is no key, no base URL and no client.
 */
export function openAIClient(options: OpenAIClientOptions): {
  baseURL: string;
  customBaseURL: boolean;
  getClient: () => Promise<OpenAI>;
} {
  const { client: given, organization, project } = options;
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
  return {
    baseURL: normalizeBaseURL(given?.baseURL ?? baseURL ?? OPENAI_BASE_URL),
    customBaseURL: baseURL !== undefined,
    getClient,
  };
}
