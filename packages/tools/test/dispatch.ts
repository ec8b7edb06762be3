/**
 * Helpers of the dispatcher tests: a tool call, and a dispatch result narrowed to the status the
 * test expects (failing with the status it got).
 */
import type { DispatchResult } from '../src/toolbox-types';

/** A tool call as a model would make it. */
export const call = (toolName: string, input: unknown, toolCallId = 'call_1') => ({
  toolCallId,
  toolName,
  input,
});

/** The result, which must be `done`. */
export function done(result: DispatchResult) {
  if (result.status !== 'done') throw new Error(`expected done, got ${result.status}`);
  return result;
}

/** The result, which must be held for approval. */
export function pending(result: DispatchResult) {
  if (result.status !== 'pending-approval')
    throw new Error(`expected pending, got ${result.status}`);
  return result;
}
