/**
 * A whole stream of parts assembled into one result.
 */
import type { FinishReason, StreamPart } from '@keel/core';
import { type AccumulatedStream, createStreamAccumulator } from '@keel/core/internal';
import { type ChunkSource, openSource } from './source-reader';
import { StreamTruncatedError } from './stream-truncated-error';

/** What {@link collect} assembles: the parts folded, with a finish reason always set. */
export interface CollectedStream extends Omit<AccumulatedStream, 'finishReason'> {
  /** How the stream ended; `error` when it ended without a `finish` part. */
  finishReason: FinishReason;
}

/**
 * Consumes a stream of parts and returns the assembled result. Failures reported in-stream are
 * data here (`finishReason: 'error'`, `errors`); a failure thrown by the stream rejects. A stream
 * that ends without a `finish` part is reported as `error` with a {@link StreamTruncatedError}.
 *
 * @example
 * ```ts
 * const result = await collect(fromOpenAIChat(stream));
 * if (result.finishReason === 'error') throw result.errors[0];
 * console.log(result.text, result.toolCalls, result.usage.outputTokens);
 * ```
 */
export async function collect(parts: ChunkSource<StreamPart>): Promise<CollectedStream> {
  const acc = createStreamAccumulator();
  const reader = openSource(parts);
  let ended = false;
  try {
    while (acc.result.finishReason === undefined) {
      const { done, value: part } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      acc.add(part);
    }
  } finally {
    // Stopping at `finish` (or on a throw) lets the producer release its upstream.
    if (!ended) reader.cancel();
  }
  const { finishReason = 'error', errors, ...rest } = acc.result;
  return {
    ...rest,
    finishReason,
    errors:
      acc.result.finishReason === undefined
        ? [...errors, new StreamTruncatedError({ expected: 'a finish part' })]
        : errors,
  };
}
