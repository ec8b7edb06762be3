/**
 * The instrumentation seam. Layers that do work worth tracing (model calls, tool calls,
 * retrieval) report through an {@link Instrumentation}; `@keel/observability` implements it
 * with spans, logs and metrics. Neither side depends on the other: both speak these types.
 *
 * An implementation's `start*` method is called when the work begins and returns an observer
 * whose `end` is called exactly once when it finishes, however it finishes. Instrumentation must
 * never break the work it observes: callers swallow anything it throws.
 */
import type { ChatRequest, RequestMetadata } from './chat-model';
import type { FinishReason } from './stream-part';
import type { Usage } from './usage';

/** How a piece of work ended: `ok`, `error` (failed), or `abort` (the caller cancelled). */
export type CallOutcome = 'ok' | 'error' | 'abort';

/** What is known when a model call begins. */
export interface ModelCallStart {
  /** `generate` and `stream` are chat calls; `embed` is an embeddings call. */
  operation: 'generate' | 'stream' | 'embed';
  /** The provider's name, e.g. `'openai'`. */
  provider: string;
  /** The model requested. */
  requestModel: string;
  metadata?: RequestMetadata;
  /** Sampling parameters as requested, for `gen_ai.request.*` attributes. */
  parameters?: {
    maxTokens?: number;
    temperature?: number;
    topP?: number;
    stop?: string[];
  };
  /** The request itself, present only when the caller opted in to recording content. */
  request?: ChatRequest;
}

/** What is known when a model call ends. */
export interface ModelCallEnd {
  outcome: CallOutcome;
  /** The model that answered, as the provider reported it. */
  responseModel?: string;
  responseId?: string;
  finishReason?: FinishReason;
  /** Tokens billed, including for aborted and failed streams (what was received). */
  usage: Usage;
  /** Cost of `usage` in US dollars, when the model's price is known. */
  costUsd?: number;
  /** Attempts made, including the first (1 when there was no retry). */
  attempts: number;
  /** Milliseconds from the start to the first streamed part, for streams. */
  timeToFirstTokenMs?: number;
  /** The error's class name when the outcome is `error`, e.g. `'RateLimitError'`. */
  errorType?: string;
  /** The error's message when the outcome is `error` (redacted by the implementation). */
  errorMessage?: string;
  /** The answer's text, present only when the caller opted in to recording content. */
  output?: string;
}

/** The decision a tool dispatcher took on a call. */
export type ToolDecision =
  | 'allowed'
  | 'approved'
  | 'pending-approval'
  | 'denied'
  | 'unknown-tool'
  | 'invalid-arguments';

/** What is known when a tool call begins. */
export interface ToolCallStart {
  toolName: string;
  toolCallId: string;
  /** The tool's declared effect: `read`, `write` or `external`. */
  effect?: string;
  metadata?: RequestMetadata;
}

/** What is known when a tool call ends. */
export interface ToolCallEnd {
  outcome: CallOutcome;
  decision: ToolDecision;
  /** A digest of the arguments (never the arguments themselves). */
  argumentsDigest?: string;
  /** Size of the result handed back to the model. */
  resultTokens?: number;
  resultBytes?: number;
  /** Whether the result was cut to the tool's token budget. */
  truncated?: boolean;
  errorType?: string;
  errorMessage?: string;
}

/** What is known when a retrieval begins. */
export interface RetrievalStart {
  mode: string;
  k: number;
  metadata?: RequestMetadata;
  /** The query text, present only when the caller opted in to recording content. */
  query?: string;
}

/** What is known when a retrieval ends. */
export interface RetrievalEnd {
  outcome: CallOutcome;
  resultCount: number;
  /** The best result's score, when there was one. */
  topScore?: number;
  errorType?: string;
  errorMessage?: string;
}

/** Receives the end of one piece of work; `end` is called exactly once. */
export interface CallObserver<End> {
  /** A notable moment inside the work, e.g. `'retry'` or `'first-token'`. */
  event?(name: string, attributes?: Record<string, string | number | boolean>): void;
  end(result: End): void;
}

/** The hooks a layer reports through. Every method is optional. */
export interface Instrumentation {
  startModelCall?(start: ModelCallStart): CallObserver<ModelCallEnd>;
  startToolCall?(start: ToolCallStart): CallObserver<ToolCallEnd>;
  startRetrieval?(start: RetrievalStart): CallObserver<RetrievalEnd>;
}
