/**
 * A circuit breaker that stops calling a provider that keeps failing, lets trial calls through
 * after a pause, and ignores failures that say nothing about the provider's health (4xx caller
 * errors, aborts).
 */
import { type Clock, InvalidArgumentError, systemClock } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { BrokenCircuitError } from './broken-circuit-error';
import { type Classification, classify as defaultClassify } from './classify';
import { createEvent, type Subscribe } from './event';
import { type Policy, passingContext, toContext } from './policy';

/** Open after this many failures in a row. */
export interface ConsecutiveStrategy {
  consecutiveFailures: number;
}

/** Open when the failure ratio over a sliding window reaches `failureRatio`, given enough calls. */
export interface SamplingStrategy {
  failureRatio: number;
  windowMs: number;
  /** Calls the window must hold before the ratio counts; default 10. */
  minThroughput?: number;
}

/** The breaker's state. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Everything needed to restore a breaker (JSON-serialisable). */
export interface BreakerSnapshot {
  state: BreakerState;
  /** When the breaker opened (clock milliseconds), if it is open. */
  openedAt?: number;
  consecutiveFailures: number;
  /** Sampling buckets: [start, successes, failures]. */
  buckets: Array<[number, number, number]>;
}

/** Options of {@link circuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Default `{ consecutiveFailures: 5 }`. */
  strategy?: ConsecutiveStrategy | SamplingStrategy;
  /** How long the breaker stays open before trial calls; default 30 s. */
  halfOpenAfterMs?: number;
  /** Successful trial calls needed to close again (and concurrent trials allowed); default 1. */
  halfOpenTrials?: number;
  /** Which errors count as provider failures: `retryable` and `rate-limited` do. */
  classify?: (error: unknown) => Classification;
  /** A name for errors and events, e.g. `openai:gpt-4o`. */
  key?: string;
  /** Restore state saved with `snapshot()`. */
  initialState?: BreakerSnapshot;
  clock?: Clock;
}

/** A circuit breaker. */
export interface CircuitBreaker extends Policy {
  readonly state: BreakerState;
  snapshot(): BreakerSnapshot;
  onBreak: Subscribe<{ error: unknown; key?: string }>;
  onHalfOpen: Subscribe<{ key?: string }>;
  onReset: Subscribe<{ key?: string }>;
  onReject: Subscribe<{ retryAfterMs: number; key?: string }>;
}

const BUCKETS = 10;

/** A breaker's validated rules; shared by the in-process and the Redis breaker. */
export interface BreakerRules {
  sampling: SamplingStrategy | undefined;
  /** Consecutive failures that open it (0 with a sampling strategy). */
  threshold: number;
  minThroughput: number;
  /** Length of one of the sampling window's buckets (0 without sampling). */
  bucketMs: number;
}

/** Checks a breaker's strategy and half-open settings; throws `InvalidArgumentError`. */
export function breakerRules({
  strategy,
  halfOpenAfterMs,
  halfOpenTrials,
}: Required<
  Pick<CircuitBreakerOptions, 'strategy' | 'halfOpenAfterMs' | 'halfOpenTrials'>
>): BreakerRules {
  const sampling = 'failureRatio' in strategy ? strategy : undefined;
  const threshold = 'consecutiveFailures' in strategy ? strategy.consecutiveFailures : 0;
  if (sampling) {
    assertNumber('strategy.failureRatio', sampling.failureRatio, { greaterThan: 0, max: 1 });
    assertNumber('strategy.windowMs', sampling.windowMs, { min: BUCKETS, unit: 'milliseconds' });
    if (sampling.minThroughput !== undefined)
      assertNumber('strategy.minThroughput', sampling.minThroughput, { integer: true, min: 0 });
  } else if (!(Number.isInteger(threshold) && threshold >= 1)) {
    throw new InvalidArgumentError({
      argument: 'strategy',
      message: `strategy must be { consecutiveFailures: n >= 1 } or { failureRatio, windowMs, minThroughput }, got ${JSON.stringify(strategy)}`,
    });
  }
  assertNumber('halfOpenAfterMs', halfOpenAfterMs, { min: 0, unit: 'milliseconds' });
  assertNumber('halfOpenTrials', halfOpenTrials, { integer: true, min: 1 });
  return {
    sampling,
    threshold,
    minThroughput: sampling?.minThroughput ?? 10,
    bucketMs: sampling ? sampling.windowMs / BUCKETS : 0,
  };
}

/**
 * Creates a circuit breaker.
 *
 * @example
 * ```ts
 * const breaker = circuitBreaker({ strategy: { failureRatio: 0.5, windowMs: 30_000, minThroughput: 20 }, key: 'openai:gpt-4o' });
 * breaker.onBreak(({ error }) => alert('OpenAI is failing', error));
 * await breaker.execute(({ signal }) => openai.chat.completions.create(body, { signal }));
 * ```
 */
