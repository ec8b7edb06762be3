/**
 * The account of one call: the worst case held on every budget before the call, then, when it
 * ends, the usage billed and priced once and that one figure settled on the budgets, recorded
 * on the ledger and handed to the stream, the result and instrumentation.
 */
import { EMPTY_USAGE, type RequestMetadata, type Usage } from '@keel/core';
import type { StreamStats } from '@keel/streaming';
import type {
  Budget,
  CostBreakdown,
  CostLedger,
  ModelPrices,
  Reservation,
  TokenCount,
} from '@keel/tokens';
import { costOf, type Pricing } from './cost';

/** The model that answered a call, as far as its account is concerned. */
export interface Answerer {
  modelId: string;
  /** A Keel model's own price override: it is priced as it prices itself. */
  prices?: ModelPrices | undefined;
  /** The ledger a Keel model records its own calls in. */
  ledger?: CostLedger | undefined;
}

/** What a call is billed: one usage and its one price. */
export interface Bill {
  usage: Usage;
  cost: CostBreakdown | undefined;
}

/** Options of {@link openAccount}. */
export interface AccountOptions {
  /** The model the call was made on. */
  modelId: string;
  /** Budgets the call holds its worst case on: the model's and the caller's. */
  budgets: readonly Budget[];
  /** Where the call's bill is recorded, unless the answering model records it itself. */
  ledger?: CostLedger | undefined;
  /** This model's prices and cache-write rate. */
  pricing: Pricing;
  /** Who the call is for, carried onto the ledger. */
  metadata?: RequestMetadata | undefined;
}

/** The account of one call; see {@link openAccount}. */
export interface CallAccount {
  /** Holds the worst case on every budget; rejects when one has not enough left. */
  reserve(hold: { inputTokens: number; maxOutputTokens: number | undefined }): Promise<void>;
  /** `usage` at the answerer's prices; `undefined` when its price is unknown. */
  price(answerer: Answerer, usage: Usage): CostBreakdown | undefined;
  /**
   * The bill of `reported` usage answered by `answerer`: the provider's figures, completed from
   * what was sent (`count`) and received (`stats`) where it reported none, at the answerer's
   * prices.
   */
  bill(
    answerer: Answerer,
    reported: Usage | undefined,
    count?: TokenCount,
    stats?: StreamStats,
  ): Bill;
  /**
   * Ends the account: settles `bill` on every budget (releases the holds when no model
   * answered) and records it on the ledger, under the call's one id, so a retried write never
   * counts it twice. Call once.
   */
  close(answerer: Answerer | undefined, bill: Bill): Promise<void>;
}

/** Usage to bill: what the provider reported, completed from what was sent and received. */
function completed(reported: Usage, count?: TokenCount, stats?: StreamStats): Usage {
  return {
    ...reported,
    inputTokens: reported.inputTokens || (count?.tokens ?? 0),
    outputTokens: reported.outputTokens || (stats?.estimatedOutputTokens ?? 0),
  };
}

/**
 * Settles a fallback's answer on `budget` at the price of the model that answered: the actual
 * usage is booked on an empty hold for that model and this model's worst-case hold returned.
 * When the answering model has no price (or the budget is already over), the usage is booked
 * on this model's hold instead, so it is never lost.
 */
async function settleAs(
  budget: Budget,
  reservation: Reservation,
  answeredBy: string,
  usage: Usage,
  { prices, cacheWriteTtl }: Pricing,
): Promise<void> {
  const options = { ...(cacheWriteTtl !== undefined && { cacheWriteTtl }) };
  let hold: Reservation;
  try {
    hold = await budget.reserve({
      model: answeredBy,
      inputTokens: 0,
      maxOutputTokens: 0,
      ...(prices && { prices }),
    });
  } catch {
    await budget.settle(reservation, usage, options);
    return;
  }
  await budget.release(reservation);
  await budget.settle(hold, usage, options);
}

/**
 * Opens the account of one call on `modelId`.
 *
 * @example
 * ```ts
 * const account = openAccount({ modelId, budgets, ledger, pricing });
 * await account.reserve({ inputTokens: count.upperBound, maxOutputTokens: 1024 });
 * const bill = account.bill({ modelId }, reportedUsage, count, stats);
 * await account.close({ modelId }, bill);
 * ```
 */
export function openAccount(options: AccountOptions): CallAccount {
  const { modelId, budgets, ledger, pricing, metadata } = options;
  const reservations: Reservation[] = [];
  const callId = crypto.randomUUID();

  /** A fallback is priced as it prices itself (its override, else the catalogue), never with this model's override. */
  function pricingOf(answerer: Answerer): Pricing {
    if (answerer.modelId === modelId) return pricing;
    return {
      ...(answerer.prices !== undefined && { prices: answerer.prices }),
      cacheWriteTtl: pricing.cacheWriteTtl,
    };
  }

  function price(answerer: Answerer, usage: Usage): CostBreakdown | undefined {
    return costOf(usage, answerer.modelId, pricingOf(answerer));
  }

  return {
    price,

    async reserve({ inputTokens, maxOutputTokens }) {
      for (const budget of budgets) {
        reservations.push(
          await budget.reserve({
            model: modelId,
            inputTokens,
            ...(maxOutputTokens !== undefined && { maxOutputTokens }),
            ...(pricing.prices && { prices: pricing.prices }),
          }),
        );
      }
    },

    bill(answerer, reported, count, stats) {
      const usage = completed(reported ?? stats?.usage ?? EMPTY_USAGE, count, stats);
      return { usage, cost: price(answerer, usage) };
    },

    async close(answerer, { usage, cost }) {
      const settled = { cacheWriteTtl: pricing.cacheWriteTtl };
      for (const [index, reservation] of reservations.entries()) {
        const budget = budgets[index] as Budget;
        if (answerer === undefined) await budget.release(reservation);
        else if (answerer.modelId === modelId) await budget.settle(reservation, usage, settled);
        else await settleAs(budget, reservation, answerer.modelId, usage, pricingOf(answerer));
      }
      if (ledger === undefined || answerer === undefined || answerer.ledger === ledger) return;
      if (cost === undefined) return;
      await ledger.record({
        callId,
        model: answerer.modelId,
        usage,
        cost,
        ...pricingOf(answerer),
        ...(metadata?.userId !== undefined && { userId: metadata.userId }),
        ...(metadata?.feature !== undefined && { feature: metadata.feature }),
      });
    },
  };
}
