/** A case result for comparison tests: one model call at 0.001 USD, the given scores and latency. */
import type { CaseResult } from '../src/case-result';

export function result(
  run: string,
  id: string,
  scores: Record<string, number | null>,
  latencyMs = 100,
): CaseResult {
  return {
    run,
    id,
    tags: [],
    output: { answer: '' },
    scores,
    operations: { latencyMs, ttftMs: null, costUsd: 0.001, modelCalls: 1 },
    scoringCostUsd: 0,
    attempts: 1,
    replayed: false,
  };
}
