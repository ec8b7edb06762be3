/**
 * The configuration file of `keel-evals run`: a module whose default export is the run's
 * options and its thresholds.
 */
import type { EvalCase } from './eval-case';
import type { RunEvalOptions } from './run-eval';
import type { Thresholds } from './summarize-run';

/** What `keel-evals run <file>` imports: `runEval`'s options, plus the thresholds to gate on. */
export interface EvalConfig<Case extends EvalCase = EvalCase>
  extends Omit<RunEvalOptions<Case>, 'onProgress' | 'signal'> {
  thresholds?: Thresholds;
}

/**
 * Types a configuration file (it returns its argument).
 *
 * @example
 * ```ts
 * // evals.config.mjs
 * export default defineEvalConfig({
 *   name: 'baseline',
 *   cases: await loadDataset('eval/golden.jsonl', goldenCaseSchema),
 *   task: answerCase,
 *   scorers: [retrievalScorer({ k: 5 }), groundednessScorer()],
 *   thresholds: { min: { 'recall@5': 0.8 }, max: { errorRate: 0 } },
 * });
 * ```
 */
export function defineEvalConfig<Case extends EvalCase>(
  config: EvalConfig<Case>,
): EvalConfig<Case> {
  return config;
}
