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

/** A budget; see {@link createBudget}. */
export interface Budget {
  readonly scope: string;
  /**
   * Holds the call's worst case (every input token at the model's highest input rate, cache
   * writes included, plus every possible output token at the output rate).
   *
   * @throws BudgetExceededError when spent + reserved + this worst case passes a limit.
   */
  reserve(estimate: CallEstimate): Reservation;
  /**
   * Replaces a reservation with what the call really used. Usage above the reservation (an
   * underestimated prompt) is recorded too and counts against later reservations.
   */
  settle(
    reservation: Reservation,
    usage: Usage,
    options?: Pick<EstimateCostOptions, 'cacheWriteTtl'>,
  ): void;
  /** Returns a reservation unused, e.g. when the call failed before the provider billed it. */
  release(reservation: Reservation): void;
  snapshot(): BudgetSnapshot;
}

interface Hold {
  tokens: number;
  nanoUsd: number;
  prices: ModelPrices | undefined;
}

function worstCaseInputRate(prices: ModelPrices): number {
  return Math.max(prices.input, prices.cacheWrite5m ?? 0, prices.cacheWrite1h ?? 0);
}

/**
 * Creates a budget. Reservations are checked and taken in one synchronous step, so any number
 * of concurrent calls can share a budget without overspending it.
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
export function createBudget({ maxTokens, maxCostUsd, scope }: BudgetOptions): Budget {
  if (typeof scope !== 'string' || scope === '') {
    throw new InvalidArgumentError({
      argument: 'scope',
      message: 'scope must name what the budget covers, e.g. "user:42"',
    });
  }
  if (maxTokens === undefined && maxCostUsd === undefined) {
    throw new InvalidArgumentError({
      argument: 'maxTokens',
      message: 'createBudget needs maxTokens, maxCostUsd or both',
    });
  }
  if (maxTokens !== undefined)
    assertNumber('maxTokens', maxTokens, { integer: true, min: 0, allowInfinity: true });
  if (maxCostUsd !== undefined) assertNumber('maxCostUsd', maxCostUsd, { min: 0 });
  const maxNanoUsd = maxCostUsd === undefined ? undefined : Math.round(maxCostUsd * 1e9);

  let spentTokens = 0;
  let spentNanoUsd = 0;
  let reservedTokens = 0;
  let reservedNanoUsd = 0;
  const holds = new Map<Reservation, Hold>();

  function take(reservation: Reservation): Hold {
    const hold = holds.get(reservation);
    if (hold === undefined) {
      throw new InvalidArgumentError({
        argument: 'reservation',
        message: `This reservation is not open on budget "${scope}": it was already settled or released, or belongs to another budget`,
      });
    }
    holds.delete(reservation);
    reservedTokens -= hold.tokens;
    reservedNanoUsd -= hold.nanoUsd;
    return hold;
  }

  return {
    scope,
    reserve({ model, inputTokens, maxOutputTokens, prices: override }) {
      assertNumber('inputTokens', inputTokens, { integer: true, min: 0, allowInfinity: true });
      const outputTokens = maxOutputTokens ?? getModel(model).maxOutputTokens;
      assertNumber('maxOutputTokens', outputTokens, { integer: true, min: 0, allowInfinity: true });
      const tokens = inputTokens + outputTokens;
      let nanoUsd = 0;
      let prices: ModelPrices | undefined;
      if (maxNanoUsd !== undefined) {
        prices = pricesOf(model, override);
        nanoUsd =
          inputTokens * nanoUsdPerToken(worstCaseInputRate(prices)) +
          outputTokens * nanoUsdPerToken(prices.output);
      }
      if (maxTokens !== undefined && spentTokens + reservedTokens + tokens > maxTokens) {
        throw new BudgetExceededError({
          scope,
          unit: 'tokens',
          limit: maxTokens,
          used: spentTokens + reservedTokens,
          requested: tokens,
        });
      }
      if (maxNanoUsd !== undefined && spentNanoUsd + reservedNanoUsd + nanoUsd > maxNanoUsd) {
        throw new BudgetExceededError({
          scope,
          unit: 'usd',
          limit: maxNanoUsd / 1e9,
          used: (spentNanoUsd + reservedNanoUsd) / 1e9,
          requested: nanoUsd / 1e9,
        });
      }
      const reservation: Reservation = Object.freeze({
        scope,
        model,
        tokens,
        costUsd: nanoUsd / 1e9,
      });
      holds.set(reservation, { tokens, nanoUsd, prices: override });
      reservedTokens += tokens;
      reservedNanoUsd += nanoUsd;
      return reservation;
    },
    settle(reservation, usage, options = {}) {
      assertUsage(usage);
      const hold = take(reservation);
      if (maxNanoUsd !== undefined) {
        const cost = estimateCost(usage, reservation.model, { ...options, prices: hold.prices });
        spentNanoUsd += cost.nanoUsd.total;
      }
      spentTokens += usage.inputTokens + usage.outputTokens;
    },
    release(reservation) {
      take(reservation);
    },
    snapshot() {
      return {
        scope,
        maxTokens,
        maxCostUsd,
        spentTokens,
        spentUsd: spentNanoUsd / 1e9,
        reservedTokens,
        reservedUsd: reservedNanoUsd / 1e9,
        inFlight: holds.size,
      };
    },
  };
}
