/**
 * The SSE parser as a web `TransformStream`, for `pipeThrough`.
 */
import { createSSEParser, type SSEEvent, type SSEParserOptions } from './sse-parser';

/**
 * A `TransformStream` from UTF-8 bytes (or text) to server-sent events. Errors the stream with
 * {@link SSEEventTooLargeError} when an event exceeds `maxEventSize`.
 *
 * @example
 * ```ts
 * const events = response.body.pipeThrough(createSSEDecoderStream());
 * for await (const event of events) console.log(event.data);
 * ```
 */
export function createSSEDecoderStream(
  options: Omit<SSEParserOptions, 'onEvent'> = {},
): TransformStream<Uint8Array | string, SSEEvent> {
  let parser: ReturnType<typeof createSSEParser> | undefined;
  return new TransformStream({
    start(controller) {
      parser = createSSEParser({ ...options, onEvent: (event) => controller.enqueue(event) });
    },
    transform(chunk) {
      parser?.feed(chunk);
    },
    flush() {
      parser?.end();
    },
  });
}
