/**
 * The error for a provider SDK that is not installed.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.MissingSdkError';
const symbol = Symbol.for(marker);

/**
 * The provider's official SDK could not be loaded. @keel/llm lists the SDKs as optional peer
 * dependencies: install the one you call.
 *
 * @example
 * ```ts
 * if (MissingSdkError.isInstance(error)) console.error(`npm install ${error.sdk}`);
 * ```
 */
export class MissingSdkError extends KeelError {
  protected readonly [symbol] = true;

  /** The npm package to install, e.g. `openai`. */
  readonly sdk: string;

  constructor({ sdk, cause }: { sdk: string; cause?: unknown }) {
    super({
      name: 'MissingSdkError',
      message: `Could not load the ${sdk} SDK; install it next to @keel/llm (npm install ${sdk})`,
      cause,
    });
    this.sdk = sdk;
  }

  /** True for a {@link MissingSdkError} from any copy of Keel. */
  static override isInstance(error: unknown): error is MissingSdkError {
    return KeelError.hasMarker(error, marker);
  }
}
