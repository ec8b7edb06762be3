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
  | UsagePart
  | FinishPart
  | ErrorPart;

/** The `type` tag of a {@link StreamPart}. */
export type StreamPartType = StreamPart['type'];
