/**
 * The circuit breaker with its state in Redis: a breaker opened by failures seen on one replica
 * is open on all of them, and half-open trial calls are counted across replicas. Each call is
 * two round trips: one script admits it (and moves open to half-open when the pause is over),
 * one records its outcome (and opens or closes the breaker).
 */
import { defineRedisScript, REDIS_NOW_MS } from '@keel/core/internal';
import { BrokenCircuitError } from './broken-circuit-error';
import {
  type BreakerSnapshot,
  type BreakerState,
  breakerRules,
  type CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker';
import { classify as defaultClassify } from './classify';
import { createEvent } from './event';
import { type ExecuteOptions, type PolicyContext, toContext } from './policy';
import { type RedisBacked, type RedisStateOptions, redisState } from './redis-state';

/** Options of {@link redisCircuitBreaker}: the state is in Redis, so there is no `initialState`. */
export interface RedisCircuitBreakerOptions
  extends Omit<CircuitBreakerOptions, 'clock' | 'key' | 'initialState'>,
    RedisStateOptions {}

/** A circuit breaker whose state lives in Redis. */
export interface RedisCircuitBreaker extends CircuitBreaker, RedisBacked {}

const NOW = `${REDIS_NOW_MS}local state = redis.call('HGET', KEYS[1], 'state') or 'closed'
`;

/**
 * ARGV: halfOpenAfterMs, halfOpenTrials, ttl. Returns [verdict, retry after ms, became half-open]
 * with verdict `call` (closed), `trial` (half-open, counted) or `reject`. A trial that has not
 * reported within halfOpenAfterMs is presumed lost with its replica, and its slot is given again.
 */
const admitScript = defineRedisScript(
  'circuit-breaker.admit',
  `${NOW}
local pause = tonumber(ARGV[1])
local halfOpened = 0
if state == 'open' then
  local wait = tonumber(redis.call('HGET', KEYS[1], 'openedAt')) + pause - now
  if wait > 0 then return {'reject', wait, 0} end
  state = 'half-open'
  halfOpened = 1
  redis.call('HSET', KEYS[1], 'state', state, 'since', now, 'trials', 0, 'successes', 0)
end
if state == 'closed' then return {'call', 0, 0} end
local trials = tonumber(redis.call('HGET', KEYS[1], 'trials'))
if trials >= tonumber(ARGV[2]) then
  if now - tonumber(redis.call('HGET', KEYS[1], 'since')) < pause then return {'reject', 0, 0} end
  trials = 0
  redis.call('HSET', KEYS[1], 'since', now)
end
redis.call('HSET', KEYS[1], 'trials', trials + 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'trial', 0, halfOpened}`,
);

/**
 * ARGV: outcome (ok, fail, abort), trial (1/0), ttl, halfOpenTrials, threshold (0: sampling),
 * windowMs, bucketMs, minThroughput, failureRatio. Returns [transition (none, break, reset),
 * consecutive failures]. Sampling buckets are fields `ok:<n>` and `fail:<n>`, n = now / bucketMs.
 */
const recordScript = defineRedisScript(
  'circuit-breaker.record',
  `${NOW}
local outcome, trial, ttl = ARGV[1], ARGV[2] == '1', ARGV[3]
local function open()
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'state', 'open', 'openedAt', now)
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {'break', 0}
end
if trial then
  if state ~= 'half-open' then return {'none', 0} end
  if outcome == 'fail' then return open() end
  local trials = math.max(0, redis.call('HINCRBY', KEYS[1], 'trials', -1))
  redis.call('HSET', KEYS[1], 'trials', trials)
  if outcome == 'abort' then return {'none', 0} end
  if redis.call('HINCRBY', KEYS[1], 'successes', 1) >= tonumber(ARGV[4]) then
    redis.call('DEL', KEYS[1])
    return {'reset', 0}
  end
  return {'none', 0}
end
if outcome == 'abort' or state ~= 'closed' then return {'none', 0} end
local threshold = tonumber(ARGV[5])
if threshold > 0 then
  if outcome == 'ok' then
    redis.call('HDEL', KEYS[1], 'failures')
    return {'none', 0}
  end
  local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
  redis.call('PEXPIRE', KEYS[1], ttl)
  if failures >= threshold then return open() end
  return {'none', failures}
end
local window, bucket = tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('HINCRBY', KEYS[1], outcome .. ':' .. math.floor(now / bucket), 1)
redis.call('PEXPIRE', KEYS[1], ttl)
if outcome == 'ok' then return {'none', 0} end
local fields = redis.call('HGETALL', KEYS[1])
local total, failed = 0, 0
for i = 1, #fields, 2 do
  local kind, index = string.match(fields[i], '^(%a+):(%d+)$')
  if index then
    if tonumber(index) * bucket > now - window then
      local count = tonumber(fields[i + 1])
      total = total + count
      if kind == 'fail' then failed = failed + count end
    else
      redis.call('HDEL', KEYS[1], fields[i])
    end
  end
end
if total >= tonumber(ARGV[8]) and failed / total >= tonumber(ARGV[9]) then return open() end
return {'none', 0}`,
);

/**
 * Creates a circuit breaker shared by every replica that uses the same Redis and `key`. Events
 * fire on the replica whose call made the transition. `state` is the last state this instance
 * saw (refreshed by every `execute`); `snapshot()` describes it, without sampling buckets.
 * State idle for twice the longer of `halfOpenAfterMs` and the sampling window, plus a minute,
 * expires (the breaker is closed again).
 *
 * @example
 * ```ts
 * const breaker = redisCircuitBreaker({ redis, key: 'openai:gpt-4o', strategy: { consecutiveFailures: 5 } });
 * breaker.onBreak(({ error }) => alert('OpenAI is failing', error));
 * const model = createOpenAIModel({ model: 'gpt-4o', breaker });
 * ```
 */
export function redisCircuitBreaker(options: RedisCircuitBreakerOptions): RedisCircuitBreaker {
  const {
    strategy = { consecutiveFailures: 5 },
    halfOpenAfterMs = 30_000,
    halfOpenTrials = 1,
    classify = defaultClassify,
  } = options;
  const { sampling, threshold, minThroughput, bucketMs } = breakerRules({
    strategy,
    halfOpenAfterMs,
    halfOpenTrials,
  });
  const state = redisState('redisCircuitBreaker', 'breaker', options);
  const { clock, key } = state;
  const ttl = Math.ceil(2 * Math.max(halfOpenAfterMs, sampling?.windowMs ?? 0) + 60_000);
  const broke = createEvent<{ error: unknown; key?: string }>();
  const halfOpened = createEvent<{ key?: string }>();
  const reset = createEvent<{ key?: string }>();
  const rejected = createEvent<{ retryAfterMs: number; key?: string }>();
  let known: BreakerState = 'closed';
  let openUntil = 0;
  let consecutive = 0;

  const reject = (retryAfterMs: number): never => {
    rejected.emit({ retryAfterMs, key });
    throw new BrokenCircuitError({ retryAfterMs, key });
  };
  /** Admits a call; resolves whether it is a half-open trial, or undefined when untracked. */
  const admit = async (): Promise<boolean | undefined> => {
    let reply: [string, number, number];
    try {
      reply = (await state.run(admitScript, [
        halfOpenAfterMs,
        halfOpenTrials,
        ttl,
      ])) as typeof reply;
    } catch (error) {
      state.unavailable(error);
      return undefined;
    }
    const [verdict, wait, becameHalfOpen] = reply;
    if (becameHalfOpen === 1) halfOpened.emit({ key });
    if (verdict === 'reject' && wait > 0) {
      known = 'open';
      openUntil = clock.now() + wait;
      return reject(wait);
    }
    known = verdict === 'call' ? 'closed' : 'half-open';
    if (verdict === 'reject') reject(0);
    return verdict === 'trial';
  };
  const record = async (outcome: 'ok' | 'fail' | 'abort', trial: boolean, error?: unknown) => {
    let reply: [string, number];
    try {
      reply = (await state.run(recordScript, [
        outcome,
        trial ? 1 : 0,
        ttl,
        halfOpenTrials,
        threshold,
        sampling?.windowMs ?? 0,
        bucketMs,
        minThroughput,
        sampling?.failureRatio ?? 1,
      ])) as typeof reply;
    } catch (unavailable) {
      // The call has run: its result stands, and the lost outcome is only reported.
      state.report(unavailable, true);
      return;
    }
    const [transition, failures] = reply;
    consecutive = failures;
    if (transition === 'break') {
      known = 'open';
      openUntil = clock.now() + halfOpenAfterMs;
      broke.emit({ error, key });
    } else if (transition === 'reset') {
      known = 'closed';
      reset.emit({ key });
    }
  };

  return {
    get state() {
      return known === 'open' && clock.now() >= openUntil ? 'half-open' : known;
    },
    snapshot: (): BreakerSnapshot => ({
      state: known,
      ...(known === 'open' && { openedAt: openUntil - halfOpenAfterMs }),
      consecutiveFailures: consecutive,
      buckets: [],
    }),
    onBreak: broke.on,
    onHalfOpen: halfOpened.on,
    onReset: reset.on,
    onReject: rejected.on,
    onUnavailable: state.events.onUnavailable,
    async execute<T>(
      fn: (context: PolicyContext) => T | Promise<T>,
      executeOptions?: ExecuteOptions,
    ): Promise<T> {
      const trial = await admit();
      let result: T;
      try {
        result = await fn(toContext(executeOptions));
      } catch (error) {
        const classification = classify(error);
        if (trial !== undefined) {
          const failed = classification === 'retryable' || classification === 'rate-limited';
          const outcome = classification === 'aborted' ? 'abort' : failed ? 'fail' : 'ok';
          await record(outcome, trial, error);
        }
        throw error;
      }
      if (trial !== undefined) await record('ok', trial);
      return result;
    },
  };
}
