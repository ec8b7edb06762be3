/**
 * The base class of every error Keel throws, and the marker convention that makes
 * `isInstance` checks work across duplicate installs and bundles (where `instanceof` fails).
 */

const marker = 'keel.error';
const symbol = Symbol.for(marker);

/** What every {@link KeelError} is built from. */
export interface KeelErrorOptions {
  /** Stable name that callers may switch on, e.g. `'TimeoutError'`. */
  name: string;
  /** What happened and what to do about it. */
  message: string;
  /** The error that led to this one, if any. */
  cause?: unknown;
}

/**
 * Base class for Keel's errors. Subclasses live one per file, carry the data a caller needs
 * to decide (`status`, `retryAfterMs`, `reason`, ...) and declare their own marker:
 *
 * @example
 * ```ts
 * const marker = 'keel.error.PriceNotFoundError';
 * const symbol = Symbol.for(marker);
 *
 * export class PriceNotFoundError extends KeelError {
 *   protected readonly [symbol] = true;
 *   constructor(readonly model: string) {
 *     super({
 *       name: 'PriceNotFoundError',
 *       message: `Model "${model}" is not in the price table; pass prices: { input, output }`,
 *     });
 *   }
 *   static override isInstance(error: unknown): error is PriceNotFoundError {
 *     return KeelError.hasMarker(error, marker);
 *   }
 * }
 * ```
 */
export class KeelError extends Error {
  protected readonly [symbol] = true;

  constructor({ name, message, cause }: KeelErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
  }

  /**
   * True for any error created by any copy of Keel, including subclasses.
   *
   * @example
   * ```ts
   * try { await model.generate(request) } catch (error) {
   *   if (KeelError.isInstance(error)) report(error.name)
   * }
   * ```
   */
  static isInstance(error: unknown): error is KeelError {
    return KeelError.hasMarker(error, marker);
  }

  /** True when `error` carries the `Symbol.for(marker)` brand set by a Keel error class. */
  protected static hasMarker(error: unknown, markerName: string): boolean {
    if (error === null || typeof error !== 'object') return false;
    const brand = Symbol.for(markerName);
    return brand in error && (error as Record<symbol, unknown>)[brand] === true;
  }
}
