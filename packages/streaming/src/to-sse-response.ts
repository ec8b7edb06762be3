/**
 * A ready `Response` of server-sent events, for route handlers on any runtime.
 */
import type { ChunkSource } from './source-reader';
import { type SSEStreamOptions, toSSEStream } from './to-sse-stream';

/** Options of {@link toSSEResponse}: those of {@link toSSEStream}, plus the response's own. */
export interface SSEResponseOptions<T> extends SSEStreamOptions<T> {
  /** Default 200. */
  status?: number;
  /** Added to, or overriding, the SSE headers. */
  headers?: ConstructorParameters<typeof Headers>[0];
}

/**
 * {@link toSSEStream} wrapped in a `Response` with the headers SSE needs
 * (`text/event-stream`, no caching or transforming, no proxy buffering).
 *
 * @example
 * ```ts
 * export async function POST(request: Request) {
 *   const stream = await anthropic.messages.create({ ...params, stream: true });
 *   return toSSEResponse(fromAnthropic(stream, { signal: request.signal }));
 * }
 * ```
 */
export function toSSEResponse<T>(
  source: ChunkSource<T>,
  options: SSEResponseOptions<T> = {},
): Response {
  const { status = 200, headers, ...streamOptions } = options;
  const merged = new Headers({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  for (const [name, value] of new Headers(headers)) merged.set(name, value);
  return new Response(toSSEStream(source, streamOptions), { status, headers: merged });
}
