/**
 * What memory's own model calls cost, as the models reported it: their usage and the `costUsd`
 * each call carried (the model's own price, as `@keel/llm` bills it to the ledger). Memory adds
 * these figures up; it never prices a call itself.
 */
import { addUsage, EMPTY_USAGE, type Usage } from '@keel/core';

/** Tokens and cost of memory's model calls. */
export interface MemorySpend {
  usage: Usage;
  /** USD as the models priced it; `undefined` when a model did not know its price. */
  costUsd: number | undefined;
}

/** Nothing spent: the offline summary and calls that needed no model. */
export const NO_SPEND: MemorySpend = Object.freeze({ usage: EMPTY_USAGE, costUsd: 0 });

/** The sum of two spends; the cost is unknown when either one's is. */
export function addSpend(a: MemorySpend, b: MemorySpend): MemorySpend {
  return {
    usage: addUsage(a.usage, b.usage),
    costUsd: a.costUsd === undefined || b.costUsd === undefined ? undefined : a.costUsd + b.costUsd,
  };
}
