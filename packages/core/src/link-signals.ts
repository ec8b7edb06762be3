/**
 * One signal that aborts when any of several does, detached on demand. `AbortSignal.any` is
 * not used for signals handed to an SDK: Node keeps a combined signal that has an `abort`
 * listener alive until it aborts, and the SDKs never remove theirs, so every call would leak
 * its signals (about 2.6 KB each).
 */

/** The linked signal, and the function that detaches it from its sources. */
export interface LinkedSignal {
  /** Aborts with the reason of the first source to abort. */
  signal: AbortSignal;
  /** Detaches from every source, so nothing holds the linked signal. Safe to call more than once. */
  unlink(): void;
}

/**
 * Links `sources` into one signal, aborting with the first source's reason. Call `unlink()`
 * when the work ends, however it ends.
 *
 * @example
 * ```ts
 * const link = linkSignals([callerSignal, attempt.signal]);
 * try {
 *   return await client.chat.completions.create(body, { signal: link.signal });
 * } finally {
 *   link.unlink();
 * }
 * ```
 */
export function linkSignals(sources: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const unlink = () => {
    for (const source of sources) source.removeEventListener('abort', onAbort);
  };
  function onAbort(this: AbortSignal) {
    controller.abort(this.reason);
    unlink();
  }
  const aborted = sources.find((source) => source.aborted);
  if (aborted) controller.abort(aborted.reason);
  else for (const source of sources) source.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, unlink };
}
