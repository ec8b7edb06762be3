/**
 * An abortable sleep: the wait every retry and backoff is made of.
 */
import { assertDelay } from './assert-delay';
import { type Clock, systemClock } from './clock';

/** Options for {@link sleep}. */
export interface SleepOptions {
  /** Rejects the sleep with the signal's reason as soon as it aborts. */
  signal?: AbortSignal;
  /** Where timers come from; default {@link systemClock}. */
  clock?: Clock;
}

/**
 * Resolves after `ms` milliseconds, or rejects with `signal.reason` the moment the signal
 * aborts (at once if it already has). The timer is cleared on abort, so nothing lingers.
 *
 * @throws InvalidArgumentError when `ms` is negative, not finite or longer than 2^31 - 1.
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 50);
 * await sleep(10_000, { signal: controller.signal }); // rejects after ~50 ms with an AbortError
 * ```
 */
export function sleep(
  ms: number,
  { signal, clock = systemClock }: SleepOptions = {},
): Promise<void> {
  assertDelay('ms', ms);
  return new Promise<void>(function executeSleep(resolve, reject) {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
