/**
 * One holder at a time per key, first come first served: turns of one conversation run one
 * after another, so their rows never interleave. Keys without waiters are forgotten.
 */

/** A lock per key. */
export interface KeyedMutex {
  /**
   * Resolves, once it is the caller's turn, with the function that releases the lock; what
   * that returns resolves once the next holder may take it (a shared lease's row is deleted).
   */
  acquire(key: string, signal?: AbortSignal): Promise<() => Promise<void>>;
  /**
   * Takes the lock only when nobody holds it or waits for it: resolves with the function that
   * releases it, or undefined when it is taken (what must not wait behind a running turn, such
   * as deleting its conversation, is refused instead).
   */
  tryAcquire(key: string): Promise<(() => Promise<void>) | undefined>;
}

/** Creates a keyed mutex. */
export function createKeyedMutex(): KeyedMutex {
  const tails = new Map<string, Promise<void>>();

  async function acquire(key: string, signal?: AbortSignal): Promise<() => Promise<void>> {
    signal?.throwIfAborted();
    const previous = tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    tails.set(key, tail);
    const done = async () => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    };
    if (signal) {
      let onAbort = () => {};
      const aborted = new Promise<never>((_, reject) => {
        onAbort = () => reject(signal.reason);
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
      try {
        await Promise.race([previous, aborted]);
      } catch (error) {
        // Give up our place without blocking those behind us.
        previous.then(done, done);
        throw error;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    } else {
      await previous;
    }
    return done;
  }

  return {
    acquire,
    async tryAcquire(key) {
      // `acquire` queues the caller before its first await: no other caller can slip in between.
      return tails.has(key) ? undefined : acquire(key);
    },
  };
}
