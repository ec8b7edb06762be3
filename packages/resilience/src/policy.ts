/**
 * The one shape every resilience policy has, and the context a policy hands to the function it
 * runs. Contexts are built so that what a call does not use costs nothing: a signal that nobody
 * reads is never created (creating an AbortSignal costs microseconds in Node), an idempotency
 * key nobody asks for is never generated.
 */

/** What the function run by a policy receives. */
export interface PolicyContext {
  /** Aborts when the caller cancels or a policy's deadline passes; pass it to the SDK call. */
  readonly signal: AbortSignal;
  /** 1-based attempt number from the nearest `retry` (1 outside any retry). */
  readonly attempt: number;
  /** Stable across the attempts of one logical call (set by `retry`); send it where the API accepts one. */
  readonly idempotencyKey?: string;
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

/** The signal of a call made without one: never aborts. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;
const noop = (): void => {};

/**
 * A signal made only when first read. Aborting it before anyone read it just records the
 * reason; a later read gets a signal that is already aborted. It follows its parent context.
 */
export class LazyAbort {
  // Plain fields, declared only and set in the constructors: one object is made per call, and
  // fields defined in the class body (`#` or not) cost an initializer run on every construction.
  declare private controller: AbortController | undefined;
  declare private ownReason: unknown;
  declare private ownAborted: boolean;
  declare private onParentAbort: (() => void) | undefined;
  declare private readonly parent: CallContext;

  constructor(parent: CallContext) {
    this.controller = undefined;
    this.ownReason = undefined;
    this.ownAborted = false;
    this.onParentAbort = undefined;
    this.parent = parent;
  }

  /** True once this signal or its parent aborted. */
  get aborted(): boolean {
    return this.ownAborted || this.parent.aborted;
  }

  /** The abort reason (this signal's own first, else the parent's). */
  get reason(): unknown {
    return this.ownAborted ? this.ownReason : this.parent.signal.reason;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
      else this.listen();
    }
    return this.controller.signal;
  }

  /** Follows the parent's abort eagerly (only needed while someone waits on this signal). */
  listen(): void {
    if (this.parent.neverAborts || this.onParentAbort !== undefined) return;
    this.onParentAbort = () => this.abort(this.parent.signal.reason);
    this.parent.signal.addEventListener('abort', this.onParentAbort, { once: true });
  }

  abort(reason: unknown): void {
    if (this.ownAborted) return;
    this.ownAborted = true;
    this.ownReason = reason;
    this.controller?.abort(reason);
  }

  /** Stops following the parent. */
  dispose(): void {
    if (this.onParentAbort) this.parent.signal.removeEventListener('abort', this.onParentAbort);
  }
}

/** A lazily generated idempotency key shared by the attempts of one call. */
export interface KeyBox {
  key?: string;
}

/** A function a policy runs. */
export type PolicyFunction = (context: PolicyContext) => unknown;

/**
 * Policies that hand their function the context they were given or a child of it made by
 * `with`, never another object: `wrap` composes them without a closure per call (see wrap.ts).
 */
export const passesContext = new WeakSet<Policy>();

/** Records that `policy` passes its context on (see {@link passesContext}), and returns it. */
export function passingContext<P extends Policy>(policy: P): P {
  passesContext.add(policy);
  return policy;
}

/** The context objects every policy builds: getters on the prototype, nothing made until read. */
export class CallContext implements PolicyContext {
  readonly #signal: AbortSignal | LazyAbort;
  readonly #key: string | KeyBox | undefined;
  /** The function of the innermost `wrap` this call runs in, when it composes without closures. */
  readonly #wrapped: PolicyFunction | undefined;
  readonly attempt: number;
  readonly heartbeat: () => void;

  constructor(
    signal: AbortSignal | LazyAbort,
    attempt: number,
    heartbeat: () => void,
    key: string | KeyBox | undefined,
    wrapped: PolicyFunction | undefined,
  ) {
    this.#signal = signal;
    this.attempt = attempt;
    this.heartbeat = heartbeat;
    this.#key = key;
    this.#wrapped = wrapped;
  }

  /** The function `wrap` runs in `context` (a static method, so a context shows no such field). */
  static wrappedOf(context: CallContext): PolicyFunction | undefined {
    return context.#wrapped;
  }

  get signal(): AbortSignal {
    const source = this.#signal;
    return source instanceof LazyAbort ? source.signal : source;
  }

  /** Whether the call was cancelled, without creating a lazy signal. */
  get aborted(): boolean {
    // Node's AbortSignal getter checks its receiver on every read; a call without a signal skips it.
    const source = this.#signal;
    return source !== NEVER_ABORTED && source.aborted;
  }

  /** True for a call made without any signal: nothing to listen to. */
  get neverAborts(): boolean {
    return this.#signal === NEVER_ABORTED;
  }

  get idempotencyKey(): string | undefined {
    const key = this.#key;
    if (key === undefined || typeof key === 'string') return key;
    key.key ??= globalThis.crypto.randomUUID();
    return key.key;
  }

  /** Throws the abort reason if the call was cancelled. */
  throwIfAborted(): void {
    if (this.#signal.aborted) throw this.#signal.reason;
  }

  /**
   * A child context with some parts replaced (an undefined part is kept). Positional, so making
   * one per attempt or per timeout allocates no options object.
   */
  with(
    signal: AbortSignal | LazyAbort = this.#signal,
    attempt: number = this.attempt,
    heartbeat: () => void = this.heartbeat,
    key: string | KeyBox | undefined = this.#key,
  ): CallContext {
    return new CallContext(signal, attempt, heartbeat, key, this.#wrapped);
  }

  /** A child context in which `wrap` runs `fn`. */
  wrapping(fn: PolicyFunction): CallContext {
    return new CallContext(this.#signal, this.attempt, this.heartbeat, this.#key, fn);
  }
}

/**
 * The context of a call made without options (contexts are immutable, so one serves all). Made
 * up front, it also keeps V8's hidden class of contexts alive (see `TimeoutCall.kept`).
 */
const defaultContext = new CallContext(NEVER_ABORTED, 1, noop, undefined, undefined);

/** The context a policy works in: the enclosing policy's as it is, or one built from options. */
export function toContext(options: ExecuteOptions | undefined): CallContext {
  if (options instanceof CallContext) return options;
  if (options === undefined) return defaultContext;
  return new CallContext(
    options?.signal ?? NEVER_ABORTED,
    options?.attempt ?? 1,
    options?.heartbeat ?? noop,
    options?.idempotencyKey,
    undefined,
  );
}
