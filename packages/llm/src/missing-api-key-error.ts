/**
 * The error for a provider model created without an API key.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.MissingApiKeyError';
const symbol = Symbol.for(marker);

/**
 * No API key was passed and the provider's environment variable is unset. The message names
 * the variable to set; it never contains a key.
 *
 * @example
 * ```ts
 * try { createOpenAIModel({ model: 'gpt-4o-mini' }) } catch (error) {
 *   if (MissingApiKeyError.isInstance(error)) console.error(`set ${error.variable}`);
 * }
 * ```
 */
export class MissingApiKeyError extends KeelError {
  protected readonly [symbol] = true;

  /** The environment variable that would have supplied the key, e.g. `OPENAI_API_KEY`. */
  readonly variable: string;
  readonly provider: string;

  constructor({ provider, variable }: { provider: string; variable: string }) {
    super({
      name: 'MissingApiKeyError',
      message: `No ${provider} API key: set the ${variable} environment variable or pass apiKey`,
    });
    this.provider = provider;
    this.variable = variable;
  }

  /** True for a {@link MissingApiKeyError} from any copy of Keel. */
  static override isInstance(error: unknown): error is MissingApiKeyError {
    return KeelError.hasMarker(error, marker);
  }
}
