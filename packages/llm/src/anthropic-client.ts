/**
 * The Anthropic SDK client a model or batch client sends through: the one given, else one
 * made on first use from the key and base URL (or their environment variables).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { normalizeBaseURL } from '@keel/core/internal';
import { loadSdk } from './load-sdk';
import { MissingApiKeyError } from './missing-api-key-error';

/** Where the SDK sends requests when no base URL is given. */
const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** How to reach Anthropic. */
export interface AnthropicClientOptions {
  /** Default: the `ANTHROPIC_API_KEY` environment variable. Never logged or put in errors. */
  apiKey?: string;
  /** Default: `ANTHROPIC_BASE_URL`, else Anthropic's API. */
  baseURL?: string;
  /** A client you built; Keel then uses it as is (give it `maxRetries: 0`). */
  client?: Anthropic;
}

/**
 * The normalised base URL and a lazy client (made with `maxRetries: 0`: Keel retries).
 *
 * @throws MissingApiKeyError when there is no key and no client.
 */
export function anthropicClient(options: AnthropicClientOptions): {
  baseURL: string;
  getClient: () => Promise<Anthropic>;
} {
  const { client: given } = options;
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
  return {
    baseURL: normalizeBaseURL(given?.baseURL ?? baseURL ?? ANTHROPIC_BASE_URL),
    getClient,
  };
}
