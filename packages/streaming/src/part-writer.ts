/**
 * Where provider adapters write: queues StreamParts, reassembles tool calls, keeps the usage
 * known so far, measures timing, and guarantees exactly one `finish` at the end.
 */
import {
  type CitationPart,
  type Clock,
  EMPTY_USAGE,
  type FinishReason,
  type LogprobsPart,
  type ServerToolCallPart,
  type ServerToolResultPart,
  type StreamPart,
  type Usage,
} from '@keel/core';
import { createPartialJsonParser, type PartialJsonParser } from './partial-json-parser';
import { ToolInputParseError } from './tool-input-parse-error';

/**
 * Timing and bookkeeping of one adapted stream, reported once: just before its `finish`, or when
 * the consumer stops reading before it.
 */
export interface StreamStats {
  /** From the start of reading to the first chunk of the source, in ms. */
  timeToFirstByteMs: number | undefined;
  /** From the start of reading to the first content part (text, reasoning or tool arguments). */
  timeToFirstTokenMs: number | undefined;
  /** The gaps between consecutive content parts, in ms, in order. */
  interTokenGapsMs: number[];
  /** From the start of reading to the finish, in ms. */
  durationMs: number;
  /** How many content parts were emitted. */
  contentParts: number;
  /** Events of a type the adapter does not know: skipped, and counted here. */
  unknownEvents: number;
  /** Output tokens estimated from the content received (characters / 4, rounded up). */
  estimatedOutputTokens: number;
  /**
   * The usage the stream ended with: the provider's last figures or, for a stream cut short (an
   * abort, a failure, the consumer stopping early), what was known with the output estimated
   * from what arrived, as its last `usage` part has it. For a consumer that stopped reading, no
   * such part was handed out: this is the usage to bill. `undefined` when none is known.
   */
  usage: Usage | undefined;
}

/** A partial parse of a tool call's arguments, after one more fragment arrived. */
export interface ToolInputPreview {
  toolCallId: string;
  toolName: string;
  /**
   * The arguments parsed so far (see {@link PartialJsonParser.push}); the same object is updated
   * in place by later fragments.
   */
  input: unknown;
}

/** Hooks and seams of a part writer. */
export interface PartWriterOptions {
  clock: Clock;
  onStats?: ((stats: StreamStats) => void) | undefined;
  onToolInputPreview?: ((preview: ToolInputPreview) => void) | undefined;
}

interface OpenToolCall {
  toolCallId: string;
  toolName: string;
  text: string;
  preview: PartialJsonParser | undefined;
}

/** Characters per token in the output estimate: the usual rule of thumb for English and code. */
const CHARS_PER_TOKEN = 4;

/**
 * The sink adapters write into. The reading loop drains it after every chunk, so each part
 * leaves in the tick its bytes arrived.
 */
export class PartWriter {
  /** Parts written since the last {@link PartWriter.drain}. */
  private parts: StreamPart[] = [];
  finished = false;

  private readonly clock: Clock;
  private readonly onStats: PartWriterOptions['onStats'];
  private readonly onToolInputPreview: PartWriterOptions['onToolInputPreview'];
  private readonly toolCalls = new Map<string, OpenToolCall>();
  private usage: Usage | undefined;
  private usageEmitted = false;
  private toolInputFailed = false;
  private contentChars = 0;
  private startedAt = 0;
  private firstByteAt: number | undefined;
  private receivedAt = 0;
  private firstContentAt: number | undefined;
  private lastContentAt = 0;
  private readonly gaps: number[] = [];
  private contentParts = 0;
  private unknownEvents = 0;

  constructor({ clock, onStats, onToolInputPreview }: PartWriterOptions) {
    this.clock = clock;
    this.onStats = onStats;
    this.onToolInputPreview = onToolInputPreview;
  }

  /** Takes the parts written so far. */
  drain(): StreamPart[] {
    const parts = this.parts;
    if (parts.length > 0) this.parts = [];
    return parts;
  }

  /** True when parts are waiting to be drained. */
  get pending(): boolean {
    return this.parts.length > 0;
  }

  /** Reading begins: the origin of every timing. */
  start(): void {
    this.startedAt = this.clock.now();
  }

  /**
   * A chunk arrived from the source: the arrival time of every part decoded from it, so the
   * clock is read once per chunk, not once per part. Timing is only ever reported to onStats:
   * without it, no chunk or part is timed.
   */
  received(): void {
    if (this.onStats === undefined) return;
    this.receivedAt = this.clock.now();
    if (this.firstByteAt === undefined) this.firstByteAt = this.receivedAt;
  }

  text(text: string): void {
    if (text.length === 0) return;
    this.content(text.length);
    this.parts.push({ type: 'text-delta', text });
  }

  reasoning(text: string, signature?: string): void {
    if (signature !== undefined) {
      this.parts.push({ type: 'reasoning-delta', text, signature });
      return;
    }
    if (text.length === 0) return;
    this.content(text.length);
    this.parts.push({ type: 'reasoning-delta', text });
  }

  /**
   * A part the adapter built whole: a provider-run tool's call or result, a citation, log
   * probabilities. None is content the output estimate counts (the provider bills them apart).
   */
  whole(part: ServerToolCallPart | ServerToolResultPart | CitationPart | LogprobsPart): void {
    this.parts.push(part);
  }

