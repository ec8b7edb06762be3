/**
 * A budget held in Redis, so every replica of a service draws on the same one: each reservation
 * is checked and held by one Lua script, against spending counted per time window in Redis
 * server time.
 */
import type { RedisClient, Usage } from '@keel/core';
import { InvalidArgumentError } from '@keel/core';
import {
  assertNumber,
  assertRedisOptions,
  defineRedisScript,
  REDIS_NOW_MS,
} from '@keel/core/internal';
import {
  type Budget,
  type BudgetOptions,
  type BudgetSnapshot,
  budgetExceeded,
  budgetLimits,
  budgetSnapshot,
  type CallEstimate,
  type Hold,
  openReservations,
  type Reservation,
  reservationOf,
  settledNanoUsd,
  worstCase,
} from './budget';
import { assertUsage, type EstimateCostOptions } from './estimate-cost';

/** What a budget on Redis counts over: a minute, a UTC day, or any span (e.g. `{ ms: 3_600_000 }`). */
export type BudgetWindow = 'minute' | 'day' | { ms: number };

/** What was spent in the current window before Redis knew of it, from a durable record. */
export interface BudgetSeed {
  tokens: number;
  costUsd: number;
}

/** Options of {@link createRedisBudget}. At least one limit is required. */
export interface RedisBudgetOptions extends BudgetOptions {
  /** The application's ioredis client (`new Redis(url)`). */
  redis: RedisClient;
  /**
   * The span the limits apply to, in Redis server time: `'day'` resets at 00:00 UTC, `'minute'`
   * at each minute. Omitted: the limits hold for as long as Redis keeps the keys.
   */
  window?: BudgetWindow;
  /**
   * Reads what was already spent in the window starting at `since` (e.g. from the ledger).
   * Called when Redis has no record of the window yet (the window began, or Redis restarted);
   * the first replica's figures are applied, atomically, and later ones ignored.
   */
  seed?: (window: { since: Date }) => Promise<BudgetSeed>;
  /** Prepended to every key. Default `'keel:'`. */
  prefix?: string;
  /** Longest wait for Redis on each call. Default 250 ms. */
  timeoutMs?: number;
  /** How long a reservation holds budget if it is never settled (its replica died). Default 10 minutes. */
  holdTtlMs?: number;
}

/** The budget {@link createRedisBudget} returns: every method answers with a promise. */
export interface RedisBudget extends Budget {
  reserve(estimate: CallEstimate): Promise<Reservation>;
  settle(
    reservation: Reservation,
    usage: Usage,
    options?: Pick<EstimateCostOptions, 'cacheWriteTtl'>,
  ): Promise<void>;
  release(reservation: Reservation): Promise<void>;
  snapshot(): Promise<BudgetSnapshot>;
}

const WINDOW_MS = { minute: 60_000, day: 86_400_000 } as const;

/**
 * The keys of a budget and its window, from Redis server time. `KEYS[1]` is the budget's base
 * key; the window's key extends it, so both share its hash tag (one cluster slot).
 * `ARGV[1]` is the window in ms (0 for none), `ARGV[2]` the seed: `''` when the budget has none,
 * `'?'` to ask for it, `'<tokens> <nanoUsd> <since>'` to apply it to the window starting at `since`.
 */
const PROLOGUE = `
local base = KEYS[1]
local windowMs = tonumber(ARGV[1])
${REDIS_NOW_MS}local since = 0
local spentKey = base .. ':spent'
if windowMs > 0 then
  since = now - now % windowMs
  spentKey = spentKey .. ':' .. string.format('%d', since)
end
local holdsKey = base .. ':holds'

local function touchSpent()
  if windowMs > 0 then redis.call('PEXPIREAT', spentKey, since + windowMs) end
end

-- Whether the window is seeded: takes the larger of each figure, since both Redis (calls settled
-- here) and the seed (calls recorded durably) may have missed some, and adding would count twice.
local function seeded(seed)
  if seed == '' or redis.call('HEXISTS', spentKey, 's') == 1 then return true end
  local tokens, nano, at = string.match(seed, '^(%d+) (%d+) (%d+)$')
  if tokens == nil or tonumber(at) ~= since then return false end
  local spent = redis.call('HMGET', spentKey, 't', 'n')
  redis.call('HSET', spentKey,
    't', string.format('%d', math.max(tonumber(spent[1] or '0'), tonumber(tokens))),
    'n', string.format('%d', math.max(tonumber(spent[2] or '0'), tonumber(nano))),
    's', '1')
  touchSpent()
  return true
end

-- Spent in this window, and held by live reservations (expired holds are dropped).
local function used()
  local spent = redis.call('HMGET', spentKey, 't', 'n')
  local heldTokens, heldNano, count = 0, 0, 0
  local holds = redis.call('HGETALL', holdsKey)
  for i = 1, #holds, 2 do
    local tokens, nano, expires = string.match(holds[i + 1], '^(%d+) (%d+) (%d+)$')
    if tonumber(expires) <= now then
      redis.call('HDEL', holdsKey, holds[i])
    else
      heldTokens = heldTokens + tonumber(tokens)
      heldNano = heldNano + tonumber(nano)
      count = count + 1
    end
  end
  return tonumber(spent[1] or '0'), tonumber(spent[2] or '0'), heldTokens, heldNano, count
end
`;

