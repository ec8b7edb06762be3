/**
 * The one shape every resilience policy has, and the context a policy hands to the function
 * it runs.
 */

/** What the function run by a policy receives. */
export interface PolicyContext {
  /** Aborts when the caller cancels or a policy's deadline passes; pass it to the SDK call. */
  signal: AbortSignal;
  /** 1-based attempt number from the nearest `retry` (1 outside any retry). */
  attempt: number;
  /** Stable across the attempts of one logical call (set by `retry`); send it where the API accepts one. */
  idempotencyKey?: string;
  /** Report progress (a byte, a chunk) to first-byte and idle timeouts; a no-op outside `timeout`. */
  heartbeat(): void;
}

/** Options of `execute`: the caller's signal, or the context of an enclosing policy. */
export type ExecuteOptions = Partial<PolicyContext>;

/** A resilience policy: runs a function under some rule (retry, breaker, timeout, limit). */
export interface Policy {
  /**
   * Runs `fn` under this policy.
   *
   * @example
   * ```ts
   * const answer = await policy.execute(({ signal }) => openai.chat.completions.create(body, { signal }), { signal });
   * ```
   */
  execute<T>(fn: (context: PolicyContext) => T | Promise<T>, options?: ExecuteOptions): Promise<T>;
}

const never = new AbortController().signal;
const noop = (): void => {};

/** Fills in the context a policy passes on: defaults for a call made outside any policy. */
export function toContext(options: ExecuteOptions | undefined): PolicyContext {
  return {
    signal: options?.signal ?? never,
    attempt: options?.attempt ?? 1,
    idempotencyKey: options?.idempotencyKey,
    heartbeat: options?.heartbeat ?? noop,
  };
}
