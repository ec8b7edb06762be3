/**
 * Composition: `wrap(a, b, c)` runs a function under c, inside b, inside a.
 */
import { type ExecuteOptions, type Policy, type PolicyContext, toContext } from './policy';

/**
 * Composes policies, outermost first. Each passes its context (signal, attempt, heartbeat,
 * idempotency key) to the next, so an inner timeout's signal and an outer retry's attempt number
 * both reach the function.
 *
 * @example
 * ```ts
 * const policy = wrap(retry({ maxAttempts: 3 }), circuitBreaker(), timeout({ totalMs: 60_000 }));
 * const completion = await policy.execute(({ signal }) => openai.chat.completions.create(body, { signal }));
 * ```
 */
export function wrap(...policies: Policy[]): Policy {
  return {
    execute<T>(
      fn: (context: PolicyContext) => T | Promise<T>,
      options?: ExecuteOptions,
    ): Promise<T> {
      // The innermost policy awaits `fn` itself; only a wrap of nothing needs a promise made here.
      const run = (index: number, context: PolicyContext): T | Promise<T> => {
        const policy = policies[index];
        return policy ? policy.execute((inner) => run(index + 1, inner), context) : fn(context);
      };
      try {
        return Promise.resolve(run(0, toContext(options)));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
