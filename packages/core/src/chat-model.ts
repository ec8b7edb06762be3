/**
 * The provider contract. Agent loops, the reference app and test fakes depend on this type,
 * never on a provider SDK.
 */
import type { JsonSchema } from './json';
import type { Message } from './message';
import type { ProviderOptions } from './provider-options';
import type {
  Citation,
  FinishReason,
  ServerToolCallPart,
  ServerToolResultPart,
  StreamPart,
  TokenLogprob,
} from './stream-part';
import type { ToolCall, ToolChoice, ToolDefinition } from './tool';
import type { Usage } from './usage';

/**
 * Who and what a call is for. Carried into logs, traces and the cost ledger; providers that
 * accept an end-user id (OpenAI `user`, Anthropic `metadata.user_id`) receive `userId`.
 */
export interface RequestMetadata {
  userId?: string;
  /** The product feature making the call, e.g. `'docs-chat'`. */
  feature?: string;
  /** `id@version` of the prompt that built the request. */
  promptId?: string;
  [key: string]: string | undefined;
}

/** Ask for JSON output, optionally matching a schema (structured output). */
export interface ResponseFormat {
  type: 'json';
  /** JSON Schema the output must match; without it the model is only asked for JSON. */
  schema?: JsonSchema;
  /** A name for the schema, as some providers require. */
  name?: string;
}

/** One request to a chat model, the same for every provider. */
export interface ChatRequest {
  messages: Message[];
  /** System instructions, kept apart from the conversation. */
  system?: string;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  responseFormat?: ResponseFormat;
  metadata?: RequestMetadata;
  /**
   * The provider's own options (reasoning effort, thinking budget, seed, service tier, ...).
   * An option the model's provider does not support is refused with an
   * `UnsupportedOptionError` before anything is sent.
   */
  providerOptions?: ProviderOptions;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call; an aborted stream ends with a `finish` part of reason `abort`. */
  signal?: AbortSignal;
}

/** The complete answer of {@link ChatModel.generate}. */
export interface GenerateResult {
  /** The answer's text (all text parts joined). */
  text: string;
  /** Visible reasoning, when the model produced any. */
  reasoning?: string;
  /**
   * The provider's signature over the reasoning (Anthropic). Send it back as
   * `ReasoningPart.signature` so the reasoning survives a tool loop.
   */
  reasoningSignature?: string;
  /** Tools the model asked to run, in order. */
  toolCalls: ToolCall[];
  /** Citations of the answer's text, when the model cited sources. */
  citations?: Citation[];
  /** Tools the provider ran itself (web search, code execution), in order. */
  serverToolCalls?: Omit<ServerToolCallPart, 'type'>[];
  /** Their results, as the provider sent them. */
  serverToolResults?: Omit<ServerToolResultPart, 'type'>[];
  /** Log probabilities of the output tokens, when they were requested. */
  logprobs?: TokenLogprob[];
  finishReason: FinishReason;
  /** The provider's own finish reason, when it gave one. */
  providerFinishReason?: string;
  usage: Usage;
  /**
   * What `usage` cost in USD, as the model prices it; absent when the model does not know its
   * price. Consumers take this figure and never price the usage a second time.
   */
  costUsd?: number | undefined;
  /** The model that actually answered, as the provider reports it. */
  responseModelId: string;
  /** The provider's id for the response (for support tickets and traces). */
  responseId?: string;
}

/**
 * A chat model behind any provider.
 *
 * `stream` yields {@link StreamPart}s and always ends with exactly one `finish` part. A failure
 * before the first part is thrown by the iterator's first `next()` (so callers can fall back to
 * another model); a failure after it is yielded as an `error` part, later followed by `finish`
 * with reason `error`. The last `usage` part before `finish` is the call's total: a model that
 * bills calls (every `@keel/llm` model) sends one on every ending, with its `costUsd`.
 *
 * @example
 * ```ts
 * async function summarise(model: ChatModel, text: string, signal?: AbortSignal) {
 *   const result = await model.generate(
 *     { system: 'Summarise in one sentence.', messages: [{ role: 'user', content: text }] },
 *     { signal },
 *   );
 *   return result.text;
 * }
 * ```
 */
export interface ChatModel {
  /** The provider's name, e.g. `'openai'` or `'anthropic'`. */
  readonly provider: string;
  /** The model requested, e.g. `'gpt-4o-mini'`. */
  readonly modelId: string;
  generate(request: ChatRequest, options?: CallOptions): Promise<GenerateResult>;
  stream(request: ChatRequest, options?: CallOptions): AsyncIterable<StreamPart>;
}
