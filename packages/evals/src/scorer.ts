/**
 * The contract between the runner and the scorers: what a pipeline answered for a case, and
 * the named scores a scorer gives it.
 */
import type { LogRecord } from '@keel/observability';
import type { EvalCase } from './eval-case';

/** A passage the pipeline retrieved and showed the model, cited in answers as `[citationId]`. */
export interface RetrievedPassage {
  /** The id the answer cites in square brackets, e.g. `guide.md#3`. */
  citationId: string;
  /** The document it comes from, as a case's `relevant` names it. */
  sourceId: string;
  text: string;
}

/** What the pipeline under test returns for one case. */
export interface EvalOutput {
  /** The answer's text, citations included. */
  answer: string;
  /** The passages retrieved, best first. */
  retrieved?: readonly RetrievedPassage[];
  /** The system prompt the answer was made with, for the leak check of red-team cases. */
  systemPrompt?: string;
}

/** What a scorer sees of one case. */
export interface ScoreContext<Case extends EvalCase = EvalCase> {
  case: Case;
  output: EvalOutput;
  /** The instrumentation records of the case's run (model calls, tool calls, retrievals). */
  records: readonly LogRecord[];
  signal?: AbortSignal;
}

/**
 * Named scores of one case. A value is in the scorer's documented range, or `null` when the
 * scorer does not apply to the case (no relevant documents, nothing cited...).
 */
export interface ScoreSet {
  scores: Record<string, number | null>;
  /** What scoring cost in USD (a model-graded judge), as the model priced it. */
  costUsd?: number;
}

/** A scorer: any function from a case's context to named scores. */
export type CaseScorer<Case extends EvalCase = EvalCase> = (
  context: ScoreContext<Case>,
) => ScoreSet | Promise<ScoreSet>;
