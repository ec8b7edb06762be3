/**
 * One case through the pipeline and the scorers: its own instrumentation records, retries
 * through `@keel/resilience`, and the cassette when there is one.
 */
import { type Instrumentation, isAbortError } from '@keel/core';
import { sha256 } from '@keel/core/internal';
import { createObservability, type LogRecord, memorySink } from '@keel/observability';
import type { Policy } from '@keel/resilience';
import type { CaseResult } from './case-result';
import type { Cassette } from './cassette';
import type { EvalCase } from './eval-case';
import { caseOperations } from './operations';
import type { CaseScorer, EvalOutput } from './scorer';

/** What the pipeline receives with each case. */
export interface TaskContext {
  /** Pass it to your models, tools and retriever: the case's records come from it. */
  instrumentation: Instrumentation;
  signal: AbortSignal;
  /** 1 on the first attempt. */
  attempt: number;
}

/** The pipeline under test: a case in, an answer (with what it retrieved) out. */
export type EvalTask<Case extends EvalCase> = (
  evalCase: Case,
  context: TaskContext,
) => Promise<EvalOutput>;

/** What the cassette keeps of a case. */
interface Recording {
  output: EvalOutput;
  records: LogRecord[];
  attempts: number;
}

/** Options of {@link runCase}. */
export interface RunCaseOptions<Case extends EvalCase> {
  run: string;
  evalCase: Case;
  task: EvalTask<Case>;
  scorers: readonly CaseScorer<Case>[];
  policy: Policy;
  cassette?: Cassette;
  signal: AbortSignal;
}

/** A case through the pipeline: its recording when it answered, else its error. */
interface Executed {
  recording?: Recording;
  records: LogRecord[];
  error?: unknown;
  attempts: number;
}

function errorOf(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: typeof error, message: String(error) };
}

async function execute<Case extends EvalCase>({
  evalCase,
  task,
  policy,
  signal,
}: RunCaseOptions<Case>): Promise<Executed> {
  const sink = memorySink();
  const instrumentation = createObservability({ logger: sink, metrics: false, tracer: false });
  let attempts = 0;
  try {
    const output = await policy.execute(
      (context) => {
        attempts = context.attempt;
        return task(evalCase, {
          instrumentation,
          signal: context.signal,
          attempt: context.attempt,
        });
      },
      { signal },
    );
    return {
      recording: { output, records: sink.records, attempts },
      records: sink.records,
      attempts,
    };
  } catch (error) {
    if (isAbortError(error) || signal.aborted) throw error;
    return { records: sink.records, error, attempts };
  }
}

/**
 * Runs one case and scores it. A pipeline that still fails after its retries gives a result
 * with `error` and no scores; a scorer that still fails after its retries, or an abort, rejects.
 */
export async function runCase<Case extends EvalCase>(
  options: RunCaseOptions<Case>,
): Promise<CaseResult> {
  const { run, evalCase, scorers, cassette, signal } = options;
  const base = {
    run,
    id: evalCase.id,
    question: evalCase.question,
    tags: [...(evalCase.tags ?? [])],
  };
  let recording: Recording;
  let replayed = false;
  if (cassette === undefined) {
    const done = await execute(options);
    if (done.recording === undefined) {
      return failed(base, done);
    }
    recording = done.recording;
  } else {
    const key = `case:${run}:${evalCase.id}:${sha256(JSON.stringify(evalCase))}`;
    let failure: Executed | undefined;
    try {
      ({ value: recording, replayed } = await cassette.through(key, async () => {
        const done = await execute(options);
        if (done.recording !== undefined) return done.recording;
        failure = done;
        throw done.error;
      }));
    } catch (error) {
      if (failure === undefined) throw error;
      return failed(base, failure);
    }
  }
  const scores: Record<string, number | null> = {};
  let scoringCostUsd = 0;
  for (const scorer of scorers) {
    // A model-graded scorer fails like a pipeline does, so it gets the same retries.
    const set = await options.policy.execute(
      (context) =>
        scorer({
          case: evalCase,
          output: recording.output,
          records: recording.records,
          signal: context.signal,
        }),
      { signal },
    );
    Object.assign(scores, set.scores);
    scoringCostUsd += set.costUsd ?? 0;
  }
  return {
    ...base,
    output: recording.output,
    scores,
    operations: caseOperations(recording.records),
    scoringCostUsd,
    attempts: recording.attempts,
    replayed,
  };
}

function failed(
  base: Pick<CaseResult, 'run' | 'id' | 'question' | 'tags'>,
  { records, error, attempts }: Executed,
): CaseResult {
  return {
    ...base,
    error: errorOf(error),
    scores: {},
    operations: caseOperations(records),
    scoringCostUsd: 0,
    attempts,
    replayed: false,
  };
}
