/**
 * The shapes of Keel's client: options, results and the model it returns.
 */
import type {
  CallOptions,
  ChatModel,
  ChatRequest,
  Clock,
  FinishReason,
  GenerateResult,
  Instrumentation,
  StreamPart,
  Usage,
} from '@keel/core';
import type { CircuitBreaker, CircuitBreakerOptions, RetryOptions } from '@keel/resilience';
import type { Budget, CostBreakdown, CostLedger, ModelPrices } from '@keel/tokens';
import type { PromptCaching } from './providers/driver';
import type { ResponseCache } from './response-cache';

/** Time limits of a call. */
export interface Timeouts {
  /** The whole call, from the first attempt to the last part. */
  totalMs?: number;
  /** From sending the request until the first part (headers included), per attempt. */
  firstByteMs?: number;
  /** Longest silence between two chunks once the stream started. */
  idleMs?: number;
}

/** What every provider model accepts besides its connection settings. */
export interface ModelOptions {
  /**
   * Retries before the first byte, with jittered backoff and Retry-After; default
   * `{ maxAttempts: 3 }`. `false` makes one attempt only. Streams are never retried once a part
   * was received.
   */
  retry?: RetryOptions | false;
  /**
   * This model's circuit breaker: options for one made here (default five consecutive
   * failures, 30 s open), a breaker to share, or `false` for none.
   */
  breaker?: CircuitBreakerOptions | CircuitBreaker | false;
  timeouts?: Timeouts;
  /**
   * Models to try, in order, when this one fails before its first byte with a retryable,
   * rate-limit or open-breaker error.
   */
  fallbacks?: readonly ChatModel[];
  /** A budget every call of this model reserves from (e.g. the application's daily budget). */
  budget?: Budget;
  /** Records every call's usage and cost (by user, feature and model). */
  ledger?: CostLedger;
  /** Prices when the model is not in @keel/tokens' catalogue (USD per million tokens). */
  prices?: ModelPrices;
  /** Anthropic prompt caching on the stable prefix: `true` for the defaults, or its settings. */
  promptCaching?: PromptCaching | boolean;
  /** Caches `generate` answers; see {@link createMemoryCache}. */
  cache?: ResponseCache;
  /** Where calls are reported (traces, logs, metrics): `@keel/observability` implements it. */
  instrumentation?: Instrumentation;
  /** Put requests and answers into instrumentation records; default false. */
  recordContent?: boolean;
  clock?: Clock;
}

/** Per-call options. */
export interface LlmCallOptions extends CallOptions {
  /** A budget this call also reserves from, e.g. the user's. */
  budget?: Budget;
  /** `false` bypasses the response cache for this call. */
  cache?: boolean;
  /** Overrides the model's prompt caching for this call. */
  promptCaching?: PromptCaching | boolean;
}

/** What a call cost and how it went, beside its content. */
export interface CallSummary {
  usage: Usage;
  /** The cost in USD; `undefined` when the model's price is unknown. */
  costUsd: number | undefined;
  cost: CostBreakdown | undefined;
  /** Requests made for the call, retries and fallbacks included (1 when the first answered). */
  attempts: number;
  /** Provider and model that answered: a fallback's when the primary failed. */
  provider: string;
  modelId: string;
  /** Milliseconds from the call to its first content part. */
  timeToFirstTokenMs: number | undefined;
}

/** The result of `generate`. */
export interface LlmGenerateResult extends Omit<GenerateResult, 'costUsd'>, CallSummary {
  /** True when the answer came from the response cache (usage and cost are then zero). */
  cached: boolean;
}

/** How a stream ended, with its usage and cost. */
export interface StreamSummary extends CallSummary {
  finishReason: FinishReason;
  responseModelId: string | undefined;
  responseId: string | undefined;
  /** What ended the stream when `finishReason` is `error`. */
  error?: unknown;
}

/** A stream of parts whose `result` settles when it ends (it never rejects). */
export interface LlmStream extends AsyncIterable<StreamPart> {
  readonly result: Promise<StreamSummary>;
}

/** A chat model with Keel's layers wired in. */
export interface LlmModel extends ChatModel {
  generate(request: ChatRequest, options?: LlmCallOptions): Promise<LlmGenerateResult>;
  stream(request: ChatRequest, options?: LlmCallOptions): LlmStream;
}
