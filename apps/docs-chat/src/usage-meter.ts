/**
 * A turn's tokens and dollars, read from the model's own `usage` parts: each call's last usage
 * part and the `costUsd` it carries, the very figures the model records on the ledger (for a
 * cancelled call, the usage part it sends before its `finish: abort`). Nothing here prices
 * usage: a model that does not know its price reports no `costUsd`, counted as $0, as the
 * ledger records it.
 */
import { createStreamAccumulator, type StreamAccumulator } from '@keel/core/internal';
import type { AgentStreamPart } from '@keel/tools';
import type { UsageTotals } from './chat-events';
import { addTotals, ZERO_USAGE } from './usage-totals';

/** Folds the parts of an agent run into the turn's usage. */
export interface UsageMeter {
  /** Adds one part of the run; true when it ended a model call (its figures are now final). */
  add(part: AgentStreamPart): boolean;
  /** The turn so far: the starting figure, every ended call, and the call in progress. */
  readonly turn: UsageTotals;
}

function callTotals(call: StreamAccumulator): UsageTotals {
  const { usage, costUsd } = call.result;
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    costUsd: costUsd ?? 0,
  };
}

/**
 * Starts a meter at `before` (a resumed turn's usage so far, else zero).
 *
 * @example
 * ```ts
 * const meter = createUsageMeter();
 * for await (const part of streamAgent(options)) {
 *   if (meter.add(part)) send({ type: 'usage', turn: meter.turn });
 * }
 * ```
 */
export function createUsageMeter(before: UsageTotals = ZERO_USAGE): UsageMeter {
  let ended = before;
  let call = createStreamAccumulator();
  return {
    add(part) {
      switch (part.type) {
        case 'step-start':
        case 'step-finish':
        case 'tool-status':
        case 'agent-finish':
          return false;
        case 'finish':
          ended = addTotals(ended, callTotals(call));
          call = createStreamAccumulator();
          return true;
        default:
          call.add(part);
          return false;
      }
    },
    get turn() {
      return addTotals(ended, callTotals(call));
    },
  };
}
