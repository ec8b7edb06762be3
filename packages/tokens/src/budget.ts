/**
 * Token and cost budgets that hold across concurrent calls: reserve the worst case before a
 * call, settle the real usage after it.
 */
import { InvalidArgumentError, type Usage } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { BudgetExceededError } from './budget-exceeded-error';
import {
  assertUsage,
  type EstimateCostOptions,
  estimateCost,
  nanoUsdPerToken,
  pricesOf,
} from './estimate-cost';
import { getModel, type ModelPrices } from './model-catalogue';

/** Options of {@link createBudget}. At least one limit is required. */
export interface BudgetOptions {
  /** Most tokens (input plus output) all calls together may use. */
  maxTokens?: number;
  /** Most USD all calls together may cost. */
  maxCostUsd?: number;
  /** What the budget covers, for errors and snapshots: `'request'`, `'user:42'`, `'tenant:acme'`. */
  scope: string;
}

/** The worst case of a call about to be made. */
export interface CallEstimate {
  model: string;
  /** Prompt tokens, e.g. from `countMessageTokens`. */
  inputTokens: number;
  /** The call's `max_tokens`; defaults to the model's maximum output. */
  maxOutputTokens?: number;
  /** Prices to use instead of the catalogue's (USD per million tokens). */
  prices?: ModelPrices;
}

/** A hold on part of a budget for one call in flight. Settle or release it exactly once. */
export interface Reservation {
  readonly scope: string;
  readonly model: string;
  /** Worst-case tokens held. */
  readonly tokens: number;
  /** Worst-case cost held, in USD. */
  readonly costUsd: number;
}

/** A budget's numbers at one moment. */
export interface BudgetSnapshot {
  scope: string;
  maxTokens: number | undefined;
  maxCostUsd: number | undefined;
  spentTokens: number;
  spentUsd: number;
  /** Held by calls in flight. */
  reservedTokens: number;
  reservedUsd: number;
  inFlight: number;
}

/**
 * A budget; see {@link createBudget} (in-process, synchronous) and `createRedisBudget` from
 * `@keel/tokens/redis` (shared by replicas, asynchronous). Await every method's result: either
 * kind then works.
 */
export interface Budget {
  readonly scope: string;
  /**
   * Holds the call's worst case (every input token at the model's highest input rate, cache
   * writes included, plus every possible output token at the output rate).
   *
   * @throws BudgetExceededError when spent + reserved + this worst case passes a limit.
   */
  reserve(estimate: CallEstimate): Reservation | Promise<Reservation>;
  /**
   * Replaces a reservation with what the call really used. Usage above the reservation (an
   * underestimated prompt) is recorded too and counts against later reservations.
   */
  settle(
    reservation: Reservation,
    usage: Usage,
    options?: Pick<EstimateCostOptions, 'cacheWriteTtl'>,
  ): void | Promise<void>;
  /** Returns a reservation unused, e.g. when the call failed before the provider billed it. */
  release(reservation: Reservation): void | Promise<void>;
  snapshot(): BudgetSnapshot | Promise<BudgetSnapshot>;
}

/** The budget {@link createBudget} returns: every method answers at once. */
export interface LocalBudget extends Budget {
  reserve(estimate: CallEstimate): Reservation;
  settle(
    reservation: Reservation,
    usage: Usage,
    options?: Pick<EstimateCostOptions, 'cacheWriteTtl'>,
  ): void;
  release(reservation: Reservation): void;
  snapshot(): BudgetSnapshot;
}

/** A budget's checked limits, with the cost limit in nano-dollars. */
export interface BudgetLimits {
  scope: string;
  maxTokens: number | undefined;
  maxCostUsd: number | undefined;
  maxNanoUsd: number | undefined;
}

/** What a reservation holds: tokens, nano-dollars (0 without a cost limit) and its prices. */
export interface Hold {
  tokens: number;
  nanoUsd: number;
  prices: ModelPrices | undefined;
}

function worstCaseInputRate(prices: ModelPrices): number {
  return Math.max(prices.input, prices.cacheWrite5m ?? 0, prices.cacheWrite1h ?? 0);
}

