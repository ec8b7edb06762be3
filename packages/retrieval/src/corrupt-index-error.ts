/**
 * The error for an index directory that cannot be read back.
 */
import { KeelError } from '@keel/core';

const marker = 'keel.error.CorruptIndexError';
const symbol = Symbol.for(marker);

/**
 * The saved index at `path` is unreadable or inconsistent (wrong checksum, missing file,
 * unknown format). Saves are atomic, so this means the files were changed outside Keel.
 *
 * @example
 * ```ts
 * try { await createHnswStore({ dim, path }) } catch (error) {
 *   if (CorruptIndexError.isInstance(error)) await rebuildFromSources();
 * }
 * ```
 */
export class CorruptIndexError extends KeelError {
  protected readonly [symbol] = true;

  readonly path: string;

  constructor({ path, reason, cause }: { path: string; reason: string; cause?: unknown }) {
    super({
      name: 'CorruptIndexError',
      message: `Index at ${path} cannot be loaded: ${reason}; delete the directory and re-index`,
      cause,
    });
    this.path = path;
  }

  /** True for a {@link CorruptIndexError} from any copy of Keel. */
  static override isInstance(error: unknown): error is CorruptIndexError {
    return KeelError.hasMarker(error, marker);
  }
}
