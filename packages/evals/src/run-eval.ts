/**
 * The runner: every case through the pipeline and the scorers, a few at a time, with retries,
 * a cost cap for the whole run, progress, a results file to resume from and a cassette.
 */
import { InvalidArgumentError, throwIfAborted } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { type RetryOptions, retry } from '@keel/resilience';
import type { CaseResult } from './case-result';
import type { Cassette } from './cassette';
import type { EvalCase } from './eval-case';
import { readResults, resultsWriter } from './results-file';
import { type EvalTask, runCase } from './run-case';
import type { CaseScorer } from './scorer';
import { type RunSummary, summarizeRun } from './summarize-run';

/** Where a run stands, after each case. */
export interface EvalProgress {
  run: string;
  /** Cases finished, resumed ones included. */
  done: number;
  total: number;
  failed: number;
  /** USD of the run so far: pipeline and scoring, resumed and replayed cases included. */
  costUsd: number;
  /** The case that just finished. */
  caseId: string;
}

/** Options of {@link runEval}. */
export interface RunEvalOptions<Case extends EvalCase> {
  /** The run's name, e.g. `'baseline'` or `'gpt-4o-mini+prompt@3'`; part of every result. */
  name: string;
  cases: readonly Case[];
  task: EvalTask<Case>;
  scorers?: readonly CaseScorer<Case>[];
  /** Cases in flight at once; default 4. */
  concurrency?: number;
  /** Retries of a failing pipeline (`@keel/resilience`'s `retry`); default 3 attempts. */
  retry?: RetryOptions;
  /**
   * No case starts once the run has cost this much (USD, pipeline and scoring). Cases already
   * in flight finish, so a run can pass the cap by up to `concurrency - 1` cases. Default none.
   */
  maxCostUsd?: number;
  /** Results are appended here as cases finish; cases already in it are skipped (resume). */
  resultsPath?: string;
  /** Replays recorded cases and records new ones (output and instrumentation records). */
  cassette?: Cassette;
  onProgress?: (progress: EvalProgress) => void;
  signal?: AbortSignal;
}

/** A finished run. */
export interface EvalRun {
  name: string;
  /** Results in the order of `cases`, resumed ones included. */
  results: CaseResult[];
  summary: RunSummary;
  /** `'cost-cap'` when the cap stopped the run early. */
  stopped?: 'cost-cap';
  /** Ids of cases the cap left unrun. */
  skipped: string[];
  /** Cases taken from the results file instead of run. */
  resumed: number;
}

function costOf(result: CaseResult): number {
  return result.operations.costUsd + result.scoringCostUsd;
}

/**
 * Runs an evaluation. An abort stops it (rejecting with the abort); results already written
 * stay in `resultsPath`, and running again with the same name and file resumes after them.
 *
 * @example
 * ```ts
 * const run = await runEval({
 *   name: 'baseline',
 *   cases: await loadDataset('eval/golden.jsonl', goldenCaseSchema),
 *   task: (c, { instrumentation, signal }) => answer(c.question, { instrumentation, signal }),
 *   scorers: [retrievalScorer({ k: 5 }), citationScorer(), groundednessScorer()],
 *   maxCostUsd: 2,
 *   resultsPath: 'eval/baseline.jsonl',
 *   onProgress: terminalProgress(),
 * });
 * ```
 */
export async function runEval<Case extends EvalCase>({
  name,
  cases,
  task,
  scorers = [],
  concurrency = 4,
  retry: retryOptions = { maxAttempts: 3 },
  maxCostUsd = Number.POSITIVE_INFINITY,
  resultsPath,
  cassette,
  onProgress,
  signal = new AbortController().signal,
}: RunEvalOptions<Case>): Promise<EvalRun> {
  assertNumber('concurrency', concurrency, { integer: true, min: 1 });
  assertNumber('maxCostUsd', maxCostUsd, { min: 0, allowInfinity: true, unit: 'USD' });
  if (typeof name !== 'string' || name.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'name',
      message: `name must be a non-empty string naming the run, e.g. 'baseline', got ${JSON.stringify(name)}`,
    });
  }
  throwIfAborted(signal);
  const policy = retry(retryOptions);
  const byId = new Map<string, CaseResult>();
  if (resultsPath !== undefined) {
    for (const result of await readResults(resultsPath)) {
      if (result.run === name && result.error === undefined) byId.set(result.id, result);
    }
  }
  const resumed = cases.filter((c) => byId.has(c.id)).length;
  const write = resultsPath === undefined ? undefined : resultsWriter(resultsPath);
  const queue = cases.filter((c) => !byId.has(c.id));
  const skipped: string[] = [];
  let costUsd = [...byId.values()].reduce((sum, result) => sum + costOf(result), 0);
  let done = resumed;
  let failed = 0;

  async function worker(): Promise<void> {
    for (let evalCase = queue.shift(); evalCase !== undefined; evalCase = queue.shift()) {
      throwIfAborted(signal);
      if (costUsd >= maxCostUsd) {
        skipped.push(evalCase.id);
        continue;
      }
      const result = await runCase({
        run: name,
        evalCase,
        task,
        scorers,
        policy,
        signal,
        ...(cassette && { cassette }),
      });
      byId.set(evalCase.id, result);
      costUsd += costOf(result);
      done++;
      if (result.error !== undefined) failed++;
      await write?.(result);
      onProgress?.({ run: name, done, total: cases.length, failed, costUsd, caseId: evalCase.id });
    }
  }

  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  const results = cases.flatMap((c) => byId.get(c.id) ?? []);
  return {
    name,
    results,
    summary: summarizeRun(results),
    ...(skipped.length > 0 && { stopped: 'cost-cap' as const }),
    skipped: cases.filter((c) => skipped.includes(c.id)).map((c) => c.id),
    resumed,
  };
}
