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
      // Built from the inside out: the innermost policy runs `fn` itself, each outer one runs the
      // step into the next, and a wrap of nothing just runs `fn`.
      let run = fn;
      for (let index = policies.length - 1; index > 0; index--)
        run = step(policies[index] as Policy, run);
      try {
        const outermost = policies[0];
        const context = toContext(options);
        return outermost ? outermost.execute(run, context) : Promise.resolve(run(context));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

/** The function that runs `fn` under `policy`, in the context it is handed. */
function step<T>(
  policy: Policy,
  fn: (context: PolicyContext) => T | Promise<T>,
): (context: PolicyContext) => Promise<T> {
  return (context) => policy.execute(fn, context);
}