/** ARGV[3..8]: max tokens and max nano-USD (`''` for none), the hold's tokens, nano-USD, id and TTL. */
const reserveScript = defineRedisScript(
  'budget.reserve',
  `${PROLOGUE}
if not seeded(ARGV[2]) then return {'seed', since} end
local spentTokens, spentNano, heldTokens, heldNano = used()
local usedTokens, usedNano = spentTokens + heldTokens, spentNano + heldNano
local tokens, nano, ttl = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[8])
if ARGV[3] ~= '' and usedTokens + tokens > tonumber(ARGV[3]) then
  return {'tokens', usedTokens, usedNano}
end
if ARGV[4] ~= '' and usedNano + nano > tonumber(ARGV[4]) then
  return {'usd', usedTokens, usedNano}
end
redis.call('HSET', holdsKey, ARGV[7], ARGV[5] .. ' ' .. ARGV[6] .. ' ' .. string.format('%d', now + ttl))
if redis.call('PTTL', holdsKey) < ttl then redis.call('PEXPIRE', holdsKey, ttl) end
return {'ok'}
`,
);

/** ARGV[3..5]: the hold's id, the tokens and nano-USD used. */
const settleScript = defineRedisScript(
  'budget.settle',
  `${PROLOGUE}
redis.call('HDEL', holdsKey, ARGV[3])
redis.call('HINCRBY', spentKey, 't', ARGV[4])
redis.call('HINCRBY', spentKey, 'n', ARGV[5])
touchSpent()
return {'ok'}
`,
);

/** ARGV[1]: the hold's id. */
const releaseScript = defineRedisScript(
  'budget.release',
  `redis.call('HDEL', KEYS[1] .. ':holds', ARGV[1])
return {'ok'}`,
);

const snapshotScript = defineRedisScript(
  'budget.snapshot',
  `${PROLOGUE}
if not seeded(ARGV[2]) then return {'seed', since} end
local spentTokens, spentNano, heldTokens, heldNano, count = used()
return {'ok', spentTokens, spentNano, heldTokens, heldNano, count}
`,
);

type Reply = [string, ...number[]];

function windowMsOf(window: BudgetWindow | undefined): number {
  if (window === undefined) return 0;
  if (window === 'minute' || window === 'day') return WINDOW_MS[window];
  if (window === null || typeof window !== 'object') {
    throw new InvalidArgumentError({
      argument: 'window',
      message: `window must be 'minute', 'day' or { ms }, got ${JSON.stringify(window)}`,
    });
  }
  assertNumber('window.ms', window.ms, { integer: true, greaterThan: 0, unit: 'milliseconds' });
  return window.ms;
}

function assertSeed(seed: BudgetSeed): void {
  const hint = 'seed must resolve to { tokens, costUsd } already spent in the window';
  const max = Number.MAX_SAFE_INTEGER;
  assertNumber('seed().tokens', seed?.tokens, { integer: true, min: 0, max, hint });
  assertNumber('seed().costUsd', seed?.costUsd, { min: 0, max: max / 1e9, unit: 'USD', hint });
}

