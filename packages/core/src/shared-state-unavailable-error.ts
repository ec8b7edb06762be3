/**
 * The error of a shared-state engine (Redis, PostgreSQL) that did not answer in time or at all.
 */
import { KeelError } from './keel-error';

const marker = 'keel.error.SharedStateUnavailableError';
const symbol = Symbol.for(marker);

/** The engine that failed. */
export type SharedStateEngine = 'redis' | 'postgres';

/**
 * A Redis or PostgreSQL call that holds shared state (a limit, a budget, a breaker) failed or
 * ran past its timeout. Policies that "fail closed" throw it; the `cause` is the driver's error
 * or a `TimeoutError`.
 *
 * @example
 * ```ts
 * try { await limiter.acquire() } catch (error) {
 *   if (SharedStateUnavailableError.isInstance(error)) return reply(503, 'try again shortly');
 *   throw error;
 * }
 * ```
 */
export class SharedStateUnavailableError extends KeelError {
  protected readonly [symbol] = true;

  readonly engine: SharedStateEngine;
  /** What was being done, e.g. `'rate-limiter.acquire'`. */
  readonly operation: string;

  constructor({
    engine,
    operation,
    cause,
  }: { engine: SharedStateEngine; operation: string; cause?: unknown }) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super({
      name: 'SharedStateUnavailableError',
      message: `${engine === 'redis' ? 'Redis' : 'PostgreSQL'} did not complete ${operation}: ${reason}; check that the server is reachable, or configure the policy to fail open`,
      cause,
    });
    this.engine = engine;
    this.operation = operation;
  }

  /** True for a {@link SharedStateUnavailableError} from any copy of Keel. */
  static override isInstance(error: unknown): error is SharedStateUnavailableError {
    return KeelError.hasMarker(error, marker);
  }
}
