/**
 * The error for a replay-only cassette asked for something it never recorded.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.CassetteMissError';
const symbol = Symbol.for(marker);

/**
 * A cassette in `replay` mode has no recording for a key, so answering would need a live call.
 *
 * @example
 * ```ts
 * if (CassetteMissError.isInstance(error)) console.error(`record ${error.key} first`);
 * ```
 */
export class CassetteMissError extends KeelError {
  protected readonly [symbol] = true;

  readonly key: string;
  readonly path: string;

  constructor({ key, path }: { key: string; path: string }) {
    super({
      name: 'CassetteMissError',
      message: `Cassette ${path} has no recording for "${key}"; run once with mode 'auto' to record it, or check that the case, prompt and model are unchanged`,
    });
    this.key = key;
    this.path = path;
  }

  /** True for a {@link CassetteMissError} from any copy of Keel. */
  static override isInstance(error: unknown): error is CassetteMissError {
    return KeelError.hasMarker(error, marker);
  }
}