  /** True while the tool call under `key` (the provider's index or item id) is open. */
  hasToolCall(key: string): boolean {
    return this.toolCalls.has(key);
  }

  toolCallStart(key: string, toolCallId: string, toolName: string): void {
    const preview = this.onToolInputPreview ? createPartialJsonParser() : undefined;
    this.toolCalls.set(key, { toolCallId, toolName, text: '', preview });
    this.parts.push({ type: 'tool-call-start', toolCallId, toolName });
  }

  toolCallDelta(key: string, inputTextDelta: string): void {
    const call = this.toolCalls.get(key);
    if (call === undefined || inputTextDelta.length === 0) return;
    call.text += inputTextDelta;
    this.content(inputTextDelta.length);
    this.parts.push({ type: 'tool-call-delta', toolCallId: call.toolCallId, inputTextDelta });
    if (call.preview && this.onToolInputPreview) {
      const input = call.preview.push(inputTextDelta);
      this.onToolInputPreview({ toolCallId: call.toolCallId, toolName: call.toolName, input });
    }
  }

  /**
   * Completes a tool call: one `tool-call` part with the parsed input, or a
   * {@link ToolInputParseError} carrying the raw text. `finalText`, when the provider repeats the
   * complete arguments, wins over the fragments.
   */
  toolCallEnd(key: string, finalText?: string): void {
    const call = this.toolCalls.get(key);
    if (call === undefined) return;
    // Arguments that only arrive complete are still streamed as one delta.
    if (finalText !== undefined && call.text === '') this.toolCallDelta(key, finalText);
    this.toolCalls.delete(key);
    const text = finalText ?? call.text;
    const { toolCallId, toolName } = call;
    let input: unknown;
    try {
      // A call without arguments streams nothing: its input is the empty object.
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch (cause) {
      this.toolInputFailed = true;
      this.parts.push({
        type: 'error',
        error: new ToolInputParseError({ toolCallId, toolName, text, cause }),
      });
      return;
    }
    this.parts.push({ type: 'tool-call', toolCallId, toolName, input });
  }

  /** Completes every open tool call, in the order they started. */
  toolCallEndAll(): void {
    for (const key of [...this.toolCalls.keys()]) this.toolCallEnd(key);
  }

  /** Records usage known so far without emitting it (reported if the stream ends early). */
  noteUsage(usage: Usage): void {
    this.usage = usage;
  }

  /** Emits a `usage` part. */
  emitUsage(usage: Usage): void {
    this.usage = usage;
    this.usageEmitted = true;
    this.parts.push({ type: 'usage', usage });
  }

  unknownEvent(): void {
    this.unknownEvents++;
  }

  /** The provider's terminal event: completes open tool calls and ends the stream. */
  finish(reason: FinishReason, providerReason?: string): void {
    if (this.finished) return;
    this.toolCallEndAll();
    if (!this.usageEmitted && this.usage !== undefined) this.emitUsage(this.usage);
    this.end(this.toolInputFailed ? 'error' : reason, providerReason);
  }

  /** A failure: the usage known so far, an `error` part, then `finish: error`. */
  fail(error: unknown): void {
    if (this.finished) return;
    if (!this.usageEmitted && (this.usage !== undefined || this.contentChars > 0)) {
      this.emitUsage(this.usageSoFar());
    }
    this.parts.push({ type: 'error', error });
    this.end('error');
  }

  /**
   * The caller aborted, or stopped reading: the usage known so far (output estimated), then
   * `finish: abort`.
   */
  abort(): void {
    if (this.finished) return;
    if (!this.usageEmitted) this.emitUsage(this.usageSoFar());
    this.end('abort');
  }

  private usageSoFar(): Usage {
    const known = this.usage ?? EMPTY_USAGE;
    return { ...known, outputTokens: Math.max(known.outputTokens, this.estimatedOutputTokens()) };
  }

  private estimatedOutputTokens(): number {
    return Math.ceil(this.contentChars / CHARS_PER_TOKEN);
  }

  private content(chars: number): void {
    this.contentChars += chars;
    this.contentParts++;
    if (this.onStats === undefined) return; // see received()
    const now = this.receivedAt;
    if (this.firstContentAt === undefined) this.firstContentAt = now;
    else this.gaps.push(now - this.lastContentAt);
    this.lastContentAt = now;
  }

  private end(reason: FinishReason, providerReason?: string): void {
    this.finished = true;
    this.onStats?.({
      timeToFirstByteMs: this.since(this.firstByteAt),
      timeToFirstTokenMs: this.since(this.firstContentAt),
      interTokenGapsMs: this.gaps,
      durationMs: this.clock.now() - this.startedAt,
      contentParts: this.contentParts,
      unknownEvents: this.unknownEvents,
      estimatedOutputTokens: this.estimatedOutputTokens(),
      usage: this.usage,
    });
    this.parts.push(
      providerReason === undefined
        ? { type: 'finish', reason }
        : { type: 'finish', reason, providerReason },
    );
  }

  private since(time: number | undefined): number | undefined {
    return time === undefined ? undefined : time - this.startedAt;
  }
}
