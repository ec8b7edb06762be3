/**
 * Runs a promise to completion on a fake clock: whenever timers are pending, fire them all in
 * virtual time; otherwise let real I/O (a loopback HTTP call) make progress.
 */
import type { FakeClock } from '@keel/testing';

export async function drive<T>(promise: Promise<T>, clock: FakeClock): Promise<T> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  while (!done) {
    if (clock.pendingTimers() > 0) await clock.runAll();
    else await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return promise;
}

/** An error shaped like the SDKs' APIError: a status and response headers. */
export function httpError(
  status: number,
  headers: Record<string, string> = {},
): Error & { status: number; headers: Headers } {
  return Object.assign(new Error(`${status} error`), { status, headers: new Headers(headers) });
}
