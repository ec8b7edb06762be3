/**
 * One signal for "the caller cancelled or the time ran out", with an explicit `clear()` so that
 * neither the timer nor the listener on a long-lived parent signal outlives the work.
 */
import { assertDelay } from './assert-delay';
import { type Clock, systemClock } from './clock';
import { TimeoutError } from './timeout-error';

/** Options for {@link deadlineSignal}. */
export interface DeadlineSignalOptions {
  /** The caller's signal; its abort (and reason) passes through. */
  signal?: AbortSignal;
  /** Milliseconds from now until the returned signal aborts with a {@link TimeoutError}; omit for no deadline. */
  timeoutMs?: number;
  /** Where timers come from; default {@link systemClock}. */
  clock?: Clock;
}

/** What {@link deadlineSignal} returns. */
export interface DeadlineSignal {
  /** Aborts when the caller's signal does (same reason) or when the deadline passes (a {@link TimeoutError}). */
  signal: AbortSignal;
  /** Stops the timer and detaches from the caller's signal. Safe to call more than once. */
  clear(): void;
}

/**
 * Combines a caller's signal with a deadline. Always call `clear()` when the work ends.
 *
 * @throws InvalidArgumentError when `timeoutMs` is negative, not finite or longer than 2^31 - 1.
 * @example
 * ```ts
 * const deadline = deadlineSignal({ signal: request.signal, timeoutMs: 30_000 });
 * try {
 *   return await client.chat.completions.create(body, { signal: deadline.signal });
 * } finally {
 *   deadline.clear();
 * }
 * ```
 */
export function deadlineSignal({
  signal,
  timeoutMs,
  clock = systemClock,
}: DeadlineSignalOptions = {}): DeadlineSignal {
  if (timeoutMs !== undefined) assertDelay('timeoutMs', timeoutMs);
  const controller = new AbortController();
  let handle: unknown;
  let cleared = false;

  const clear = (): void => {
    if (cleared) return;
    cleared = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    signal?.removeEventListener('abort', abortFromCaller);
  };
  function abortFromCaller(): void {
    controller.abort(signal?.reason);
    clear();
  }

  if (signal?.aborted) {
    controller.abort(signal.reason);
    cleared = true;
  } else {
    signal?.addEventListener('abort', abortFromCaller, { once: true });
    if (timeoutMs !== undefined) {
      handle = clock.setTimeout(() => {
        controller.abort(new TimeoutError({ timeoutMs }));
        clear();
      }, timeoutMs);
    }
  }
  return { signal: controller.signal, clear };
}
