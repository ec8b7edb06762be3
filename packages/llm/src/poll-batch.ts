/**
 * Waiting for a batch to end: status checks spaced by decorrelated-jitter backoff from
 * @keel/resilience, each check retried by its retry policy, every wait abortable.
 */
import { type Clock, sleep } from '@keel/core';
import { backoffDelay, type Policy } from '@keel/resilience';

/** How a batch client waits for a batch. */
export interface BatchPolling {
  /** The first wait between status checks; default 5 s. */
  firstDelayMs?: number;
  /** The longest wait between status checks; default 60 s. */
  maxDelayMs?: number;
}

/** What {@link pollBatch} needs. */
export interface PollOptions extends BatchPolling {
  /** Wraps each status check (a retry policy: a failed check is retried, not the batch). */
  policy: Policy;
  clock: Clock;
  random: () => number;
  signal?: AbortSignal;
}

/**
 * One batch API call under `policy`. An abort rejects with the signal's reason, whether it came
 * between attempts or cut a request short (the SDK reports that as its own abort error).
 */
export async function batchCall<T>(
  policy: Policy,
  call: (signal: AbortSignal) => Promise<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  try {
    return await policy.execute(({ signal: attempt }) => call(attempt), { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

/**
 * Checks with `check` until `ended` says the batch has ended, and returns that status.
 *
 * @throws the signal's reason when it aborts, the check's error once its policy gives up.
 */
export async function pollBatch<Status>(
  check: (signal: AbortSignal) => Promise<Status>,
  ended: (status: Status) => boolean,
  { policy, clock, random, signal, firstDelayMs = 5_000, maxDelayMs = 60_000 }: PollOptions,
): Promise<Status> {
  let previousMs = firstDelayMs;
  for (let round = 1; ; round++) {
    signal?.throwIfAborted();
    const status = await batchCall(policy, check, signal);
    if (ended(status)) return status;
    previousMs = backoffDelay('decorrelated', {
      retry: round,
      previousMs,
      baseMs: firstDelayMs,
      maxMs: maxDelayMs,
      random,
    });
    await sleep(previousMs, { signal, clock });
  }
}
