/**
 * The engine every provider model runs on: request checks, token discipline, budgets,
 * retries, breaker, timeouts, fallback, cost, the response cache and instrumentation, around a
 * provider {@link Driver}. `generate` is `stream` collected, so both bill, time out and cancel
 * the same way.
 */
import {
  type ChatModel,
  type ChatRequest,
  deadlineSignal,
  EMPTY_USAGE,
  type FinishReason,
  InvalidArgumentError,
  isAbortError,
  type Message,
  type StreamPart,
  systemClock,
  type Usage,
} from '@keel/core';
import {
  circuitBreaker,
  type ExecuteOptions,
  fallback,
  type Policy,
  retry,
  timeout,
  wrap,
} from '@keel/resilience';
import { collect, type StreamStats } from '@keel/streaming';
import {
  type Budget,
  type CostLedger,
  countMessageTokens,
  getModel,
  type ModelInfo,
  ModelNotFoundError,
  type ModelPrices,
  type Reservation,
  type TokenCount,
} from '@keel/tokens';
import { ContextOverflowError } from './context-overflow-error';
import { costOf, type Pricing } from './cost';
import { observeModelCall } from './instrumentation';
import { type LinkedSignal, linkSignals } from './link-signals';
import type { Driver, PromptCaching, ResponseInfo } from './providers/driver';
import { type ResponseCache, responseCacheKey } from './response-cache';
import type {
  LlmCallOptions,
  LlmGenerateResult,
  LlmModel,
  LlmStream,
  ModelOptions,
  StreamSummary,
} from './types';

/** Counted with when a model is not in the catalogue: an estimate, good enough for budgets. */
const ESTIMATE_MODEL = 'gpt-4o';
/** Anthropic requires an output limit; used when neither the request nor the catalogue has one. */
const FALLBACK_MAX_TOKENS = 4_096;

/** A stream opened on some model: its parts, the first already read. */
interface Opened {
  iterator: AsyncIterator<StreamPart>;
  first: IteratorResult<StreamPart>;
  provider: string;
  modelId: string;
  /** A Keel fallback's own account of its call: usage and cost priced as that model prices them. */
  summary?: Promise<StreamSummary>;
  /** The ledger the answering model records its calls in itself, when it is a Keel model. */
  ledger?: CostLedger | undefined;
  /** The answering Keel model's price override. */
  prices?: ModelPrices | undefined;
}

/** Every Keel model, with its ledger and prices: a Keel fallback accounts for its own call. */
const keelModels = new WeakMap<
  ChatModel,
  { ledger: CostLedger | undefined; prices: ModelPrices | undefined }
>();

function catalogueEntry(modelId: string): ModelInfo | undefined {
  try {
    return getModel(modelId);
  } catch (error) {
    if (ModelNotFoundError.isInstance(error)) return undefined;
    throw error;
  }
}

/** The content each role takes: text for system, results for tool, text or parts otherwise. */
function assertMessage(message: unknown, index: number): void {
  const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
  const valid =
    role === 'system'
      ? typeof content === 'string'
      : role === 'tool'
        ? Array.isArray(content)
        : (role === 'user' || role === 'assistant') &&
          (typeof content === 'string' || Array.isArray(content));
  if (!valid) {
    throw new InvalidArgumentError({
      argument: `request.messages[${index}]`,
      message:
        `request.messages[${index}] needs a role and content such as { role: 'system', content: ` +
        "text }, { role: 'user' | 'assistant', content: text or parts } or { role: 'tool', " +
        'content: results }',
    });
  }
}

function assertRequest(request: ChatRequest): void {
  if (request === null || typeof request !== 'object') {
    throw new InvalidArgumentError({
      argument: 'request',
      message: 'request must be an object such as { messages: [{ role: "user", content: "Hi" }] }',
    });
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    throw new InvalidArgumentError({
      argument: 'request.messages',
      message: 'request.messages must be a non-empty array of messages',
    });
  }
  request.messages.forEach(assertMessage);
  const { maxTokens, temperature, topP } = request;
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw new InvalidArgumentError({
      argument: 'request.maxTokens',
      message: `request.maxTokens must be a whole number > 0, got ${maxTokens}`,
    });
  }
  if (
    temperature !== undefined &&
    !(Number.isFinite(temperature) && temperature >= 0 && temperature <= 2)
  ) {
    throw new InvalidArgumentError({
      argument: 'request.temperature',
      message: `request.temperature must be between 0 and 2, got ${temperature}`,
    });
  }
  if (topP !== undefined && !(Number.isFinite(topP) && topP > 0 && topP <= 1)) {
    throw new InvalidArgumentError({
      argument: 'request.topP',
      message: `request.topP must be in (0, 1], got ${topP}`,
    });
  }
}

