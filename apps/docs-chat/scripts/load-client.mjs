/**
 * The load script's chat client: POST /api/chat over node:http (so a thousand sockets need no
 * undici tuning), the server-sent events parsed as they arrive by `@keel/streaming`'s
 * `parseSSE`, with the timings the figures are made of. Times are
 * `performance.timeOrigin + performance.now()`, the clock the mock provider records with.
 */
import http from 'node:http';
import { parseSSE } from '@keel/streaming';

/** Milliseconds since the Unix epoch with sub-millisecond precision (the mock's clock). */
export const now = () => performance.timeOrigin + performance.now();

/** One agent for every client: no socket limit, so a thousand chats are a thousand sockets. */
export function createAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
}

/** Reads the events of `response` into `result` until it ends or `destroy` cuts it. */
async function readEvents(response, result, { onFirstText, destroy }) {
  try {
    for await (const { event, id, data } of parseSSE(response)) {
      if (result.destroyedAt !== undefined) return;
      let parsed;
      try {
        parsed = { event, id, data: JSON.parse(data) };
      } catch (error) {
        result.error ??= `bad event: ${error.message}`;
        continue;
      }
      result.events.push(parsed);
      result.firstEventAt ??= now();
      if (event === 'text' && result.firstTextAt === undefined) {
        result.firstTextAt = now();
        onFirstText?.(destroy);
        if (result.destroyedAt !== undefined) return;
      }
    }
  } catch (error) {
    if (result.destroyedAt === undefined) result.error ??= error.message;
  }
}

/**
 * Sends one chat and collects its events. Resolves (never rejects) with
 * `{ status, events, startedAt, headersAt, firstEventAt, firstTextAt, endedAt, error, destroyedAt }`.
 *
 * - `onFirstText(destroy)`: called once at the first `text` event; calling `destroy()` cuts
 *   the request there (the result then has `destroyedAt`).
 * - `readNothing`: pause the response at its headers and never read; the result resolves at
 *   once with `hold.destroy()` to cut it later.
 */
export function chat({ url, agent, userId, message, onFirstText, readNothing = false }) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ message });
    const result = {
      status: 0,
      events: [],
      startedAt: now(),
      headersAt: undefined,
      firstEventAt: undefined,
      firstTextAt: undefined,
      endedAt: undefined,
      error: undefined,
      destroyedAt: undefined,
    };
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      result.endedAt ??= now();
      resolve(result);
    };
    const request = http.request(`${url}/api/chat`, {
      method: 'POST',
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'x-user-id': userId,
      },
    });
    const destroy = () => {
      result.destroyedAt = now();
      request.destroy();
      settle();
    };
    request.on('error', (error) => {
      if (result.destroyedAt === undefined) result.error ??= error.message;
      settle();
    });
    request.on('response', (response) => {
      result.status = response.statusCode ?? 0;
      result.headersAt = now();
      if (readNothing) {
        response.pause();
        response.socket.pause();
        result.hold = { destroy: () => request.destroy() };
        settle();
        return;
      }
      // An event cut off by the end of the stream is dropped: the last event is then not
      // `finish`, which streamProblem reports.
      readEvents(response, result, { onFirstText, destroy }).then(settle);
    });
    request.end(body);
  });
}

/**
 * What is wrong with a completed chat's events, or undefined when nothing is: seq runs 1..n
 * with no gap and matches the SSE id, exactly one `finish` (outcome `stop`) and it is last, no
 * `error` event, and the text is exactly `expectedText`.
 */
export function streamProblem(result, expectedText) {
  if (result.error) return `client error: ${result.error}`;
  if (result.status !== 200) return `status ${result.status}`;
  const { events } = result;
  if (events.length === 0) return 'no events';
  let text = '';
  let finishes = 0;
  for (const [index, { event, id, data }] of events.entries()) {
    if (data.seq !== index + 1) return `seq ${data.seq} at position ${index + 1}`;
    if (id !== String(data.seq)) return `id ${id} for seq ${data.seq}`;
    if (event !== data.type) return `event ${event} for type ${data.type}`;
    if (data.type === 'error') return `error event: ${data.code} ${data.message}`;
    if (data.type === 'text') text += data.delta;
    if (data.type === 'finish') finishes++;
  }
  const last = events.at(-1).data;
  if (finishes !== 1) return `${finishes} finish events`;
  if (last.type !== 'finish') return `last event is ${last.type}`;
  if (last.outcome !== 'stop') return `outcome ${last.outcome}`;
  if (text !== expectedText) return `text differs (${text.length} vs ${expectedText.length} chars)`;
  return undefined;
}
