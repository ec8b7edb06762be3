/**
 * What every Redis-backed policy shares: its options (the client, the key, the prefix, a
 * timeout per call and what to do when Redis does not answer), their checks, and the one way a
 * policy runs its scripts, so a Redis that is down or stuck never hangs a call.
 */
import {
  type Clock,
  InvalidArgumentError,
  type RedisArgument,
  type RedisClient,
  SharedStateUnavailableError,
  systemClock,
} from '@keel/core';
import { assertRedisOptions, describeValue, type RedisScript } from '@keel/core/internal';
import { createEvent, type Subscribe } from './event';

/**
 * What a policy does when Redis fails or does not answer within `timeoutMs`: let the call
 * through as if the limit or breaker were not there (and emit `onUnavailable`), or refuse it
 * with `SharedStateUnavailableError`.
 */
export type UnavailablePolicy = 'fail-open' | 'fail-closed';

/** The options every Redis-backed policy takes besides its own. */
export interface RedisStateOptions {
  /** The application's ioredis client (`new Redis(url)` or a `Cluster`). */
  redis: RedisClient;
  /** What the state is for, e.g. `user:42` or `openai:gpt-4o`; replicas sharing it share the state. */
  key: string;
  /** Prepended to every Redis key; default `keel:`. */
  prefix?: string;
  /** Longest wait for one Redis call; default 250 ms. */
  timeoutMs?: number;
  /** Default `fail-open`: a Redis outage degrades to no shared limit rather than no service. */
  onUnavailable?: UnavailablePolicy;
  clock?: Clock;
}

/** Redis failed or timed out; the policy went on as `onUnavailable` says. */
export interface UnavailableEvent {
  error: SharedStateUnavailableError;
  key: string;
  /**
   * Whether the call went on (`fail-open`) or was refused (`fail-closed`). Updates made after a
   * call (a settle, a lease release, a breaker's outcome) are reported with `true`: the call ran.
   */
  failedOpen: boolean;
}

/** A policy whose state lives in Redis. */
export interface RedisBacked {
  /** Every Redis failure or timeout, so a metric can count them. */
  onUnavailable: Subscribe<UnavailableEvent>;
}

/** A policy's handle on its Redis state. */
export interface RedisState {
  /** The full Redis key of the state (`prefix`, policy kind, `key`). */
  readonly redisKey: string;
  readonly key: string;
  readonly failOpen: boolean;
  readonly clock: Clock;
  readonly events: RedisBacked;
  /** Runs a script on the state's key; rejects with `SharedStateUnavailableError`. */
  run(script: RedisScript, args: readonly RedisArgument[]): Promise<unknown>;
  /** Emits `onUnavailable` for a failed call; `failedOpen` says whether the call went on. */
  report(error: unknown, failedOpen: boolean): void;
  /** Reports a failed call, then throws its `SharedStateUnavailableError` when failing closed. */
  unavailable(error: unknown): void;
}

const POLICIES: readonly UnavailablePolicy[] = ['fail-open', 'fail-closed'];

/**
 * Checks the shared options for the policy `kind` (`'rate'`, `'breaker'`) built by `caller`.
 *
 * @example
 * ```ts
 * const state = redisState('redisRateLimiter', 'rate', options);
 * const reply = await state.run(acquireScript, [60, 0, 1, 0]);
 * ```
 */
export function redisState(
  caller: string,
  kind: string,
  {
    redis,
    key,
    prefix = 'keel:',
    timeoutMs = 250,
    onUnavailable = 'fail-open',
    clock = systemClock,
  }: RedisStateOptions,
): RedisState {
  assertRedisOptions(caller, { redis, prefix, timeoutMs });
  if (typeof key !== 'string' || key === '') {
    throw new InvalidArgumentError({
      argument: 'key',
      message: `${caller}() needs key: a non-empty string naming what the state is for (e.g. 'user:42'), got ${describeValue(key)}`,
    });
  }
  if (!POLICIES.includes(onUnavailable)) {
    throw new InvalidArgumentError({
      argument: 'onUnavailable',
      message: `${caller}() needs onUnavailable to be 'fail-open' or 'fail-closed' (or leave it out for 'fail-open'), got ${describeValue(onUnavailable)}`,
    });
  }
  const redisKey = `${prefix}${kind}:${key}`;
  const failOpen = onUnavailable === 'fail-open';
  const channel = createEvent<UnavailableEvent>();
  const report = (error: unknown, failedOpen: boolean): SharedStateUnavailableError => {
    const wrapped = SharedStateUnavailableError.isInstance(error)
      ? error
      : new SharedStateUnavailableError({ engine: 'redis', operation: kind, cause: error });
    channel.emit({ error: wrapped, key, failedOpen });
    return wrapped;
  };
  return {
    redisKey,
    key,
    failOpen,
    clock,
    events: { onUnavailable: channel.on },
    run: (script, args) => script.run(redis, [redisKey], args, { timeoutMs, clock }),
    report,
    unavailable(error) {
      const wrapped = report(error, failOpen);
      if (!failOpen) throw wrapped;
    },
  };
}
