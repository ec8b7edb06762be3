/**
 * One chat turn's figures, read from its trace as the spans recorded them: the request's
 * duration from its HTTP span, time to first token from the first model span (its start plus
 * the `keel.time_to_first_token_ms` the model call measured), and tokens and dollars summed
 * over the model spans' `gen_ai.usage.*` and `keel.cost_usd` (each call's cost as `@keel/llm`
 * or the offline answerer priced it; nothing is priced here).
 */
import { GEN_AI, KEEL, type SpanRecord } from '@keel/observability';
import type { TraceRecord } from './trace-buffer';

/** A turn, as the dashboard lists it. */
export interface TurnSummary {
  traceId: string;
  /** When the request arrived, epoch milliseconds. */
  startedAt: number;
  /** The request, from arrival to the stream's end. */
  durationMs: number;
  /** From arrival to the first token of the turn's first model call; absent without one. */
  timeToFirstTokenMs?: number;
  status: number;
  userId?: string;
  /** The model that answered the last model call. */
  model?: string;
  modelCalls: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const number = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** Whether `span` is a model call's (`chat <model>` or `embeddings <model>`). */
export function isModelSpan(span: SpanRecord): boolean {
  const operation = span.attributes[GEN_AI.operationName];
  return operation === 'chat' || operation === 'embeddings';
}

/**
 * The summary of a turn's trace.
 *
 * @example
 * ```ts
 * const turn = summarizeTurn(traces.trace(traceId)!);
 * turn.costUsd; // the sum of its model calls' recorded costs
 * ```
 */
export function summarizeTurn({ traceId, root, spans }: TraceRecord): TurnSummary {
  const models = spans.filter(isModelSpan).sort((a, b) => a.startTime - b.startTime);
  const first = models[0];
  const last = models.at(-1);
  const firstTokenMs = first?.attributes[KEEL.timeToFirstTokenMs];
  const userId = models.map((span) => span.attributes[KEEL.userId]).find((id) => id);
  const model = last?.attributes[GEN_AI.responseModel] ?? last?.attributes[GEN_AI.requestModel];
  return {
    traceId,
    startedAt: root.startTime,
    durationMs: (root.endTime ?? root.startTime) - root.startTime,
    ...(first &&
      typeof firstTokenMs === 'number' && {
        timeToFirstTokenMs: first.startTime + firstTokenMs - root.startTime,
      }),
    status: number(root.attributes['http.response.status_code']),
    ...(typeof userId === 'string' && { userId }),
    ...(typeof model === 'string' && { model }),
    modelCalls: models.length,
    toolCalls: spans.filter((span) => span.attributes[GEN_AI.operationName] === 'execute_tool')
      .length,
    inputTokens: models.reduce(
      (sum, span) => sum + number(span.attributes[GEN_AI.usageInputTokens]),
      0,
    ),
    outputTokens: models.reduce(
      (sum, span) => sum + number(span.attributes[GEN_AI.usageOutputTokens]),
      0,
    ),
    costUsd: models.reduce((sum, span) => sum + number(span.attributes[KEEL.costUsd]), 0),
  };
}
