/**
 * The push-style server-sent events parser: bytes (or text) in, events out through a callback,
 * following the WHATWG event-stream rules. Everything else in the package is built on it.
 */
import { assertNumber } from '@keel/core/internal';
import { SSEEventTooLargeError } from './sse-event-too-large-error';

/** One dispatched server-sent event. */
export interface SSEEvent {
  /** The `event:` field, or `'message'` when the event had none. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last event id seen on the stream (ids persist across events), `''` when none. */
  id: string;
  /** The reconnection time in ms, when this event's block carried a valid `retry:` field. */
  retry?: number;
}

/** Options of {@link createSSEParser}. */
export interface SSEParserOptions {
  /** Called synchronously with each complete event, in order. */
  onEvent: (event: SSEEvent) => void;
  /** Called with every valid `retry:` value, including those of blocks that carry no data. */
  onRetry?: (retryMs: number) => void;
  /**
   * The largest event accepted, counted in characters of decoded text (bytes, for ASCII such
   * as JSON) across its unfinished line and data. Past it, `feed` throws
   * {@link SSEEventTooLargeError} instead of buffering without bound. Default 1 MiB.
   */
  maxEventSize?: number;
}

/** A push-style parser: feed it chunks as they arrive. */
export interface SSEParser {
  /** Parses a chunk of bytes (UTF-8, split anywhere) or text; dispatches complete events. */
  feed(chunk: Uint8Array | string): void;
  /** Ends the stream: flushes the UTF-8 decoder and discards an event without its blank line. */
  end(): void;
}

/** 1 MiB, the default {@link SSEParserOptions.maxEventSize}. */
export const DEFAULT_MAX_EVENT_SIZE = 1024 * 1024;

const LF = 10;
const SPACE = 32;
const BOM = 0xfeff;

/**
 * Creates a push-style SSE parser. It never buffers more than one unfinished event, handles
 * CR, LF and CRLF line ends (a CR and its LF may arrive in different chunks), a leading BOM,
 * comments, fields without a colon, multi-line data, and the `id` and `retry` rules.
 *
 * @throws InvalidArgumentError when `maxEventSize` is not a whole number >= 1.
 * @example
 * ```ts
 * const parser = createSSEParser({ onEvent: (event) => console.log(event.event, event.data) });
 * parser.feed(new TextEncoder().encode('event: ping\ndata: {"a"'));
 * parser.feed(':1}\n\n'); // logs: ping {"a":1}
 * parser.end();
 * ```
 */
export function createSSEParser({
  onEvent,
  onRetry,
  maxEventSize = DEFAULT_MAX_EVENT_SIZE,
}: SSEParserOptions): SSEParser {
  assertNumber('maxEventSize', maxEventSize, { integer: true, min: 1 });
  const decoder = new TextDecoder();
  let started = false;
  /** The unfinished line carried over from previous chunks. */
  let pending = '';
  /** A chunk ended in CR: a LF opening the next chunk belongs to it. */
  let skipLF = false;
  let data = '';
  let hasData = false;
  let eventType = '';
  let lastEventId = '';
  let retry: number | undefined;

  function dispatch(): void {
    if (hasData) {
      const event: SSEEvent = { event: eventType || 'message', data, id: lastEventId };
      if (retry !== undefined) event.retry = retry;
      data = '';
      hasData = false;
      eventType = '';
      retry = undefined;
      onEvent(event);
      return;
    }
    eventType = '';
    retry = undefined;
  }

  /** Handles the line `text[start, end)`, without copying it unless a value is kept. */
  function line(text: string, start: number, end: number): void {
    if (start === end) {
      dispatch();
      return;
    }
    let colon = text.indexOf(':', start);
    if (colon === start) return; // a comment
    if (colon === -1 || colon > end) colon = end;
    let valueStart = colon + 1;
    if (valueStart < end && text.charCodeAt(valueStart) === SPACE) valueStart++;
    const value = valueStart >= end ? '' : text.slice(valueStart, end);
    // Fields are matched in place: no string is made for the field name.
    const length = colon - start;
    if (length === 4 && text.startsWith('data', start)) {
      if (hasData) {
        data = `${data}\n${value}`;
      } else {
        data = value;
        hasData = true;
      }
      if (data.length > maxEventSize) tooLarge();
    } else if (length === 5 && text.startsWith('event', start)) {
      eventType = value;
    } else if (length === 2 && text.startsWith('id', start)) {
      if (!value.includes('\0')) lastEventId = value;
    } else if (length === 5 && text.startsWith('retry', start) && /^\d+$/.test(value)) {
      retry = Number(value);
      onRetry?.(retry);
    }
    // any other field is ignored
  }

  function tooLarge(): never {
    pending = '';
    data = '';
    hasData = false;
    throw new SSEEventTooLargeError({ limit: maxEventSize });
  }

  function parse(text: string): void {
    let start = 0;
    if (skipLF) {
      skipLF = false;
      if (text.charCodeAt(0) === LF) start = 1;
    }
    const length = text.length;
    // Each index is searched for again only once passed, so a chunk is scanned in linear time.
    let nextLF = text.indexOf('\n', start);
    let nextCR = text.indexOf('\r', start);
    while (nextLF !== -1 || nextCR !== -1) {
      let end: number;
      let after: number;
      if (nextCR === -1 || (nextLF !== -1 && nextLF < nextCR)) {
        end = nextLF;
        after = end + 1;
      } else {
        end = nextCR;
        after = end + 1;
        if (after === length) skipLF = true;
        else if (text.charCodeAt(after) === LF) after++;
      }
      if (pending.length > 0) {
        const carried = pending + text.slice(start, end);
        pending = '';
        line(carried, 0, carried.length);
      } else {
        line(text, start, end);
      }
      start = after;
      if (nextLF !== -1 && nextLF < start) nextLF = text.indexOf('\n', start);
      if (nextCR !== -1 && nextCR < start) nextCR = text.indexOf('\r', start);
    }
    if (start < length) {
      pending = start === 0 ? pending + text : pending + text.slice(start);
      if (pending.length + data.length > maxEventSize) tooLarge();
    }
  }

  return {
    feed(chunk) {
      let text: string;
      if (typeof chunk === 'string') {
        // TextDecoder drops a leading BOM of byte input itself; text input may still carry one.
        text = !started && chunk.charCodeAt(0) === BOM ? chunk.slice(1) : chunk;
        if (chunk.length > 0) started = true;
      } else {
        text = decoder.decode(chunk, { stream: true });
        if (text.length > 0) started = true;
      }
      if (text.length > 0) parse(text);
    },
    end() {
      const rest = decoder.decode();
      if (rest.length > 0) parse(rest);
      pending = '';
      data = '';
      hasData = false;
      eventType = '';
      retry = undefined;
    },
  };
}
