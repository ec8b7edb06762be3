/**
 * One case's result, as the runner appends it to the results file: the output, the scores,
 * the operations figures and what scoring cost.
 */
import type { CaseOperations } from './operations';
import type { EvalOutput } from './scorer';

/** The result of one case of a run. */
export interface CaseResult {
  /** The run's name, e.g. `'baseline'`. */
  run: string;
  id: string;
  /** The case's question; absent in results files written before it was recorded. */
  question?: string;
  tags: string[];
  /** The pipeline's output; absent when it failed. */
  output?: EvalOutput;
  /** Why the pipeline failed, after its retries. */
  error?: { name: string; message: string };
  /** Every scorer's scores; empty when the pipeline failed. */
  scores: Record<string, number | null>;
  operations: CaseOperations;
  /** USD spent on scoring (a judge), as its model priced it. */
  scoringCostUsd: number;
  /** Attempts the pipeline took, the first included. */
  attempts: number;
  /** True when the case came from the cassette instead of the pipeline. */
  replayed: boolean;
}
