/**
 * A running account of what calls cost, by user, feature and model.
 */
import { addUsage, EMPTY_USAGE, InvalidArgumentError, type Usage } from '@keel/core';
import {
  addCosts,
  type CostBreakdown,
  type EstimateCostOptions,
  estimateCost,
  ZERO_COST,
} from './estimate-cost';
import { getModel } from './model-catalogue';

/** One call to record. */
export interface LedgerCall extends EstimateCostOptions {
  model: string;
  usage: Usage;
  userId?: string;
  feature?: string;
}

/** Calls, tokens and cost of one group. */
export interface LedgerTotals {
  calls: number;
  usage: Usage;
  cost: CostBreakdown;
}

/** The ledger at one moment: a copy, unaffected by later calls. */
export interface LedgerSnapshot {
  total: LedgerTotals;
  byUser: Record<string, LedgerTotals>;
  byFeature: Record<string, LedgerTotals>;
  byModel: Record<string, LedgerTotals>;
}

/** A cost ledger; see {@link createCostLedger}. */
export interface CostLedger {
  /** Prices a call, adds it to the totals and returns its cost. */
  record(call: LedgerCall): CostBreakdown;
  snapshot(): LedgerSnapshot;
}

const EMPTY_TOTALS: LedgerTotals = { calls: 0, usage: EMPTY_USAGE, cost: ZERO_COST };

function add(totals: LedgerTotals | undefined, usage: Usage, cost: CostBreakdown): LedgerTotals {
  const base = totals ?? EMPTY_TOTALS;
  return Object.freeze({
    calls: base.calls + 1,
    usage: Object.freeze(addUsage(base.usage, usage)),
    cost: Object.freeze(addCosts(base.cost, cost)),
  });
}

function assertLabel(value: unknown, argument: string): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a non-empty string when given, got ${JSON.stringify(value) ?? typeof value}`,
    });
  }
}

/**
 * Creates an in-memory ledger. Sums are exact (integer nano-dollars); calls without a
 * `userId` or `feature` count in the total and by model only. Models are grouped under their
 * canonical id, so snapshots and aliases land together.
 *
 * @example
 * ```ts
 * const ledger = createCostLedger();
 * ledger.record({ model: 'gpt-4o-2024-08-06', usage: normalizeOpenAIChatUsage(completion.usage), userId: 'u1', feature: 'search' });
 * ledger.snapshot().byFeature.search?.cost.total;
 * ```
 */
export function createCostLedger(): CostLedger {
  let total = EMPTY_TOTALS;
  const byUser = new Map<string, LedgerTotals>();
  const byFeature = new Map<string, LedgerTotals>();
  const byModel = new Map<string, LedgerTotals>();

  return {
    record({ model, usage, userId, feature, ...options }) {
      assertLabel(userId, 'userId');
      assertLabel(feature, 'feature');
      const cost = estimateCost(usage, model, options);
      const modelKey = options.prices === undefined ? getModel(model).id : model;
      total = add(total, usage, cost);
      byModel.set(modelKey, add(byModel.get(modelKey), usage, cost));
      if (userId !== undefined) byUser.set(userId, add(byUser.get(userId), usage, cost));
      if (feature !== undefined) byFeature.set(feature, add(byFeature.get(feature), usage, cost));
      return cost;
    },
    snapshot() {
      return {
        total,
        byUser: Object.fromEntries(byUser),
        byFeature: Object.fromEntries(byFeature),
        byModel: Object.fromEntries(byModel),
      };
    },
  };
}