function withSystem(request: ChatRequest): Message[] {
  return request.system === undefined
    ? request.messages
    : [{ role: 'system', content: request.system }, ...request.messages];
}

function resolveCaching(value: PromptCaching | boolean | undefined): PromptCaching | undefined {
  return value === true ? {} : value === false ? undefined : value;
}

function errorType(error: unknown): string {
  if (error instanceof Error) {
    return error.name !== 'Error' ? error.name : (error.constructor?.name ?? 'Error');
  }
  return typeof error;
}

/** Usage to bill: what the provider reported, completed from what was sent and received. */
function billedUsage(
  reported: Usage,
  count: TokenCount | undefined,
  stats: StreamStats | undefined,
): Usage {
  return {
    ...reported,
    inputTokens: reported.inputTokens || (count?.tokens ?? 0),
    outputTokens: reported.outputTokens || (stats?.estimatedOutputTokens ?? 0),
  };
}

/**
 * Settles a fallback's answer on `budget` at the price of the model that answered: the actual
 * usage is booked on an empty hold for that model and this model's worst-case hold returned.
 * When the answering model has no price (or the budget is already over), the usage is booked
 * on this model's hold instead, so it is never lost.
 */
function settleAs(
  budget: Budget,
  reservation: Reservation,
  answeredBy: string,
  usage: Usage,
  { prices, cacheWriteTtl }: Pricing,
): void {
  const options = { ...(cacheWriteTtl !== undefined && { cacheWriteTtl }) };
  let hold: Reservation;
  try {
    hold = budget.reserve({
      model: answeredBy,
      inputTokens: 0,
      maxOutputTokens: 0,
      ...(prices && { prices }),
    });
  } catch {
    budget.settle(reservation, usage, options);
    return;
  }
  budget.release(reservation);
  budget.settle(hold, usage, options);
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

/**
 * Builds an {@link LlmModel} over a provider driver. `requiresMaxTokens` says the provider
 * needs an output limit on every request (Anthropic).
 */
export function createModel(
  driver: Driver,
  options: ModelOptions,
  { requiresMaxTokens }: { requiresMaxTokens: boolean },
): LlmModel {
  const {
    budget: modelBudget,
    ledger,
    prices,
    cache,
    instrumentation,
    recordContent = false,
    timeouts = {},
    fallbacks = [],
    clock = systemClock,
  } = options;
  const { provider, modelId } = driver;
  const info = catalogueEntry(modelId);
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
  const policy = wrap(...policies);

  /** Prompt tokens: exact or estimated per the catalogue; only estimated for unknown models when a budget needs them. */
  async function countPrompt(request: ChatRequest, needed: boolean, signal?: AbortSignal) {
    if (info === undefined && !needed) return undefined;
    return countMessageTokens(withSystem(request), {
      model: info === undefined ? ESTIMATE_MODEL : modelId,
      ...(request.tools !== undefined && { tools: request.tools }),
      ...(signal !== undefined && { signal }),
    });
  }

  function run(
    request: ChatRequest,
    callOptions: LlmCallOptions,
    operation: 'generate' | 'stream',
  ): LlmStream {
    let settle: (summary: StreamSummary) => void = () => {};
    const result = new Promise<StreamSummary>((resolve) => {
      settle = resolve;
    });
    const userSignal = callOptions.signal;
    const caching = resolveCaching(callOptions.promptCaching ?? options.promptCaching);
    const pricing: Pricing = { ...(prices && { prices }), cacheWriteTtl: caching?.ttl ?? '5m' };

    async function* parts(): AsyncGenerator<StreamPart, void, undefined> {
      const startedAt = clock.now();
      const observer = observeModelCall(instrumentation, {
        operation,
        provider,
        requestModel: modelId,
        ...(request?.metadata && { metadata: request.metadata }),
        parameters: {
          maxTokens: request?.maxTokens,
          temperature: request?.temperature,
          topP: request?.topP,
          stop: request?.stop,
        },
        ...(recordContent && { request }),
      });
      const deadline =
        timeouts.totalMs === undefined
          ? undefined
          : deadlineSignal({
              ...(userSignal && { signal: userSignal }),
              timeoutMs: timeouts.totalMs,
              clock,
            });
      // Always a signal of this call's own: the SDK hangs listeners on it.
      const callSignal = deadline?.signal ?? userSignal ?? new AbortController().signal;
      const budgets = [modelBudget, callOptions.budget].filter((budget) => budget !== undefined);
      const reservations: Reservation[] = [];
      const links: LinkedSignal[] = [];
      const response: ResponseInfo = {};
      let count: TokenCount | undefined;
      let stats: StreamStats | undefined;
      let opened: Opened | undefined;
      let attempts = 0;
      /** The last `usage` part handed on, if any (none when the consumer stopped before it). */
      let usage: Usage | undefined;
      let finishReason: FinishReason = 'error';
      let failure: unknown;
      let timeToFirstTokenMs: number | undefined;
      let output = '';
      /** The `finish` part was handed out: the stream is whole even if the consumer stops now. */
      let finished = false;
      const firstToken = () => {
        if (timeToFirstTokenMs !== undefined) return;
        timeToFirstTokenMs = clock.now() - startedAt;
        observer.event('first-token', { ms: timeToFirstTokenMs });
      };
      const timedOut = () => deadline?.signal.aborted === true && userSignal?.aborted !== true;

      try {
        assertRequest(request);
        const maxTokens =
          request.maxTokens ??
          (requiresMaxTokens ? (info?.maxOutputTokens ?? FALLBACK_MAX_TOKENS) : undefined);
        count = await countPrompt(request, budgets.length > 0, callSignal);
        if (
          info !== undefined &&
          count !== undefined &&
          count.tokens + (maxTokens ?? 0) > info.contextWindow
        ) {
          throw new ContextOverflowError({
            model: modelId,
            inputTokens: count.tokens,
            maxOutputTokens: maxTokens ?? 0,
            contextWindow: info.contextWindow,
          });
        }
        for (const budget of budgets) {
          reservations.push(
            budget.reserve({
              model: modelId,
              inputTokens: count?.upperBound ?? 0,
              ...(maxTokens !== undefined && { maxOutputTokens: maxTokens }),
              ...(prices && { prices }),
            }),
          );
        }

        const primary = (context: ExecuteOptions) =>
          policy.execute(async (attempt) => {
            attempts = attempt.attempt;
            if (attempts > 1) observer.event('retry', { attempt: attempts });
            const link = linkSignals([callSignal, attempt.signal]);
            links.push(link);
            const { signal } = link;
            const stream = await driver.open(
              {
                request,
                maxTokens,
                promptCaching: caching,
                signal,
                adapter: {
                  signal,
                  clock,
                  ...(timeouts.idleMs !== undefined && { idleTimeoutMs: timeouts.idleMs }),
                  onStats: (received) => {
                    stats = received;
                  },
                },
              },
              response,
            );
            const iterator = stream[Symbol.asyncIterator]();
            return { iterator, first: await iterator.next(), provider, modelId } satisfies Opened;
          }, context);
        const alternative = (model: ChatModel) => async (): Promise<Opened> => {
          // Attempts count every request of the call, the primary's failed ones included.
          attempts += 1;
          const stream = model.stream(request, { signal: callSignal });
          const iterator = stream[Symbol.asyncIterator]();
          const keel = keelModels.get(model);
          return {
            iterator,
            first: await iterator.next(),
            provider: model.provider,
            modelId: model.modelId,
            ...(keel !== undefined && { summary: (stream as LlmStream).result, ...keel }),
          };
        };
        opened =
          fallbacks.length === 0
            ? await primary({ signal: callSignal })
            : await fallback([primary, ...fallbacks.map(alternative)], {
                signal: callSignal,
                onFallback: ({ from, to, error }) =>
                  observer.event('fallback', { from, to, error: errorType(error) }),
              });

        let next = opened.first;
        while (!next.done) {
          const part = next.value;
          switch (part.type) {
            case 'usage':
              usage = part.usage;
              break;
            case 'error':
              failure ??= part.error;
              break;
            case 'finish':
              finishReason = part.reason;
              if (part.reason === 'abort' && timedOut()) {
                // The total deadline passed mid-stream: a failure, not a cancellation.
                failure = deadline?.signal.reason;
                finishReason = 'error';
                yield { type: 'error', error: failure };
                finished = true;
                yield { type: 'finish', reason: 'error' };
                return;
              }
              break;
            case 'text-delta':
              if (recordContent) output += part.text;
              firstToken();
              break;
            default:
              firstToken();
          }
          if (part.type === 'finish') finished = true;
          yield part;
          next = await opened.iterator.next();
        }
      } catch (error) {
        // A cancelled call ends as the stream contract says, whenever the cancellation came
        // (already aborted, while counting, while connecting): `finish: abort`, not a throw.
        if (userSignal?.aborted === true && !timedOut()) {
          finishReason = 'abort';
          finished = true;
          yield { type: 'finish', reason: 'abort' };
          return;
        }
        // The total deadline surfaces from the SDK as an abort; report it as the timeout it is.
        failure = timedOut() ? deadline?.signal.reason : error;
        finishReason = timedOut() || !isAbortError(error) ? 'error' : 'abort';
        throw failure;
      } finally {
        // The consumer stopped before the finish: cancel the upstream and bill what arrived.
        if (opened !== undefined && !finished && failure === undefined) finishReason = 'abort';
        try {
          await opened?.iterator.return?.();
        } catch {
          // A stream that fails to close (a third-party fallback's, say) still bills and reports.
        }
        deadline?.clear();
        for (const link of links) link.unlink();
        // A Keel fallback has closed by now and settled its own account.
        const theirs = await opened?.summary;
        if (theirs !== undefined) attempts += theirs.attempts - 1;
        const billed =
          opened === undefined
            ? EMPTY_USAGE
            : // A consumer that stopped early saw no usage part: its adapter's stats have the usage
              // an abort would have sent, so a break bills as an abort does.
              (theirs?.usage ?? billedUsage(usage ?? stats?.usage ?? EMPTY_USAGE, count, stats));
        const answeredBy = opened?.modelId ?? modelId;
        // A fallback is priced as it prices itself (a Keel model's override, else the
        // catalogue), never with this model's price override.
        const answeredPricing: Pricing =
          answeredBy === modelId
            ? pricing
            : {
                ...(opened?.prices !== undefined && { prices: opened.prices }),
                cacheWriteTtl: pricing.cacheWriteTtl,
              };
        const cost =
          theirs !== undefined ? theirs.cost : costOf(billed, answeredBy, answeredPricing);
        for (const [index, reservation] of reservations.entries()) {
          const budget = budgets[index];
          const settled = { cacheWriteTtl: pricing.cacheWriteTtl };
          if (budget === undefined) continue;
          if (opened === undefined) budget.release(reservation);
          else if (answeredBy === modelId) budget.settle(reservation, billed, settled);
          else settleAs(budget, reservation, answeredBy, billed, answeredPricing);
        }
        if (
          ledger !== undefined &&
          opened !== undefined &&
          opened.ledger !== ledger &&
          cost !== undefined
        ) {
          ledger.record({
            model: answeredBy,
            usage: billed,
            ...answeredPricing,
            ...(request?.metadata?.userId !== undefined && { userId: request.metadata.userId }),
            ...(request?.metadata?.feature !== undefined && { feature: request.metadata.feature }),
          });
        }
        const summary: StreamSummary = {
          usage: billed,
          costUsd: cost?.total,
          cost,
          attempts,
          provider: opened?.provider ?? provider,
          modelId: answeredBy,
          timeToFirstTokenMs,
          finishReason,
          responseModelId: response.model,
          responseId: response.id,
          ...(failure !== undefined && { error: failure }),
        };
        observer.end({
          outcome: finishReason === 'abort' ? 'abort' : finishReason === 'error' ? 'error' : 'ok',
          usage: billed,
          attempts,
          finishReason,
          ...(cost !== undefined && { costUsd: cost.total }),
          ...(response.model !== undefined && { responseModel: response.model }),
          ...(response.id !== undefined && { responseId: response.id }),
          ...(timeToFirstTokenMs !== undefined && { timeToFirstTokenMs }),
          ...(failure !== undefined && {
            errorType: errorType(failure),
            errorMessage: failure instanceof Error ? failure.message : String(failure),
          }),
          ...(recordContent && { output }),
        });
        settle(summary);
      }
    }

    let iterator: AsyncGenerator<StreamPart, void, undefined> | undefined;
    return {
      result,
      [Symbol.asyncIterator]() {
        iterator ??= parts();
        return iterator;
      },
    };
  }

  async function generate(
    request: ChatRequest,
    callOptions: LlmCallOptions = {},
  ): Promise<LlmGenerateResult> {
    const useCache = cache !== undefined && callOptions.cache !== false;
    if (useCache) assertRequest(request);
    const key = useCache ? responseCacheKey(provider, modelId, request) : undefined;
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
    const stream = run(request, callOptions, 'generate');
    const collected = await collect(stream);
    const summary = await stream.result;
    if (collected.finishReason === 'error') throw collected.errors[0] ?? summary.error;
    if (collected.finishReason === 'abort') {
      throw (
        callOptions.signal?.reason ?? new DOMException('This operation was aborted', 'AbortError')
      );
    }
    const answer: LlmGenerateResult = {
      text: collected.text,
      ...(collected.reasoning !== '' && { reasoning: collected.reasoning }),
      ...(collected.reasoningSignature !== undefined && {
        reasoningSignature: collected.reasoningSignature,
      }),
      toolCalls: collected.toolCalls,
      finishReason: collected.finishReason,
      ...(collected.providerFinishReason !== undefined && {
        providerFinishReason: collected.providerFinishReason,
      }),
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

  const model: LlmModel = {
    provider,
    modelId,
    generate,
    stream: (request, callOptions = {}) => run(request, callOptions, 'stream'),
  };
  keelModels.set(model, { ledger, prices });
  return model;
}
