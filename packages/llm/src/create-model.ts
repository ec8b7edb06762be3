/**
 * A Keel model over a provider {@link Driver}: the policies it keeps for all its calls, `stream`
 * as {@link streamCall}, and `generate` as that stream collected (so both bill, time out and
 * cancel the same way) behind the response cache.
 */
import { type ChatRequest, EMPTY_USAGE, systemClock } from '@keel/core';
import { circuitBreaker, type Policy, retry, timeout, wrap } from '@keel/resilience';
import { collect } from '@keel/streaming';
import { getModel, type ModelInfo, ModelNotFoundError } from '@keel/tokens';
import { collectedAnswer } from './collected-answer';
import { observeModelCall } from './instrumentation';
import { registerKeelModel } from './open-stream';
import type { Driver } from './providers/driver';
import { type ResponseCache, responseCacheKey } from './response-cache';
import { type ModelContext, streamCall } from './stream-call';
import type { LlmCallOptions, LlmGenerateResult, LlmModel, ModelOptions } from './types';
import { assertRequest } from './validate-request';

/** The catalogue's entry for `modelId`, or undefined for a model it does not list. */
export function catalogueEntry(modelId: string): ModelInfo | undefined {
  try {
    return getModel(modelId);
  } catch (error) {
    if (ModelNotFoundError.isInstance(error)) return undefined;
    throw error;
  }
}

/** A cache store that fails (Redis down, say) is a miss: it never fails the call. */
async function readCache(cache: ResponseCache, key: string) {
  try {
    return await cache.get(key);
  } catch {
    return undefined;
  }
}

/** An answer that could not be stored was still paid for: it is returned all the same. */
async function writeCache(cache: ResponseCache, key: string, answer: LlmGenerateResult) {
  try {
    await cache.set(key, answer);
  } catch {
    // The next identical request asks the provider again.
  }
}

/** `generate`: a cached answer, else the stream collected into one result. */
async function generate(
  context: ModelContext,
  request: ChatRequest,
  callOptions: LlmCallOptions = {},
): Promise<LlmGenerateResult> {
  const { cache, instrumentation } = context.options;
  const { provider, modelId } = context.driver;
  const useCache = cache !== undefined && callOptions.cache !== false;
  if (useCache) assertRequest(request);
  const key = useCache ? responseCacheKey(context.driver, request) : undefined;
  if (key !== undefined && cache !== undefined) {
    const hit = await readCache(cache, key);
    if (hit !== undefined) {
      const observer = observeModelCall(instrumentation, {
        operation: 'generate',
        provider,
        requestModel: modelId,
        ...(request.metadata && { metadata: request.metadata }),
      });
      observer.event('cache-hit');
      observer.end({
        outcome: 'ok',
        usage: EMPTY_USAGE,
        costUsd: 0,
        attempts: 0,
        finishReason: hit.finishReason,
      });
      return {
        ...hit,
        usage: { ...EMPTY_USAGE },
        costUsd: 0,
        cost: undefined,
        attempts: 0,
        cached: true,
      };
    }
  }
  const stream = streamCall(context, request, callOptions, 'generate');
  const collected = await collect(stream);
  const summary = await stream.result;
  if (collected.finishReason === 'error') throw collected.errors[0] ?? summary.error;
  if (collected.finishReason === 'abort') {
    throw (
      callOptions.signal?.reason ?? new DOMException('This operation was aborted', 'AbortError')
    );
  }
  const answer: LlmGenerateResult = {
    ...collectedAnswer(collected),
    usage: summary.usage,
    costUsd: summary.costUsd,
    cost: summary.cost,
    attempts: summary.attempts,
    provider: summary.provider,
    modelId: summary.modelId,
    timeToFirstTokenMs: summary.timeToFirstTokenMs,
    responseModelId: summary.responseModelId ?? summary.modelId,
    ...(summary.responseId !== undefined && { responseId: summary.responseId }),
    cached: false,
  };
  if (key !== undefined && cache !== undefined) await writeCache(cache, key, answer);
  return answer;
}

/**
 * Builds an {@link LlmModel} over a provider driver. `requiresMaxTokens` says the provider
 * needs an output limit on every request (Anthropic).
 */
export function createModel(
  driver: Driver,
  options: ModelOptions,
  { requiresMaxTokens }: { requiresMaxTokens: boolean },
): LlmModel {
  const { timeouts = {}, clock = systemClock } = options;
  const { provider, modelId } = driver;
  const policies: Policy[] = [];
  if (options.retry !== false) policies.push(retry({ maxAttempts: 3, clock, ...options.retry }));
  if (options.breaker !== false) {
    const breaker = options.breaker;
    policies.push(
      breaker !== undefined && 'execute' in breaker
        ? breaker
        : circuitBreaker({ key: `${provider}:${modelId}`, clock, ...breaker }),
    );
  }
  if (timeouts.firstByteMs !== undefined)
    policies.push(timeout({ firstByteMs: timeouts.firstByteMs, clock }));
  const context: ModelContext = {
    driver,
    options,
    policy: wrap(...policies),
    info: catalogueEntry(modelId),
    requiresMaxTokens,
    clock,
  };
  const model: LlmModel = {
    provider,
    modelId,
    generate: (request, callOptions) => generate(context, request, callOptions),
    stream: (request, callOptions = {}) => streamCall(context, request, callOptions, 'stream'),
  };
  registerKeelModel(model, { ledger: options.ledger, prices: options.prices });
  return model;
}
