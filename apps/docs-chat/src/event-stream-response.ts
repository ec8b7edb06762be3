/**
 * Server-sent events on a node:http response, written with backpressure: a client that stops
 * reading for {@link WRITE_STALL_MS} aborts what produces the events, so a slow reader only
 * ever holds its own work.
 */
import type { ServerResponse } from 'node:http';
import { toSSEStream } from '@keel/streaming';
import { SECURITY_HEADERS } from './http-responses';

/** How long a stream may wait for a client to read before it is cut. */
const WRITE_STALL_MS = 30_000;

/** Resolves when `response` can take more, or false when it closed or stalled. */
function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), WRITE_STALL_MS);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/** Options of {@link writeEventStream}. */
export interface WriteEventStreamOptions {
  traceId: string;
  /** Aborted when the client stops reading; once aborted, the rest of the events are dropped. */
  controller: AbortController;
  /** Called as the first event is written. */
  onFirstEvent?: () => void;
}

/**
 * Sends the 200 and `events` as server-sent events (the event name is `type`, the id `seq`),
 * then ends the response. After the client went away, the events are still read to their end
 * (so what produces them can record itself) and dropped.
 */
export async function writeEventStream(
  response: ServerResponse,
  events: AsyncIterable<{ type: string; seq: number }>,
  { traceId, controller, onFirstEvent }: WriteEventStreamOptions,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    'x-trace-id': traceId,
    ...SECURITY_HEADERS,
  });
  response.flushHeaders();
  const reader = toSSEStream(events, {
    event: (event) => event.type,
    id: (event) => String(event.seq),
  }).getReader();
  let first = true;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (controller.signal.aborted) continue;
      if (first) {
        first = false;
        onFirstEvent?.();
      }
      const accepted = response.write(value);
      // Node corks a chunked response until the next tick, and the producer's own work (a
      // model call being set up, a burst of parts) can hold that tick for milliseconds: each
      // event is sent now.
      response.socket?.uncork();
      if (!accepted && !(await drained(response))) {
        controller.abort(new Error('The client stopped reading'));
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
    if (!response.writableEnded) response.end();
  }
}
