/**
 * One call of a Keel model as a stream of parts: checked, counted and reserved before it is
 * sent, opened under the model's policies and fallbacks, every usage part priced by the model,
 * and on every ending one bill: the last usage part before `finish`, the ledger, the budgets,
 * instrumentation and `result` all carry the same figures.
 */
import {
  type ChatRequest,
  type Clock,
  deadlineSignal,
  type FinishReason,
  isAbortError,
  type Message,
  type ModelCallEnd,
  type StreamPart,
  USAGE_FIELDS,
  type Usage,
  type UsagePart,
} from '@keel/core';
import { createStreamAccumulator, type LinkedSignal } from '@keel/core/internal';
import type { Policy } from '@keel/resilience';
import type { StreamStats } from '@keel/streaming';
import { countMessageTokens, type ModelInfo, type TokenCount } from '@keel/tokens';
import { type Bill, openAccount } from './call-account';
import { ContextOverflowError } from './context-overflow-error';
import { errorName } from './error-name';
import { observeModelCall } from './instrumentation';
import { type OpenedStream, openStream } from './open-stream';
import type { Driver, PromptCaching, ResponseInfo } from './providers/driver';
import type { LlmCallOptions, LlmStream, ModelOptions, StreamSummary } from './types';
import { readyRequest } from './validate-request';

/** Counted with when a model is not in the catalogue: an estimate, good enough for budgets. */
const ESTIMATE_MODEL = 'gpt-4o';
/** Anthropic requires an output limit; used when neither the request nor the catalogue has one. */
export const FALLBACK_MAX_TOKENS = 4_096;

/** What a model fixes once for all its calls. */
export interface ModelContext {
  driver: Driver;
  options: ModelOptions;
  /** Retry, breaker and first-byte timeout, composed. */
  policy: Policy;
  /** The model's catalogue entry, when it has one. */
  info: ModelInfo | undefined;
  /** The provider needs an output limit on every request (Anthropic). */
  requiresMaxTokens: boolean;
  clock: Clock;
}

function withSystem(request: ChatRequest): Message[] {
  return request.system === undefined
    ? request.messages
    : [{ role: 'system', content: request.system }, ...request.messages];
}

function resolveCaching(value: PromptCaching | boolean | undefined): PromptCaching | undefined {
  return value === true ? {} : value === false ? undefined : value;
}

function sameUsage(a: Usage | undefined, b: Usage): boolean {
  return a !== undefined && USAGE_FIELDS.every((field) => a[field] === b[field]);
}

/** Text, reasoning or a tool call: what time to first token waits for. */
function isContent(part: StreamPart): boolean {
  return part.type !== 'usage' && part.type !== 'error' && part.type !== 'finish';
}

function usagePart({ usage, cost }: Bill): UsagePart {
  return { type: 'usage', usage, ...(cost !== undefined && { costUsd: cost.total }) };
}

/** Prompt tokens: exact, or estimated for a model not in the catalogue when a budget needs them. */
async function countPrompt(
  { driver, info }: ModelContext,
  request: ChatRequest,
  needed: boolean,
  signal: AbortSignal,
): Promise<TokenCount | undefined> {
  if (info === undefined && !needed) return undefined;
  return countMessageTokens(withSystem(request), {
    model: info === undefined ? ESTIMATE_MODEL : driver.modelId,
    ...(request.tools !== undefined && { tools: request.tools }),
    signal,
  });
}

/** The request's sampling parameters, as instrumentation records them. */
function parametersOf(request: ChatRequest) {
  return {
    maxTokens: request?.maxTokens,
    temperature: request?.temperature,
    topP: request?.topP,
    stop: request?.stop,
  };
}

/**
 * Checks the request and counts its prompt before anything is reserved or sent.
 *
 * @throws InvalidArgumentError for a malformed request, UnsupportedOptionError for a provider
 * option the driver's API does not take, InvalidFileError for a file it would refuse,
 * ContextOverflowError when the prompt and the output limit do not fit the context window.
 */
async function prepare(
  context: ModelContext,
  given: ChatRequest,
  budgeted: boolean,
  signal: AbortSignal,
): Promise<{ request: ChatRequest; maxTokens: number | undefined; count: TokenCount | undefined }> {
  const { info, requiresMaxTokens, driver } = context;
  const { request, maxTokens } = readyRequest(
    driver.api,
    given,
    requiresMaxTokens ? (info?.maxOutputTokens ?? FALLBACK_MAX_TOKENS) : undefined,
  );
  const count = await countPrompt(context, request, budgeted, signal);
  if (info !== undefined && count !== undefined) {
    const { contextWindow } = info;
    if (count.tokens + (maxTokens ?? 0) > contextWindow) {
      throw new ContextOverflowError({
        model: driver.modelId,
        inputTokens: count.tokens,
        maxOutputTokens: maxTokens ?? 0,
        contextWindow,
      });
    }
  }
  return { request, maxTokens, count };
}

