/**
 * Fan-out: several independent consumers of one stream.
 */
import { assertNumber } from '@keel/core/internal';
import { type ChunkSource, openSource } from './source-reader';

/**
 * Splits `source` into `count` iterables that each yield every item, reading the source once.
 * The fastest branch drives the reads and slower branches buffer what they have not consumed yet
 * (as `ReadableStream.tee` does). A branch that stops early stops buffering; the source is
 * cancelled when every branch has stopped. A source error reaches each branch after its buffer.
 *
 * @throws InvalidArgumentError when `count` is not a whole number >= 1.
 * @example
 * ```ts
 * const [toClient, toLog] = tee(fromAnthropic(stream));
 * const logged = collect(toLog).then((result) => ledger.record(result.usage));
 * return toSSEResponse(toClient);
 * ```
 */
export function tee<T>(source: ChunkSource<T>, count = 2): AsyncIterableIterator<T>[] {
  assertNumber('count', count, { integer: true, min: 1 });
  const reader = openSource(source);
  const branches = Array.from({ length: count }, () => ({
    items: [] as T[],
    head: 0,
    active: true,
  }));
  let pulling: Promise<void> | undefined;
  let ended = false;
  let failure: { error: unknown } | undefined;

  const pull = (): Promise<void> => {
    pulling ??= reader.read().then(
      (result) => {
        pulling = undefined;
        if (result.done) ended = true;
        else for (const branch of branches) if (branch.active) branch.items.push(result.value);
      },
      (error: unknown) => {
        pulling = undefined;
        failure = { error };
      },
    );
    return pulling;
  };

  return branches.map((branch) => {
    const iterator: AsyncIterableIterator<T> = {
      async next() {
        while (branch.active) {
          if (branch.head < branch.items.length) {
            const value = branch.items[branch.head] as T;
            branch.head++;
            if (branch.head === branch.items.length) {
              branch.items.length = 0;
              branch.head = 0;
            }
            return { value, done: false };
          }
          if (failure) throw failure.error;
          if (ended) break;
          await pull();
        }
        return { value: undefined, done: true };
      },
      async return() {
        if (branch.active) {
          branch.active = false;
          branch.items.length = 0;
          if (!ended && branches.every((other) => !other.active)) reader.cancel();
        }
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  });
}
