/**
 * A model call: a CLIENT span named `chat <model>` (or `embeddings <model>`) with the GenAI
 * request, response and usage attributes plus Keel's cost, prompt, attempts and time to first
 * token; a `model-call` record; token, cost, duration, first-chunk and retry metrics; and its
 * cost handed to the spend guard.
 */
import type { CallObserver, FinishReason, ModelCallEnd, ModelCallStart } from '@keel/core';
import { GEN_AI, KEEL, METRICS } from './attributes';
import { inputMessages, outputMessages } from './content';
import type { Labels } from './metrics-registry';
import { definedOnly, type Recorder, whoAttributes } from './recorder';
import { SPAN_KIND } from './span-types';
import type { SpendGuard } from './spend-guard';

/** Keel's finish reasons as the conventions spell them (their output-message schema). */
const FINISH_REASONS: Record<FinishReason, string> = {
  stop: 'stop',
  length: 'length',
  'tool-calls': 'tool_call',
  'content-filter': 'content_filter',
  error: 'error',
  abort: 'abort',
};

/** Observes one model call. */
export function observeModelCall(
  recorder: Recorder,
  start: ModelCallStart,
  spendGuard: SpendGuard | undefined,
): CallObserver<ModelCallEnd> {
  const { metrics, redact, json } = recorder;
  const operation = start.operation === 'embed' ? 'embeddings' : 'chat';
  const who = recorder.who(start.metadata);
  const names = recorder.clean({ provider: start.provider, request_model: start.requestModel });
  const content = recorder.contentAllowed(start.metadata);
  const request = content ? start.request : undefined;
  const labels: Labels = definedOnly({
    [GEN_AI.operationName]: operation,
    [GEN_AI.providerName]: names.provider,
    [GEN_AI.requestModel]: names.request_model,
    feature: who.feature,
  } as Labels);

  return recorder.observe(
    `${operation} ${names.request_model}`,
    SPAN_KIND.client,
    () => ({
      [GEN_AI.operationName]: operation,
      [GEN_AI.providerName]: names.provider,
      [GEN_AI.requestModel]: names.request_model,
      [GEN_AI.requestStream]: operation === 'chat' ? start.operation === 'stream' : undefined,
      [GEN_AI.requestMaxTokens]: start.parameters?.maxTokens,
      [GEN_AI.requestTemperature]: start.parameters?.temperature,
      [GEN_AI.requestTopP]: start.parameters?.topP,
      [GEN_AI.requestStopSequences]:
        start.parameters?.stop && (redact(start.parameters.stop) as string[]),
      [GEN_AI.inputMessages]: request && json(inputMessages(request)),
      [GEN_AI.systemInstructions]:
        request?.system === undefined
          ? undefined
          : json([{ type: 'text', content: request.system }]),
      ...whoAttributes(who),
    }),
    (end: ModelCallEnd) => {
      const answered = recorder.clean({
        response_model: end.responseModel,
        response_id: end.responseId,
      });
      const model = answered.response_model ?? names.request_model;
      const output = content ? end.output : undefined;
      const { usage } = end;
      const tokenLabels = { ...labels, [GEN_AI.responseModel]: model };
      return {
        event: 'model-call',
        msg: `${operation} ${model} ${end.outcome}`,
        who,
        labels,
        attributes: {
          [GEN_AI.responseModel]: answered.response_model,
          [GEN_AI.responseId]: answered.response_id,
          [GEN_AI.responseFinishReasons]: end.finishReason && [
            FINISH_REASONS[end.finishReason] ?? end.finishReason,
          ],
          [GEN_AI.usageInputTokens]: usage.inputTokens,
          [GEN_AI.usageOutputTokens]: usage.outputTokens,
          [GEN_AI.usageCacheReadInputTokens]: usage.cacheReadTokens,
          [GEN_AI.usageCacheCreationInputTokens]: usage.cacheWriteTokens,
          [GEN_AI.usageReasoningOutputTokens]: usage.reasoningTokens,
          [KEEL.costUsd]: end.costUsd,
          [KEEL.attempts]: end.attempts,
          [KEEL.timeToFirstTokenMs]: end.timeToFirstTokenMs,
          [GEN_AI.responseTimeToFirstChunk]:
            end.timeToFirstTokenMs === undefined ? undefined : end.timeToFirstTokenMs / 1000,
          [GEN_AI.outputMessages]: output === undefined ? undefined : json(outputMessages(output)),
        },
        fields: {
          operation: start.operation,
          provider: names.provider,
          model,
          request_model: names.request_model,
          response_id: answered.response_id,
          finish_reason: end.finishReason,
          tokens_in: usage.inputTokens,
          tokens_cached: usage.cacheReadTokens,
          tokens_cache_write: usage.cacheWriteTokens,
          tokens_out: usage.outputTokens,
          tokens_reasoning: usage.reasoningTokens,
          cost_usd: end.costUsd,
          ttft_ms: end.timeToFirstTokenMs,
          attempts: end.attempts,
          request: request && redact({ system: request.system, messages: inputMessages(request) }),
          output: output === undefined ? undefined : redact(output),
        },
        after(latencyMs) {
          // Only counts that were reported: a failed call's or an embedding's zero output would
          // drag the token histograms towards 0.
          for (const [type, count] of [
            ['input', usage.inputTokens],
            ['output', usage.outputTokens],
          ] as const) {
            if (count > 0)
              metrics.record(METRICS.tokenUsage, count, {
                ...tokenLabels,
                [GEN_AI.tokenType]: type,
              });
          }
          for (const [type, count] of [
            ['input', usage.inputTokens],
            ['cache_read', usage.cacheReadTokens],
            ['cache_write', usage.cacheWriteTokens],
            ['output', usage.outputTokens],
            ['reasoning', usage.reasoningTokens],
          ] as const) {
            if (count > 0)
              metrics.add(METRICS.tokens, count, { ...tokenLabels, [GEN_AI.tokenType]: type });
          }
          const failed = end.outcome === 'error';
          metrics.record(
            METRICS.operationDuration,
            latencyMs / 1000,
            failed ? { ...labels, [GEN_AI.errorType]: end.errorType ?? '_OTHER' } : labels,
          );
          if (end.timeToFirstTokenMs !== undefined) {
            metrics.record(METRICS.timeToFirstChunk, end.timeToFirstTokenMs / 1000, labels);
          }
          if (end.attempts > 1) metrics.add(METRICS.retries, end.attempts - 1, labels);
          if (end.costUsd !== undefined && end.costUsd > 0) {
            metrics.add(METRICS.cost, end.costUsd, tokenLabels);
            spendGuard?.record(start.metadata, end.costUsd);
          }
        },
      };
    },
  );
}