export function circuitBreaker({
  strategy = { consecutiveFailures: 5 },
  halfOpenAfterMs = 30_000,
  halfOpenTrials = 1,
  classify = defaultClassify,
  key,
  initialState,
  clock = systemClock,
}: CircuitBreakerOptions = {}): CircuitBreaker {
  const { sampling, threshold, minThroughput, bucketMs } = breakerRules({
    strategy,
    halfOpenAfterMs,
    halfOpenTrials,
  });

  let state: BreakerState = initialState?.state ?? 'closed';
  let openedAt = initialState?.openedAt ?? 0;
  let consecutive = initialState?.consecutiveFailures ?? 0;
  let buckets: Array<[number, number, number]> =
    initialState?.buckets.map((b) => [...b] as [number, number, number]) ?? [];
  let trialsInFlight = 0;
  let trialSuccesses = 0;

  const broke = createEvent<{ error: unknown; key?: string }>();
  const halfOpened = createEvent<{ key?: string }>();
  const reset = createEvent<{ key?: string }>();
  const rejected = createEvent<{ retryAfterMs: number; key?: string }>();

  const open = (error: unknown) => {
    state = 'open';
    openedAt = clock.now();
    trialsInFlight = 0;
    trialSuccesses = 0;
    broke.emit({ error, key });
  };
  const close = () => {
    state = 'closed';
    consecutive = 0;
    buckets = [];
    reset.emit({ key });
  };
  const currentBucket = (): [number, number, number] => {
    const now = clock.now();
    const start = now - (now % bucketMs);
    const last = buckets.at(-1);
    if (last && last[0] === start) return last;
    const fresh: [number, number, number] = [start, 0, 0];
    buckets = [...buckets.filter((b) => b[0] > now - (sampling?.windowMs ?? 0)), fresh];
    return fresh;
  };
  /** Counts a call's outcome; `trial` says whether it was admitted as a half-open trial. */
  const record = (failed: boolean, error: unknown, trial: boolean) => {
    if (trial) {
      if (state !== 'half-open') return;
      trialsInFlight--;
      if (failed) open(error);
      else if (++trialSuccesses >= halfOpenTrials) close();
      return;
    }
    // A late result of a call that started before the breaker opened says nothing new.
    if (state !== 'closed') return;
    if (!sampling) {
      consecutive = failed ? consecutive + 1 : 0;
      if (failed && consecutive >= threshold) open(error);
      return;
    }
    const bucket = currentBucket();
    bucket[failed ? 2 : 1]++;
    if (!failed) return;
    let total = 0;
    let failures = 0;
    for (const [start, ok, bad] of buckets) {
      if (start > clock.now() - sampling.windowMs) {
        total += ok + bad;
        failures += bad;
      }
    }
    if (total >= minThroughput && failures / total >= sampling.failureRatio) open(error);
  };
  const refuse = (retryAfterMs: number): Promise<never> => {
    rejected.emit({ retryAfterMs, key });
    return Promise.reject(new BrokenCircuitError({ retryAfterMs, key }));
  };
  // Outcome handlers made once, for calls admitted closed and for trial calls, so a call through
  // the breaker allocates no closure.
  const outcome = (trial: boolean) => ({
    succeeded<T>(result: T): T {
      record(false, undefined, trial);
      return result;
    },
    failed(error: unknown): never {
      const classification = classify(error);
      if (classification !== 'aborted') {
        record(classification === 'retryable' || classification === 'rate-limited', error, trial);
      } else if (trial && state === 'half-open') {
        trialsInFlight--;
      }
      throw error;
    },
  });
  const closedCall = outcome(false);
  const trialCall = outcome(true);

  return passingContext({
    get state() {
      if (state === 'open' && clock.now() >= openedAt + halfOpenAfterMs) return 'half-open';
      return state;
    },
    snapshot: () => ({
      state,
      ...(state === 'open' && { openedAt }),
      consecutiveFailures: consecutive,
      buckets: buckets.map((b) => [...b] as [number, number, number]),
    }),
    onBreak: broke.on,
    onHalfOpen: halfOpened.on,
    onReset: reset.on,
    onReject: rejected.on,
    execute(fn, options) {
      if (state === 'open') {
        const wait = openedAt + halfOpenAfterMs - clock.now();
        if (wait > 0) return refuse(wait);
        state = 'half-open';
        trialSuccesses = 0;
        halfOpened.emit({ key });
      }
      if (state === 'half-open') {
        if (trialsInFlight >= halfOpenTrials) return refuse(0);
        trialsInFlight++;
      }
      const { succeeded, failed } = state === 'half-open' ? trialCall : closedCall;
      let result: ReturnType<typeof fn>;
      try {
        result = fn(toContext(options));
      } catch (error) {
        result = Promise.reject(error);
      }
      return Promise.resolve(result).then(succeeded, failed);
    },
  });
}
