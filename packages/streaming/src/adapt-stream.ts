/**
 * The reading loop every provider adapter shares: accepts raw bytes, parsed SSE events or an SDK
 * stream object, feeds the provider's protocol, and turns every way a stream can end (terminal
 * event, truncation, reset, in-band error, timeout, abort) into the core StreamPart contract.
 */
import { isAbortError, KeelError, type StreamPart, systemClock } from '@keel/core';
import { type EventLayoutRules, LearnedLayouts } from './learned-layouts';
import { PartWriter, type StreamStats, type ToolInputPreview } from './part-writer';
import { ProviderStreamError, type StreamProvider } from './provider-stream-error';
import { guardReader, openSource, type ReadGuardOptions } from './source-reader';
import { createSSEParser, type SSEEvent, type SSEParser } from './sse-parser';
import { StreamParseError } from './stream-parse-error';
import { StreamTruncatedError } from './stream-truncated-error';

/**
 * What an adapter reads: the response body (`ReadableStream` or `AsyncIterable` of UTF-8
 * bytes), already-parsed server-sent events (`{ event, data }`), or the official SDK's stream
 * object (an async iterable of parsed chunks with a `controller`).
 */
export type ProviderStreamSource =
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string | SSEEvent | object>;

/** Options of the provider adapters. */
export interface StreamAdapterOptions extends ReadGuardOptions {
  /** The largest server-sent event accepted when reading bytes; default 1 MiB. */
  maxEventSize?: number;
  /**
   * Called once, just before the `finish` part (or when the consumer stops reading before it),
   * with time to first token, gaps and the usage to bill.
   */
  onStats?: (stats: StreamStats) => void;
  /**
   * Called after every tool-argument fragment with the arguments parsed so far. Previews cost
   * time linear in the argument length; without this hook none are computed.
   */
  onToolInputPreview?: (preview: ToolInputPreview) => void;
}

