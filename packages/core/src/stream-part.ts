/**
 * The one typed event stream every provider's stream is normalised into.
 */
import type { ToolCall } from './tool';
import type { Usage } from './usage';

/**
 * Why generation stopped: `stop` (natural end or stop sequence), `length` (token limit),
 * `tool-calls` (the model wants tools run), `content-filter` (blocked or refused by the
 * provider), `abort` (the caller cancelled), `error` (the call failed).
 */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'abort' | 'error';

/** A piece of the answer's text. */
export interface TextDeltaPart {
  type: 'text-delta';
  text: string;
}

/** A piece of the model's visible reasoning (thinking). */
export interface ReasoningDeltaPart {
  type: 'reasoning-delta';
  text: string;
  /**
   * The provider's signature over the reasoning block (Anthropic's `signature_delta`), usually
   * on a part with empty `text` at the block's end. Send it back as `ReasoningPart.signature`
   * so the reasoning survives a tool loop.
   */
  signature?: string;
}

/** A tool call has begun; its arguments follow as {@link ToolCallDeltaPart}s. */
export interface ToolCallStartPart {
  type: 'tool-call-start';
  toolCallId: string;
  toolName: string;
}

/** A fragment of a tool call's JSON arguments, exactly as streamed. */
export interface ToolCallDeltaPart {
  type: 'tool-call-delta';
  toolCallId: string;
  inputTextDelta: string;
}

/** A tool call is complete and its arguments parsed. */
export interface ToolCallCompletePart extends ToolCall {
  type: 'tool-call';
}

/**
 * A tool the provider ran itself (Anthropic web search, code execution), with its arguments.
 * Nothing is for the application to run; its `server-tool-result` follows.
 */
export interface ServerToolCallPart {
  type: 'server-tool-call';
  toolCallId: string;
  toolName: string;
  input: unknown;
}

/**
 * What a provider-run tool returned, as the provider sent it (search results with their
 * encrypted content, code output), so it can be shown or sent back. `isError` is true when
 * the provider reported the tool failed (its `error_code` is then in `output`).
 */
export interface ServerToolResultPart {
  type: 'server-tool-result';
  toolCallId: string;
  toolName: string;
  /** The provider's block type, e.g. `web_search_tool_result`. */
  resultType: string;
  output: unknown;
  isError: boolean;
}

/**
 * Where a passage of the answer comes from: a web page the model searched, or a document
 * given with `citations: true`. Locations are as the provider reports them: characters for
 * plain text, pages (1-based, end exclusive) for PDFs.
 */
export interface Citation {
  /** The quoted source text. */
  citedText: string;
  /** A web search result's URL. */
  url?: string;
  /** The page's or document's title. */
  title?: string;
  /** The cited document's position among the request's documents (0-based). */
  documentIndex?: number;
  startCharIndex?: number;
  endCharIndex?: number;
  startPageNumber?: number;
  endPageNumber?: number;
  /** The provider's citation type, e.g. `web_search_result_location` or `page_location`. */
  providerType: string;
}

/** A citation for the text streamed just before it. */
export interface CitationPart {
  type: 'citation';
  citation: Citation;
}

/** Log probabilities of output tokens, as requested with `providerOptions.logprobs`. */
export interface LogprobsPart {
  type: 'logprobs';
  tokens: TokenLogprob[];
}

/** One output token's log probability, with the most likely alternatives. */
export interface TokenLogprob {
  token: string;
  logprob: number;
  top: Array<{ token: string; logprob: number }>;
}

/** Token usage so far; the last one of a stream is the call's total. */
export interface UsagePart {
  type: 'usage';
  usage: Usage;
  /**
   * What `usage` costs in USD, priced by the model that reported it (its own prices, else its
   * catalogue's); absent when the model does not know its price. Consumers take this figure
   * and never price a model's usage a second time.
   */
  costUsd?: number;
}

/** The end of the stream. Always the last part, exactly once. */
export interface FinishPart {
  type: 'finish';
  reason: FinishReason;
  /** The provider's own reason (`end_turn`, `max_tokens`, `tool_calls`, ...), when it gave one. */
  providerReason?: string;
}

/** A failure after the stream began; a `finish` part with reason `error` follows (a billing model sends its final `usage` between them). */
export interface ErrorPart {
  type: 'error';
  error: unknown;
}

/**
 * One event of a model's stream.
 *
 * @example
 * ```ts
 * for await (const part of model.stream(request)) {
 *   switch (part.type) {
 *     case 'text-delta': process.stdout.write(part.text); break;
 *     case 'tool-call': await runTool(part); break;
 *     case 'usage': meter.record(part.usage); break;
 *     case 'finish': console.log(`\n[${part.reason}]`); break;
 *   }
 * }
 * ```
 */
export type StreamPart =
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallStartPart
  | ToolCallDeltaPart
  | ToolCallCompletePart
  | ServerToolCallPart
  | ServerToolResultPart
  | CitationPart
  | LogprobsPart
  | UsagePart
  | FinishPart
  | ErrorPart;

/** The `type` tag of a {@link StreamPart}. */
export type StreamPartType = StreamPart['type'];