/** Checks a budget's options; `factory` names the function for the message. */
export function budgetLimits(
  { maxTokens, maxCostUsd, scope }: BudgetOptions,
  factory: string,
): BudgetLimits {
  if (typeof scope !== 'string' || scope === '') {
    throw new InvalidArgumentError({
      argument: 'scope',
      message: 'scope must name what the budget covers, e.g. "user:42"',
    });
  }
  if (maxTokens === undefined && maxCostUsd === undefined) {
    throw new InvalidArgumentError({
      argument: 'maxTokens',
      message: `${factory} needs maxTokens, maxCostUsd or both`,
    });
  }
  if (maxTokens !== undefined)
    assertNumber('maxTokens', maxTokens, { integer: true, min: 0, allowInfinity: true });
  if (maxCostUsd !== undefined) assertNumber('maxCostUsd', maxCostUsd, { min: 0 });
  const maxNanoUsd = maxCostUsd === undefined ? undefined : Math.round(maxCostUsd * 1e9);
  return { scope, maxTokens, maxCostUsd, maxNanoUsd };
}

/** The worst case of `estimate`, priced only when the budget has a cost limit. */
export function worstCase(
  { maxNanoUsd }: BudgetLimits,
  { model, inputTokens, maxOutputTokens, prices: override }: CallEstimate,
): Hold {
  assertNumber('inputTokens', inputTokens, { integer: true, min: 0, allowInfinity: true });
  const outputTokens = maxOutputTokens ?? getModel(model).maxOutputTokens;
  assertNumber('maxOutputTokens', outputTokens, { integer: true, min: 0, allowInfinity: true });
  const tokens = inputTokens + outputTokens;
  if (maxNanoUsd === undefined) return { tokens, nanoUsd: 0, prices: override };
  const prices = pricesOf(model, override);
  const nanoUsd =
    inputTokens * nanoUsdPerToken(worstCaseInputRate(prices)) +
    outputTokens * nanoUsdPerToken(prices.output);
  return { tokens, nanoUsd, prices: override };
}

/** The limit `hold` would pass on top of what is used (spent plus reserved), if any. */
export function exceededUnit(
  { maxTokens, maxNanoUsd }: BudgetLimits,
  usedTokens: number,
  usedNanoUsd: number,
  hold: Hold,
): 'tokens' | 'usd' | undefined {
  if (maxTokens !== undefined && usedTokens + hold.tokens > maxTokens) return 'tokens';
  if (maxNanoUsd !== undefined && usedNanoUsd + hold.nanoUsd > maxNanoUsd) return 'usd';
  return undefined;
}

/** The error refusing `hold` because it would pass the `unit` limit. */
export function budgetExceeded(
  { scope, maxTokens, maxNanoUsd }: BudgetLimits,
  unit: 'tokens' | 'usd',
  usedTokens: number,
  usedNanoUsd: number,
  hold: Hold,
): BudgetExceededError {
  return unit === 'tokens'
    ? new BudgetExceededError({
        scope,
        unit,
        limit: maxTokens as number,
        used: usedTokens,
        requested: hold.tokens,
      })
    : new BudgetExceededError({
        scope,
        unit,
        limit: (maxNanoUsd as number) / 1e9,
        used: usedNanoUsd / 1e9,
        requested: hold.nanoUsd / 1e9,
      });
}

/** The reservation a caller gets for `hold`. */
export function reservationOf(scope: string, model: string, hold: Hold): Reservation {
  return Object.freeze({ scope, model, tokens: hold.tokens, costUsd: hold.nanoUsd / 1e9 });
}

/** What `usage` (checked by the caller) costs in nano-dollars at the hold's prices; 0 without a cost limit. */
export function settledNanoUsd(
  { maxNanoUsd }: BudgetLimits,
  reservation: Reservation,
  hold: Hold,
  usage: Usage,
  options: Pick<EstimateCostOptions, 'cacheWriteTtl'>,
): number {
  if (maxNanoUsd === undefined) return 0;
  return estimateCost(usage, reservation.model, { ...options, prices: hold.prices }).nanoUsd.total;
}

