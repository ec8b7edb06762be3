/**
 * Server-sent events from a byte stream, as an async iterable.
 */

import { type ChunkSource, guardReader, openSource, type ReadGuardOptions } from './source-reader';
import { createSSEParser, type SSEEvent, type SSEParserOptions } from './sse-parser';

/** Options of {@link parseSSE}. */
export interface ParseSSEOptions extends Omit<SSEParserOptions, 'onEvent'>, ReadGuardOptions {}

/**
 * Parses a stream of UTF-8 bytes (or text) into server-sent events. When the loop ends early,
 * throws, times out or is aborted, the source is cancelled (a `fetch` body releases its socket).
 *
 * @throws SSEEventTooLargeError when an event exceeds `maxEventSize`.
 * @throws StreamTimeoutError when `firstByteTimeoutMs` or `idleTimeoutMs` pass without data.
 * @example
 * ```ts
 * const response = await fetch(url, { method: 'POST', body, headers });
 * for await (const { event, data, id } of parseSSE(response.body, { idleTimeoutMs: 30_000 })) {
 *   console.log(event, id, JSON.parse(data));
 * }
 * ```
 */
export async function* parseSSE(
  source: ChunkSource<Uint8Array | string>,
  options: ParseSSEOptions = {},
): AsyncGenerator<SSEEvent, void, undefined> {
  const events: SSEEvent[] = [];
  const parser = createSSEParser({ ...options, onEvent: (event) => events.push(event) });
  const reader = guardReader(openSource(source), options);
  let ended = false;
  try {
    while (true) {
      const result = await reader.read();
      if (result.done) {
        ended = true;
        parser.end();
        return;
      }
      parser.feed(result.value);
      for (let index = 0; index < events.length; index++) yield events[index] as SSEEvent;
      events.length = 0;
    }
  } finally {
    reader.dispose();
    if (!ended) reader.cancel();
  }
}
