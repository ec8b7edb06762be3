/**
 * First-byte and idle timeouts for any stream, cancelling the upstream when it stalls.
 */
import { type ChunkSource, guardReader, openSource, type ReadGuardOptions } from './source-reader';

/**
 * Re-yields `source`, failing with {@link StreamTimeoutError} when the first chunk takes longer
 * than `firstByteTimeoutMs` or a later one longer than `idleTimeoutMs` (time counts only while
 * the consumer waits), and with the abort reason when `signal` aborts. In every case, and when
 * the loop ends early, the source is cancelled: a `fetch` body releases its connection.
 *
 * @example
 * ```ts
 * const response = await fetch(url, init);
 * for await (const chunk of withTimeouts(response.body, { firstByteTimeoutMs: 10_000, idleTimeoutMs: 30_000 })) {
 *   sink.write(chunk);
 * }
 * ```
 */
export async function* withTimeouts<T>(
  source: ChunkSource<T>,
  options: ReadGuardOptions,
): AsyncGenerator<T, void, undefined> {
  const reader = guardReader(openSource(source), options);
  let ended = false;
  try {
    while (true) {
      const result = await reader.read();
      if (result.done) {
        ended = true;
        return;
      }
      yield result.value;
    }
  } finally {
    reader.dispose();
    if (!ended) reader.cancel();
  }
}
