/**
 * One signal that aborts when any of several does, detached on demand. `AbortSignal.any` is
 * not used for signals handed to an SDK: Node keeps a combined signal that has an `abort`
 * listener alive until it aborts, and the SDKs never remove theirs, so every call would leak
 * its signals (about 2.6 KB each).
 */

/** The linked signal, and the function that detaches it from its sources. */
export interface LinkedSignal {
  signal: AbortSignal;
  unlink(): void;
}

/** Links `sources` into one signal, aborting with the first source's reason. */
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
