/**
 * A whole stream of parts assembled into one result.
 */
import type { FinishReason, StreamPart, ToolCall, Usage } from '@keel/core';
import { createStreamAccumulator } from '@keel/core/internal';
import { type ChunkSource, openSource } from './source-reader';
import { StreamTruncatedError } from './stream-truncated-error';

/** What {@link collect} assembles. */
export interface CollectedStream {
  /** All text deltas, joined. */
  text: string;
  /** All reasoning deltas, joined. */
  reasoning: string;
  /** The last reasoning signature (Anthropic), to send back with the reasoning. */
  reasoningSignature: string | undefined;
  /** Completed tool calls with parsed input, in order. */
  toolCalls: ToolCall[];
  /** The last usage reported, or zeros. */
  usage: Usage;
  /** The cost of that usage as the model priced it; `undefined` when it gave none. */
  costUsd: number | undefined;
  finishReason: FinishReason;
  /** The provider's own finish reason, when it gave one. */
  providerFinishReason: string | undefined;
  /** The errors of `error` parts, in order; empty unless `finishReason` is `error`. */
  errors: unknown[];
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
