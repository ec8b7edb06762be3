/**
 * A running account of what calls cost, by user, feature and model.
 */
import { addUsage, EMPTY_USAGE, InvalidArgumentError, type Usage } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import {
  addCosts,
  assertUsage,
  type CostBreakdown,
  costFromNanoUsd,
  type EstimateCostOptions,
  estimateCost,
  type NanoUsd,
  ZERO_COST,
} from './estimate-cost';
import { getModel } from './model-catalogue';
import { ModelNotFoundError } from './model-not-found-error';

/** One call to record. */
export interface LedgerCall extends EstimateCostOptions {
  model: string;
  usage: Usage;
  userId?: string;
  feature?: string;
  /**
   * The call's cost when the caller already priced it (as `@keel/llm` does): recorded as given,
   * so the ledger and the caller show one figure. Otherwise the ledger prices `usage` itself.
   */
  cost?: CostBreakdown;
  /**
   * Identifies the call: recording the same id again changes nothing, so a retried write never
   * counts a call twice. Calls without an id are always counted.
   */
  callId?: string;
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

/**
 * A cost ledger; see {@link createCostLedger} (in-process, synchronous) and
 * `createPostgresLedger` from `@keel/tokens/postgres` (durable, shared, asynchronous). Await
 * every method's result: either kind then works.
 */
export interface CostLedger {
  /**
   * Prices a call (or takes its `cost`), adds it to the totals and returns its cost; for a
   * `callId` already recorded, the cost recorded then.
   */
  record(call: LedgerCall): CostBreakdown | Promise<CostBreakdown>;
  snapshot(): LedgerSnapshot | Promise<LedgerSnapshot>;
}

/** The ledger {@link createCostLedger} returns: every method answers at once. */
export interface LocalCostLedger extends CostLedger {
  record(call: LedgerCall): CostBreakdown;
  snapshot(): LedgerSnapshot;
}

/** A call checked and priced, as a ledger stores it. */
export interface LedgerEntry {
  /**
   * The canonical model id, or the model as given when the call carries its own prices, or its
   * own cost for a model outside the catalogue.
   */
  model: string;
  usage: Usage;
  cost: CostBreakdown;
  userId: string | undefined;
  feature: string | undefined;
  callId: string | undefined;
}

const EMPTY_TOTALS: LedgerTotals = { calls: 0, usage: EMPTY_USAGE, cost: ZERO_COST };

function assertLabel(value: unknown, argument: string): void {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a non-empty string when given, got ${JSON.stringify(value) ?? typeof value}`,
    });
  }
}

function assertCost(cost: CostBreakdown): void {
  const nanoUsd = (cost as { nanoUsd?: Partial<NanoUsd> } | null)?.nanoUsd;
  for (const part of ['input', 'cachedInput', 'cacheWrite', 'output', 'total'] as const) {
    assertNumber(`cost.nanoUsd.${part}`, nanoUsd?.[part], {
      integer: true,
      min: 0,
      hint: 'pass the CostBreakdown estimateCost() returned, or leave cost out',
    });
  }
}

/**
 * The name a call without its own `prices` is grouped under: the catalogue's id, or, for a call
 * that brings its `cost` (a reranker priced by its own table), the model as given when it is
 * outside the catalogue. A model the ledger must price itself has to be in the catalogue.
 */
function ledgerModel(model: string, costGiven: boolean): string {
  if (!costGiven) return getModel(model).id;
  try {
    return getModel(model).id;
  } catch (error) {
    if (ModelNotFoundError.isInstance(error)) return model;
    throw error;
  }
}

/** Checks a call and prices it once: its own `cost` when given, else `estimateCost`. */
export function ledgerEntry({
  model,
  usage,
  userId,
  feature,
  cost,
  callId,
  ...options
}: LedgerCall): LedgerEntry {
  assertLabel(userId, 'userId');
  assertLabel(feature, 'feature');
  assertLabel(callId, 'callId');
  assertUsage(usage);
  if (cost !== undefined) assertCost(cost);
  return {
    model: options.prices === undefined ? ledgerModel(model, cost !== undefined) : model,
    usage,
    cost: cost === undefined ? estimateCost(usage, model, options) : costFromNanoUsd(cost.nanoUsd),
    userId,
    feature,
    callId,
  };
}

/** Totals from their sums: calls, usage and nano-dollars. */
export function ledgerTotals(calls: number, usage: Usage, nanoUsd: NanoUsd): LedgerTotals {
  return Object.freeze({
    calls,
    usage: Object.freeze(usage),
    cost: Object.freeze(costFromNanoUsd(Object.freeze(nanoUsd))),
  });
}

function add(totals: LedgerTotals | undefined, usage: Usage, cost: CostBreakdown): LedgerTotals {
  const base = totals ?? EMPTY_TOTALS;
  return ledgerTotals(
    base.calls + 1,
    addUsage(base.usage, usage),
    addCosts(base.cost, cost).nanoUsd,
  );
}

/**
 * Creates an in-memory ledger. Sums are exact (integer nano-dollars); calls without a
 * `userId` or `feature` count in the total and by model only. Models are grouped under their
 * canonical id, so snapshots and aliases land together. A repeated `callId` is counted once. For
 * a ledger that outlives the process and is shared by replicas, use `createPostgresLedger` from
 * `@keel/tokens/postgres`.
 *
 * @example
 * ```ts
 * const ledger = createCostLedger();
 * ledger.record({ model: 'gpt-4o-2024-08-06', usage: normalizeOpenAIChatUsage(completion.usage), userId: 'u1', feature: 'search' });
 * ledger.snapshot().byFeature.search?.cost.total;
 * ```
 */
export function createCostLedger(): LocalCostLedger {
  let total = EMPTY_TOTALS;
  const recorded = new Map<string, CostBreakdown>();
  const byUser = new Map<string, LedgerTotals>();
  const byFeature = new Map<string, LedgerTotals>();
  const byModel = new Map<string, LedgerTotals>();

  return {
    record(call) {
      const { model, usage, cost, userId, feature, callId } = ledgerEntry(call);
      const earlier = callId === undefined ? undefined : recorded.get(callId);
      if (earlier !== undefined) return earlier;
      if (callId !== undefined) recorded.set(callId, cost);
      total = add(total, usage, cost);
      byModel.set(model, add(byModel.get(model), usage, cost));
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