/**
 * Creates a budget in Redis that any number of replicas share: a reservation is checked against
 * spent plus held plus its worst case, and held, in one atomic script (one round trip), so
 * replicas together never pass a limit. A hold expires after `holdTtlMs` if its replica dies
 * before settling it. Prices are the in-process budget's, computed here and sent as integer
 * nano-dollars.
 *
 * The budget fails closed: when Redis fails or does not answer within `timeoutMs`, `reserve`
 * (and every other method) rejects with `SharedStateUnavailableError` and nothing is spent.
 * Usage settled while Redis is unreachable is lost to the budget (the ledger still has it, and
 * `seed` brings it back in the next window); its hold expires after `holdTtlMs`.
 *
 * @throws InvalidArgumentError for a bad option (no limit, a negative limit, a bad window).
 * @example
 * ```ts
 * const budget = createRedisBudget({
 *   redis, scope: `user:${userId}`, maxCostUsd: 0.5, window: 'day',
 *   seed: async ({ since }) => spentByUserSince(userId, since),
 * });
 * const hold = await budget.reserve({ model: 'gpt-4o', inputTokens: 1_200, maxOutputTokens: 500 });
 * try {
 *   const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages, max_tokens: 500 });
 *   await budget.settle(hold, normalizeOpenAIChatUsage(completion.usage));
 * } catch (error) { await budget.release(hold); throw error; }
 * ```
 */
export function createRedisBudget(options: RedisBudgetOptions): RedisBudget {
  const { redis, window, seed, prefix = 'keel:', timeoutMs = 250, holdTtlMs = 600_000 } = options;
  const limits = budgetLimits(options, 'createRedisBudget');
  const { scope, maxTokens, maxNanoUsd } = limits;
  assertRedisOptions('createRedisBudget', { redis, prefix, timeoutMs });
  if (seed !== undefined && typeof seed !== 'function') {
    throw new InvalidArgumentError({
      argument: 'seed',
      message: 'seed must be a function returning a promise of { tokens, costUsd }',
    });
  }
  assertNumber('holdTtlMs', holdTtlMs, { integer: true, greaterThan: 0, unit: 'milliseconds' });
  const windowMs = windowMsOf(window);
  const keys = [`${prefix}budget:{${scope}}`];
  const run = { timeoutMs };
  const holds = openReservations<Hold & { id: string }>(scope);

  /** Runs a script that answers `'seed'` until the window is seeded, seeding it when asked. */
  async function seeded(
    script: typeof reserveScript,
    rest: readonly (string | number)[],
  ): Promise<Reply> {
    let reply = (await script.run(redis, keys, [windowMs, seed ? '?' : '', ...rest], run)) as Reply;
    while (reply[0] === 'seed' && seed !== undefined) {
      const since = reply[1] as number;
      const spent = await seed({ since: new Date(since) });
      assertSeed(spent);
      const figures = `${spent.tokens} ${Math.round(spent.costUsd * 1e9)} ${since}`;
      reply = (await script.run(redis, keys, [windowMs, figures, ...rest], run)) as Reply;
    }
    return reply;
  }

  return {
    scope,
    async reserve(estimate) {
      const hold = { ...worstCase(limits, estimate), id: crypto.randomUUID() };
      const finite = {
        integer: true,
        max: Number.MAX_SAFE_INTEGER,
        hint: 'a budget on Redis holds finite amounts',
      };
      assertNumber('inputTokens + maxOutputTokens', hold.tokens, finite);
      assertNumber('the worst-case cost in nano-USD', hold.nanoUsd, finite);
      const [outcome, usedTokens = 0, usedNanoUsd = 0] = await seeded(reserveScript, [
        maxTokens === undefined || maxTokens === Number.POSITIVE_INFINITY ? '' : maxTokens,
        maxNanoUsd ?? '',
        hold.tokens,
        hold.nanoUsd,
        hold.id,
        holdTtlMs,
      ]);
      if (outcome === 'tokens' || outcome === 'usd') {
        throw budgetExceeded(limits, outcome, usedTokens, usedNanoUsd, hold);
      }
      const reservation = reservationOf(scope, estimate.model, hold);
      holds.add(reservation, hold);
      return reservation;
    },
    async settle(reservation, usage, settleOptions = {}) {
      assertUsage(usage);
      const hold = holds.take(reservation);
      const nanoUsd = settledNanoUsd(limits, reservation, hold, usage, settleOptions);
      await settleScript.run(
        redis,
        keys,
        [windowMs, '', hold.id, usage.inputTokens + usage.outputTokens, nanoUsd],
        run,
      );
    },
    async release(reservation) {
      await releaseScript.run(redis, keys, [holds.take(reservation).id], run);
    },
    async snapshot() {
      const [
        ,
        spentTokens = 0,
        spentNanoUsd = 0,
        reservedTokens = 0,
        reservedNanoUsd = 0,
        inFlight = 0,
      ] = await seeded(snapshotScript, []);
      return budgetSnapshot(limits, {
        spentTokens,
        spentNanoUsd,
        reservedTokens,
        reservedNanoUsd,
        inFlight,
      });
    },
  };
}