/** The instrumentation record of a call that ended as `summary` says. */
function endRecord(summary: StreamSummary, output: string | undefined): ModelCallEnd {
  const { finishReason, usage, attempts, costUsd, error } = summary;
  return {
    outcome: finishReason === 'abort' ? 'abort' : finishReason === 'error' ? 'error' : 'ok',
    usage,
    attempts,
    finishReason,
    ...(costUsd !== undefined && { costUsd }),
    ...(summary.responseModelId !== undefined && { responseModel: summary.responseModelId }),
    ...(summary.responseId !== undefined && { responseId: summary.responseId }),
    ...(summary.timeToFirstTokenMs !== undefined && {
      timeToFirstTokenMs: summary.timeToFirstTokenMs,
    }),
    ...(error !== undefined && {
      errorType: errorName(error),
      errorMessage: error instanceof Error ? error.message : String(error),
    }),
    ...(output !== undefined && { output }),
  };
}

/**
 * Starts one call; its parts flow when the returned stream is iterated, and `result` settles
 * (never rejects) when the stream ends, however it ends.
 */
export function streamCall(
  context: ModelContext,
  request: ChatRequest,
  callOptions: LlmCallOptions,
  operation: 'generate' | 'stream',
): LlmStream {
  let settle: (summary: StreamSummary) => void = () => {};
  const result = new Promise<StreamSummary>((resolve) => {
    settle = resolve;
  });
  let iterator: AsyncGenerator<StreamPart, void, undefined> | undefined;
  return {
    result,
    [Symbol.asyncIterator]() {
      iterator ??= callParts(context, request, callOptions, operation, settle);
      return iterator;
    },
  };
}

/** What one call keeps while it runs; read when it ends. */
interface CallState {
  opened?: OpenedStream;
  count?: TokenCount;
  stats?: StreamStats;
  /** The provider's last usage, as reported (none when the stream stopped before it). */
  reported?: Usage;
  /** The call's bill, once its ending is known. */
  bill?: Bill;
  attempts: number;
  finishReason: FinishReason;
  failure?: unknown;
  timeToFirstTokenMs?: number;
  /** The `finish` part was handed out: the stream is whole even if the consumer stops now. */
  finished: boolean;
}

/** One call's fixed parts: its signal, deadline, account and observer. */
function startCall(
  context: ModelContext,
  request: ChatRequest,
  callOptions: LlmCallOptions,
  operation: 'generate' | 'stream',
) {
  const { driver, options, clock } = context;
  const { timeouts = {} } = options;
  const userSignal = callOptions.signal;
  const caching = resolveCaching(callOptions.promptCaching ?? options.promptCaching);
  const observer = observeModelCall(options.instrumentation, {
    operation,
    provider: driver.provider,
    requestModel: driver.modelId,
    ...(request?.metadata && { metadata: request.metadata }),
    parameters: parametersOf(request),
    ...(options.recordContent && { request }),
  });
  const deadline =
    timeouts.totalMs === undefined
      ? undefined
      : deadlineSignal({
          ...(userSignal && { signal: userSignal }),
          timeoutMs: timeouts.totalMs,
          clock,
        });
  const budgets = [options.budget, callOptions.budget].filter((budget) => budget !== undefined);
  const account = openAccount({
    modelId: driver.modelId,
    budgets,
    ledger: options.ledger,
    pricing: {
      ...(options.prices && { prices: options.prices }),
      cacheWriteTtl: caching?.ttl ?? '5m',
    },
    metadata: request?.metadata,
  });
  return {
    startedAt: clock.now(),
    userSignal,
    caching,
    observer,
    deadline,
    // Always a signal of this call's own: the SDK hangs listeners on it.
    signal: deadline?.signal ?? userSignal ?? new AbortController().signal,
    budgeted: budgets.length > 0,
    account,
    links: [] as LinkedSignal[],
    response: {} as ResponseInfo,
    parts: createStreamAccumulator(),
    /** The total deadline passed (not the caller's cancel). */
    timedOut: () => deadline?.signal.aborted === true && userSignal?.aborted !== true,
  };
}

type Call = ReturnType<typeof startCall>;

/** Bills what arrived; its usage part unless the last one handed out says the same. */
function closingParts({ account }: Call, state: CallState, answered: OpenedStream): UsagePart[] {
  // A Keel fallback prices its parts and sends its final usage itself.
  if (answered.summary !== undefined) return [];
  state.bill = account.bill(answered.answerer, state.reported, state.count, state.stats);
  return sameUsage(state.reported, state.bill.usage) ? [] : [usagePart(state.bill)];
}