/** One provider's wire protocol, writing into a {@link PartWriter}. */
export interface StreamProtocol {
  readonly provider: StreamProvider;
  /** The terminal event, as named in a {@link StreamTruncatedError}. */
  readonly terminal: string;
  /** A parsed event payload (from the wire or from the SDK). */
  chunk(payload: Record<string, unknown>): void;
  /**
   * What the protocol reads of its events, and which string varies between its frequent ones:
   * with it, events in a layout already seen on the stream are not built with `JSON.parse`
   * (see {@link LearnedLayouts}).
   */
  readonly layout?: EventLayoutRules;
  /** A `data: [DONE]` line. */
  done(): void;
  /**
   * The source ended before a terminal event. `fromSdk` says the chunks came from an SDK object,
   * which hides `[DONE]`. Finishes the writer or throws {@link StreamTruncatedError}.
   */
  end(fromSdk: boolean): void;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * Runs `protocol` over `source`, yielding StreamParts as their bytes arrive. A hand-written
 * iterator rather than an async generator: parts already decoded are handed out without the
 * generator's extra promise turns, which is most of the adapter's own cost on large streams.
 */
export function adaptStream(
  source: ProviderStreamSource,
  createProtocol: (writer: PartWriter) => StreamProtocol,
  options: StreamAdapterOptions,
): AsyncIterableIterator<StreamPart> {
  const { signal, clock = systemClock, maxEventSize, onStats, onToolInputPreview } = options;
  const writer = new PartWriter({ clock, onStats, onToolInputPreview });
  const protocol = createProtocol(writer);
  const controller = (source as { controller?: { signal?: AbortSignal } }).controller;
  const reader = guardReader(openSource<unknown>(source), { ...options, clock });
  let parser: SSEParser | undefined;
  let fromSdk = false;
  let started = false;
  let sourceEnded = false;
  let closed = false;
  /** The parts of the last chunk, the position of the next one, and how many were handed out. */
  let batch: StreamPart[] = [];
  let next = 0;
  let yielded = 0;
  /** The read in progress; `next()` calls made meanwhile wait for it, as with a generator. */
  let busy: Promise<IteratorResult<StreamPart>> | undefined;

  const layouts = protocol.layout === undefined ? undefined : new LearnedLayouts(protocol.layout);

  const onEvent = ({ data }: SSEEvent) => {
    if (writer.finished || data.length === 0) return;
    if (data === '[DONE]') return protocol.done();
    const known = layouts?.match(data);
    if (known !== undefined) return protocol.chunk(known);
    const payload = parseData(data);
    layouts?.learn(data, payload);
    protocol.chunk(payload);
  };
  // An SDK aborts its own controller when it throws, so only a clean end checks the controller.
  const abortedByError = (error: unknown) => signal?.aborted === true || isAbortError(error);
  const abortedAtEnd = () => signal?.aborted === true || controller?.signal?.aborted === true;

  function close(): void {
    if (closed) return;
    closed = true;
    batch = [];
    next = 0;
    reader.dispose();
    if (!sourceEnded) reader.cancel();
  }

  function take(): IteratorResult<StreamPart> {
    yielded++;
    return { value: batch[next++] as StreamPart, done: false };
  }

  /** Handles one chunk of the source, writing parts (or throwing what ends the stream). */
  function handle(chunk: unknown): void {
    writer.received();
    if (chunk instanceof Uint8Array || typeof chunk === 'string') {
      parser ??= createSSEParser({ onEvent, maxEventSize });
      parser.feed(chunk);
    } else if (isSSEEvent(chunk)) {
      onEvent(chunk);
    } else {
      fromSdk = true;
      protocol.chunk(chunk as Record<string, unknown>);
    }
  }

  /**
   * Reads chunks until they produce parts or the stream ends. Only called while the stream is
   * open and unfinished, so it always awaits before `busy` is cleared.
   */
  async function read(): Promise<IteratorResult<StreamPart>> {
    try {
      if (!started) {
        started = true;
        writer.start();
      }
      while (!writer.pending) {
        if (writer.finished || closed) {
          close();
          return DONE;
        }
        try {
          const result = await reader.read();
          if (closed) return DONE; // the consumer stopped while the read was pending
          if (result.done) {
            sourceEnded = true;
            parser?.end();
            if (abortedAtEnd()) writer.abort();
            else if (!writer.finished) protocol.end(fromSdk);
          } else {
            handle(result.value);
          }
        } catch (caught) {
          if (closed) return DONE;
          if (abortedByError(caught)) {
            writer.abort();
          } else {
            const error = classify(caught, protocol);
            // The core contract: a failure before the first part is thrown, so callers can fall back.
            if (yielded === 0 && !writer.pending) {
              close();
              throw error;
            }
            writer.fail(error);
          }
        }
      }
      batch = writer.drain();
      next = 0;
      return take();
    } finally {
      busy = undefined;
    }
  }

  const again = () => iterator.next();
  const iterator: AsyncIterableIterator<StreamPart> = {
    next() {
      if (busy) return busy.then(again, again);
      if (next < batch.length) return Promise.resolve(take());
      if (writer.finished) close();
      if (closed) return Promise.resolve(DONE);
      busy = read();
      return busy;
    },
    return() {
      // The consumer stopped before the end: the stream ends as an abort would end it, so
      // onStats reports the usage of what arrived (its parts are never handed out).
      if (started && !closed) writer.abort();
      close();
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function isSSEEvent(chunk: unknown): chunk is SSEEvent {
  return (
    typeof chunk === 'object' &&
    chunk !== null &&
    typeof (chunk as SSEEvent).data === 'string' &&
    typeof (chunk as SSEEvent).event === 'string'
  );
}

function parseData(data: string): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch (cause) {
    throw new StreamParseError({ data, cause });
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new StreamParseError({ data });
  }
  return payload as Record<string, unknown>;
}

/**
 * Keel's own errors pass through; an SDK's in-band error becomes a {@link ProviderStreamError};
 * anything else (a reset, `TypeError: terminated`) cut the stream short.
 */
function classify(error: unknown, { provider, terminal }: StreamProtocol): unknown {
  if (KeelError.isInstance(error)) return error;
  const inBand = sdkInBandError(error);
  if (inBand) return new ProviderStreamError({ provider, ...inBand, cause: error });
  return new StreamTruncatedError({ expected: terminal, cause: error });
}

/**
 * The type and message of an error event as the SDKs throw it: an `APIError` without a status
 * whose `error` is the event's payload (OpenAI: `{ type, message }`; Anthropic:
 * `{ type: 'error', error: { type, message } }`).
 */
function sdkInBandError(
  error: unknown,
): { type: string; message: string; raw: unknown } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, error: body } = error as { status?: unknown; error?: unknown };
  if (status !== undefined || typeof body !== 'object' || body === null) return undefined;
  const inner = (body as { error?: unknown }).error;
  const detail = (typeof inner === 'object' && inner !== null ? inner : body) as {
    type?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const type = typeof detail.type === 'string' ? detail.type : detail.code;
  if (typeof type !== 'string') return undefined;
  return { type, message: typeof detail.message === 'string' ? detail.message : '', raw: body };
}
