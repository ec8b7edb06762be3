/**
 * Tokens and dollars as a turn, a conversation and the ledger add them up.
 */
import type { UsageTotals } from './chat-events';

/** Nothing used yet. */
export const ZERO_USAGE: UsageTotals = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

/**
 * Adds two usage totals.
 *
 * @example
 * ```ts
 * addTotals(ZERO_USAGE, { inputTokens: 900, outputTokens: 12, costUsd: 0 }).inputTokens; // 900
 * ```
 */
export function addTotals(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: a.costUsd + b.costUsd,
  };
}
