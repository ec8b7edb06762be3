/**
 * `instrument(model)`: wraps any `ChatModel` so that its calls report through an
 * `Instrumentation` (usually `createObservability()`), giving users of other clients the same
 * spans, logs and metrics as `@keel/llm`'s providers.
 */
import {
  type CallObserver,
  type ChatModel,
  type ChatRequest,
  type Clock,
  EMPTY_USAGE,
  type FinishReason,
  type Instrumentation,
  isAbortError,
  type ModelCallEnd,
  type ModelCallStart,
  type StreamPart,
  systemClock,
  type Usage,
} from '@keel/core';
import { KEEL } from './attributes';

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /** Where the calls report; usually `createObservability()`. */
  instrumentation: Instrumentation;
  /**
   * Prices a call in US dollars. Foreign models report usage but no price: pass e.g.
   * `(usage, model) => estimateCost(usage, model).total` from `@keel/tokens`.
   */
  cost?: (usage: Usage, modelId: string) => number | undefined;
  /** Hand the request and the answer's text to the instrumentation (off by default). */
  recordContent?: boolean;
  clock?: Clock;
}

const NOOP_OBSERVER: CallObserver<ModelCallEnd> = { end() {} };

function errorFields(error: unknown): Pick<ModelCallEnd, 'errorType' | 'errorMessage'> {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message };
  return { errorType: typeof error, errorMessage: String(error) };
}

function isFirstToken(part: StreamPart): boolean {
  return (
    part.type === 'text-delta' || part.type === 'reasoning-delta' || part.type === 'tool-call-start'
  );
}

/**
 * Wraps a chat model so each `generate` and `stream` call is observed: one model-call record
 * with usage, cost (when `cost` is given), latency, time to first token and outcome.
 *
 * @example
 * ```ts
 * const obs = createObservability();
 * const model = instrument(myModel, {
 *   instrumentation: obs,
 *   cost: (usage, modelId) => estimateCost(usage, modelId).total,
 * });
 * await model.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function instrument(model: ChatModel, options: InstrumentOptions): ChatModel {
  const { instrumentation, cost, recordContent = false, clock = systemClock } = options;

  function start(
    operation: 'generate' | 'stream',
    request: ChatRequest,
  ): CallObserver<ModelCallEnd> {
    const { maxTokens, temperature, topP, stop } = request;
    const parameters: NonNullable<ModelCallStart['parameters']> = {};
    if (maxTokens !== undefined) parameters.maxTokens = maxTokens;
    if (temperature !== undefined) parameters.temperature = temperature;
    if (topP !== undefined) parameters.topP = topP;
    if (stop !== undefined) parameters.stop = stop;
    const call: ModelCallStart = {
      operation,
      provider: model.provider,
      requestModel: model.modelId,
      parameters,
    };
    if (request.metadata) call.metadata = request.metadata;
    if (recordContent) call.request = request;
    try {
      return instrumentation.startModelCall?.(call) ?? NOOP_OBSERVER;
    } catch {
      return NOOP_OBSERVER;
    }
  }

  function end(observer: CallObserver<ModelCallEnd>, result: ModelCallEnd): void {
    const modelId = result.responseModel ?? model.modelId;
    try {
      const costUsd = cost?.(result.usage, modelId);
      if (costUsd !== undefined) result.costUsd = costUsd;
    } catch {
      // An unknown price leaves the cost out; it must not fail the call.
    }
    try {
      observer.end(result);
    } catch {
      // Instrumentation must never break the work it observes.
    }
  }

  return {
    provider: model.provider,
    modelId: model.modelId,
    async generate(request, callOptions) {
      const observer = start('generate', request);
      try {
        const result = await model.generate(request, callOptions);
        const ended: ModelCallEnd = {
          outcome: 'ok',
          usage: result.usage,
          attempts: 1,
          responseModel: result.responseModelId,
          finishReason: result.finishReason,
        };
        if (result.responseId !== undefined) ended.responseId = result.responseId;
        if (recordContent) ended.output = result.text;
        end(observer, ended);
        return result;
      } catch (error) {
        const aborted = isAbortError(error) || callOptions?.signal?.aborted === true;
        end(observer, {
          outcome: aborted ? 'abort' : 'error',
          usage: { ...EMPTY_USAGE },
          attempts: 1,
          ...(aborted ? {} : errorFields(error)),
        });
        throw error;
      }
    },
    async *stream(request, callOptions) {
      const observer = start('stream', request);
      const started = clock.now();
      let usage: Usage = { ...EMPTY_USAGE };
      let finishReason: FinishReason | undefined;
      let timeToFirstTokenMs: number | undefined;
      let failure: Pick<ModelCallEnd, 'errorType' | 'errorMessage'> | undefined;
      let thrown: unknown;
      let output = '';
      try {
        for await (const part of model.stream(request, callOptions)) {
          if (timeToFirstTokenMs === undefined && isFirstToken(part)) {
            timeToFirstTokenMs = clock.now() - started;
            try {
              observer.event?.('first-token', { [KEEL.timeToFirstTokenMs]: timeToFirstTokenMs });
            } catch {
              // Instrumentation must never break the stream it observes.
            }
          }
          if (part.type === 'usage') usage = part.usage;
          else if (part.type === 'finish') finishReason = part.reason;
          else if (part.type === 'error') failure = errorFields(part.error);
          else if (part.type === 'text-delta' && recordContent) output += part.text;
          yield part;
        }
      } catch (error) {
        thrown = error;
        throw error;
      } finally {
        let outcome: ModelCallEnd['outcome'] = 'ok';
        if (thrown !== undefined) {
          outcome = isAbortError(thrown) || callOptions?.signal?.aborted ? 'abort' : 'error';
          if (outcome === 'error') failure = errorFields(thrown);
        } else if (finishReason === 'error') outcome = 'error';
        else if (finishReason === 'abort' || finishReason === undefined) outcome = 'abort'; // consumer stopped early
        const ended: ModelCallEnd = { outcome, usage, attempts: 1 };
        if (finishReason !== undefined) ended.finishReason = finishReason;
        if (timeToFirstTokenMs !== undefined) ended.timeToFirstTokenMs = timeToFirstTokenMs;
        if (outcome === 'error' && failure) Object.assign(ended, failure);
        if (recordContent) ended.output = output;
        end(observer, ended);
      }
    },
  };
}