/** A budget's numbers as a snapshot. */
export function budgetSnapshot(
  { scope, maxTokens, maxCostUsd }: BudgetLimits,
  numbers: {
    spentTokens: number;
    spentNanoUsd: number;
    reservedTokens: number;
    reservedNanoUsd: number;
    inFlight: number;
  },
): BudgetSnapshot {
  return {
    scope,
    maxTokens,
    maxCostUsd,
    spentTokens: numbers.spentTokens,
    spentUsd: numbers.spentNanoUsd / 1e9,
    reservedTokens: numbers.reservedTokens,
    reservedUsd: numbers.reservedNanoUsd / 1e9,
    inFlight: numbers.inFlight,
  };
}

/** The reservations a budget has handed out and not yet settled or released. */
export interface OpenReservations<T extends Hold> {
  readonly size: number;
  add(reservation: Reservation, hold: T): void;
  /** Removes and returns the reservation's hold; throws when it is not open. */
  take(reservation: Reservation): T;
}

/** Tracks the open reservations of the budget named `scope`. */
export function openReservations<T extends Hold>(scope: string): OpenReservations<T> {
  const holds = new Map<Reservation, T>();
  return {
    get size() {
      return holds.size;
    },
    add(reservation, hold) {
      holds.set(reservation, hold);
    },
    take(reservation) {
      const hold = holds.get(reservation);
      if (hold === undefined) {
        throw new InvalidArgumentError({
          argument: 'reservation',
          message: `This reservation is not open on budget "${scope}": it was already settled or released, or belongs to another budget`,
        });
      }
      holds.delete(reservation);
      return hold;
    },
  };
}

/**
 * Creates a budget. Reservations are checked and taken in one synchronous step, so any number
 * of concurrent calls can share a budget without overspending it. To share a budget between
 * replicas, use `createRedisBudget` from `@keel/tokens/redis`.
 *
 * @throws InvalidArgumentError when no limit is given or a limit is negative or NaN.
 * @example
 * ```ts
 * const budget = createBudget({ scope: `user:${userId}`, maxCostUsd: 0.5 });
 * const hold = budget.reserve({ model: 'gpt-4o', inputTokens: 1_200, maxOutputTokens: 500 });
 * try {
 *   const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages, max_tokens: 500 });
 *   budget.settle(hold, normalizeOpenAIChatUsage(completion.usage));
 * } catch (error) { budget.release(hold); throw error; }
 * ```
 */
export function createBudget(options: BudgetOptions): LocalBudget {
  const limits = budgetLimits(options, 'createBudget');
  const { scope } = limits;
  let spentTokens = 0;
  let spentNanoUsd = 0;
  let reservedTokens = 0;
  let reservedNanoUsd = 0;
  const holds = openReservations<Hold>(scope);

  function take(reservation: Reservation): Hold {
    const hold = holds.take(reservation);
    reservedTokens -= hold.tokens;
    reservedNanoUsd -= hold.nanoUsd;
    return hold;
  }

  return {
    scope,
    reserve(estimate) {
      const hold = worstCase(limits, estimate);
      const usedTokens = spentTokens + reservedTokens;
      const usedNanoUsd = spentNanoUsd + reservedNanoUsd;
      const unit = exceededUnit(limits, usedTokens, usedNanoUsd, hold);
      if (unit !== undefined) throw budgetExceeded(limits, unit, usedTokens, usedNanoUsd, hold);
      const reservation = reservationOf(scope, estimate.model, hold);
      holds.add(reservation, hold);
      reservedTokens += hold.tokens;
      reservedNanoUsd += hold.nanoUsd;
      return reservation;
    },
    settle(reservation, usage, options = {}) {
      assertUsage(usage);
      const hold = take(reservation);
      spentNanoUsd += settledNanoUsd(limits, reservation, hold, usage, options);
      spentTokens += usage.inputTokens + usage.outputTokens;
    },
    release(reservation) {
      take(reservation);
    },
    snapshot() {
      return budgetSnapshot(limits, {
        spentTokens,
        spentNanoUsd,
        reservedTokens,
        reservedNanoUsd,
        inFlight: holds.size,
      });
    },
  };
}