/** Closes the upstream, settles the one bill everywhere and reports how the call ended. */
async function endCall(
  context: ModelContext,
  call: Call,
  state: CallState,
  settle: (summary: StreamSummary) => void,
): Promise<void> {
  const { driver, options } = context;
  const { opened } = state;
  state.failure ??= call.parts.result.errors[0];
  // The consumer stopped before the finish: cancel the upstream and bill what arrived.
  if (opened !== undefined && !state.finished && state.failure === undefined) {
    state.finishReason = 'abort';
  }
  try {
    await opened?.iterator.return?.();
  } catch {
    // A stream that fails to close (a third-party fallback's, say) still bills and reports.
  }
  call.deadline?.clear();
  for (const link of call.links) link.unlink();
  // A Keel fallback has closed by now and settled its own account.
  const theirs = await opened?.summary;
  if (theirs !== undefined) state.attempts += theirs.attempts - 1;
  const bill =
    state.bill ??
    (theirs !== undefined
      ? { usage: theirs.usage, cost: theirs.cost }
      : opened === undefined
        ? call.account.bill({ modelId: driver.modelId }, undefined)
        : // Read after the close: a stream stopped early reports its stats as it closes.
          call.account.bill(opened.answerer, state.reported, state.count, state.stats));
  try {
    await call.account.close(opened?.answerer, bill);
  } catch (error) {
    // A budget or ledger that failed (its Redis or PostgreSQL unreachable, say) is reported
    // with the call, never left as a result that does not settle.
    state.failure ??= error;
  }
  const answeredBy = opened?.answerer.modelId;
  const fallbackId = answeredBy !== driver.modelId ? answeredBy : undefined;
  const summary: StreamSummary = {
    usage: bill.usage,
    costUsd: bill.cost?.total,
    cost: bill.cost,
    attempts: state.attempts,
    provider: opened?.provider ?? driver.provider,
    modelId: opened?.answerer.modelId ?? driver.modelId,
    timeToFirstTokenMs: state.timeToFirstTokenMs,
    finishReason: state.finishReason,
    // A fallback's answer is identified by the model that gave it.
    responseModelId: call.response.model ?? theirs?.responseModelId ?? fallbackId,
    responseId: call.response.id ?? theirs?.responseId,
    ...(state.failure !== undefined && { error: state.failure }),
  };
  call.observer.end(endRecord(summary, options.recordContent ? call.parts.result.text : undefined));
  settle(summary);
}

async function* callParts(
  context: ModelContext,
  request: ChatRequest,
  callOptions: LlmCallOptions,
  operation: 'generate' | 'stream',
  settle: (summary: StreamSummary) => void,
): AsyncGenerator<StreamPart, void, undefined> {
  const { options, clock } = context;
  const call = startCall(context, request, callOptions, operation);
  const { account, parts, observer, timedOut, userSignal } = call;
  const state: CallState = { attempts: 0, finishReason: 'error', finished: false };
  try {
    const prepared = await prepare(context, request, call.budgeted, call.signal);
    const { maxTokens, count } = prepared;
    state.count = count;
    await account.reserve({ inputTokens: count?.upperBound ?? 0, maxOutputTokens: maxTokens });
    const opened = await openStream({
      ...context,
      fallbacks: options.fallbacks ?? [],
      request: prepared.request,
      maxTokens,
      promptCaching: call.caching,
      timeouts: options.timeouts ?? {},
      signal: call.signal,
      observer,
      response: call.response,
      links: call.links,
      onStats: (received) => {
        state.stats = received;
      },
      onAttempt: (made) => {
        state.attempts = made;
      },
    });
    state.opened = opened;
    for (let next = opened.first; !next.done; next = await opened.iterator.next()) {
      let part = next.value;
      if (part.type === 'usage' && opened.summary === undefined) {
        state.reported = part.usage;
        const cost = account.price(opened.answerer, part.usage);
        part = { type: 'usage', usage: part.usage, ...(cost && { costUsd: cost.total }) };
      } else if (part.type === 'finish') {
        yield* closingParts(call, state, opened);
        if (part.reason === 'abort' && timedOut()) {
          // The total deadline passed mid-stream: a failure, not a cancellation.
          state.failure = call.deadline?.signal.reason;
          yield { type: 'error', error: state.failure };
          part = { type: 'finish', reason: 'error' };
        }
        state.finishReason = part.reason;
        state.finished = true;
      } else if (isContent(part) && state.timeToFirstTokenMs === undefined) {
        state.timeToFirstTokenMs = clock.now() - call.startedAt;
        observer.event('first-token', { ms: state.timeToFirstTokenMs });
      }
      parts.add(part);
      yield part;
      if (state.finished) return;
    }
  } catch (error) {
    // A cancelled call ends as the stream contract says, whenever the cancellation came
    // (already aborted, while counting, while connecting): `finish: abort`, not a throw.
    if (userSignal?.aborted === true && !timedOut()) {
      state.finishReason = 'abort';
      state.finished = true;
      yield { type: 'finish', reason: 'abort' };
      return;
    }
    // The total deadline surfaces from the SDK as an abort; report it as the timeout it is.
    state.failure = timedOut() ? call.deadline?.signal.reason : error;
    state.finishReason = timedOut() || !isAbortError(error) ? 'error' : 'abort';
    throw state.failure;
  } finally {
    await endCall(context, call, state, settle);
  }
}
