/**
 * The error for a provider option the chosen provider cannot honour.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.UnsupportedOptionError';
const symbol = Symbol.for(marker);

/**
 * A request asked for something its provider does not offer (a `seed` on Anthropic, a
 * `thinking` budget on OpenAI, citations on an OpenAI document) or cannot combine (thinking
 * with a forced tool). Thrown before anything is sent: the option is never dropped silently.
 *
 * @example
 * ```ts
 * if (UnsupportedOptionError.isInstance(error)) console.error(error.provider, error.option);
 * ```
 */
export class UnsupportedOptionError extends KeelError {
  protected readonly [symbol] = true;

  /** The provider API that refused it: `openai-chat`, `openai-responses` or `anthropic`. */
  readonly provider: string;
  /** The option, e.g. `providerOptions.seed`. */
  readonly option: string;

  constructor({
    provider,
    option,
    message,
  }: { provider: string; option: string; message: string }) {
    super({ name: 'UnsupportedOptionError', message });
    this.provider = provider;
    this.option = option;
  }

  /** True for an {@link UnsupportedOptionError} from any copy of Keel. */
  static override isInstance(error: unknown): error is UnsupportedOptionError {
    return KeelError.hasMarker(error, marker);
  }
}
