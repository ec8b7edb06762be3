/**
 * The server side: StreamParts (or any JSON values) to a server-sent event byte stream, pulled
 * at the pace of the client, with heartbeats and event ids for resumption.
 */
import { type Clock, InvalidArgumentError, systemClock } from '@keel/core';
import { assertDelay, assertNumber } from '@keel/core/internal';
import { type ChunkSource, openSource } from './source-reader';

/** Options of {@link toSSEStream}. */
export interface SSEStreamOptions<T> {
  /** The `event:` name of a value; none (a plain `message`) by default. */
  event?: (value: T) => string | undefined;
  /**
   * The `id:` of the value at `index` (counted from `startIndex`), or `false` for no ids.
   * Default: the index, so a client reconnecting with `Last-Event-ID: 41` resumes at 42.
   */
  id?: ((value: T, index: number) => string) | false;
  /** The index of the first value; when resuming after `Last-Event-ID: n`, pass `n + 1`. */
  startIndex?: number;
  /** A value to the event's data; default `JSON.stringify`, with errors as `{ name, message, ... }`. */
  serialize?: (value: T) => string;
  /** A comment line is sent when the source is silent this long (ms) while the client waits; 0 disables. Default 15,000. */
  heartbeatMs?: number;
  /** Sent first as `retry:`, the client's reconnection delay in ms. */
  retryMs?: number;
  /** The time seam for heartbeats; default `systemClock`. */
  clock?: Clock;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': ping\n\n');
const lineBreak = /\r\n|\r|\n/;

/** `JSON.stringify`, with errors (which stringify as `{}`) as their name, message and data. */
function serializeJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    field instanceof Error
      ? { ...field, name: field.name, message: field.message, cause: undefined }
      : field,
  );
}

function checkField(name: string, value: string): string {
  if (lineBreak.test(value) || value.includes('\0')) {
    throw new InvalidArgumentError({
      argument: name,
      message: `An SSE ${name} cannot contain line breaks or NUL, got ${JSON.stringify(value)}`,
    });
  }
  return value;
}

/**
 * Encodes values as server-sent events: `data:` is the JSON of each value (split over several
 * `data:` lines if a custom serializer returns line breaks), with an `id:` per event for
 * resumption. The stream is pull-based: the source is read only when the client reads, so a
 * slow client slows the producer instead of filling memory. Heartbeat comments keep proxies from
 * closing a quiet connection. If the source throws, an `event: error` with the error's name and
 * message ends the stream. Cancelling the stream cancels the source.
 *
 * @example
 * ```ts
 * const body = toSSEStream(fromOpenAIChat(upstream), { heartbeatMs: 10_000 });
 * return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
 * ```
 */
export function toSSEStream<T>(
  source: ChunkSource<T>,
  {
    event,
    id = (_value, index) => String(index),
    startIndex = 0,
    serialize = serializeJson,
    heartbeatMs = 15_000,
    retryMs,
    clock = systemClock,
  }: SSEStreamOptions<T> = {},
): ReadableStream<Uint8Array> {
  assertDelay('heartbeatMs', heartbeatMs, { hint: '0 disables heartbeats' });
  if (retryMs !== undefined) assertNumber('retryMs', retryMs, { min: 0 });
  const reader = openSource(source);
  let index = startIndex;
  let waiting = false;
  let lastSentAt = clock.now();
  let timer: unknown;
  let closed = false;

  const frame = (value: T): string => {
    const name = event?.(value);
    const eventId = id === false ? undefined : id(value, index);
    let text = name === undefined ? '' : `event: ${checkField('event', name)}\n`;
    if (eventId !== undefined) text += `id: ${checkField('id', eventId)}\n`;
    const data = serialize(value);
    text += lineBreak.test(data)
      ? `data: ${data.split(lineBreak).join('\ndata: ')}\n\n`
      : `data: ${data}\n\n`;
    index++;
    return text;
  };

  const stop = () => {
    closed = true;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (retryMs !== undefined)
          controller.enqueue(encoder.encode(`retry: ${Math.round(retryMs)}\n\n`));
        if (heartbeatMs === 0) return;
        const beat = () => {
          if (closed) return;
          const quiet = clock.now() - lastSentAt;
          if (waiting && quiet >= heartbeatMs) {
            controller.enqueue(HEARTBEAT.slice()); // a copy: a consumer may transfer it
            lastSentAt = clock.now();
          }
          timer = clock.setTimeout(
            beat,
            waiting && quiet < heartbeatMs ? heartbeatMs - quiet : heartbeatMs,
          );
        };
        timer = clock.setTimeout(beat, heartbeatMs);
      },
      async pull(controller) {
        waiting = true;
        let text: string;
        try {
          const result = await reader.read();
          if (result.done) {
            stop();
            controller.close();
            return;
          }
          text = frame(result.value);
        } catch (error) {
          const { name, message } = error instanceof Error ? error : new Error(String(error));
          text = `event: error\ndata: ${JSON.stringify({ name, message })}\n\n`;
          stop();
          reader.cancel(error);
          controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        } finally {
          waiting = false;
        }
        lastSentAt = clock.now();
        controller.enqueue(encoder.encode(text));
      },
      cancel(reason) {
        stop();
        reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
