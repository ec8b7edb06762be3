/**
 * Composition: `wrap(a, b, c)` runs a function under c, inside b, inside a.
 */
import {
  CallContext,
  type ExecuteOptions,
  type Policy,
  type PolicyContext,
  type PolicyFunction,
  passesContext,
  toContext,
} from './policy';

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
  // When every policy hands its function the context it got (Keel's own do), the steps between
  // them are made once and the call's function travels in its context: a call makes one context
  // instead of a closure per policy. A policy that may build its own context gets closures.
  const steps =
    policies.length > 1 && policies.every((policy) => passesContext.has(policy))
      ? chainedSteps(policies)
      : undefined;
  return {
    execute<T>(
      fn: (context: PolicyContext) => T | Promise<T>,
      options?: ExecuteOptions,
    ): Promise<T> {
      try {
        const outermost = policies[0];
        const context = toContext(options);
        if (steps && outermost) return outermost.execute(steps, context.wrapping(fn)) as Promise<T>;
        // Built from the inside out: the innermost policy runs `fn` itself, each outer one runs
        // the step into the next, and a wrap of nothing just runs `fn`.
        let run = fn;
        for (let index = policies.length - 1; index > 0; index--)
          run = step(policies[index] as Policy, run);
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

/**
 * The step into the second policy, made once per `wrap`: each step runs the next policy, and
 * the innermost runs the function its context carries.
 */
function chainedSteps(policies: Policy[]): PolicyFunction {
  const innermost = policies.at(-1) as Policy;
  let run: PolicyFunction = (context) =>
    innermost.execute(CallContext.wrappedOf(context as CallContext) as PolicyFunction, context);
  for (let index = policies.length - 2; index > 0; index--) {
    const policy = policies[index] as Policy;
    const next = run;
    run = (context) => policy.execute(next, context);
  }
  return run;
}
