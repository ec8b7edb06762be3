/**
 * Deadlines as AbortSignals: a total limit, a limit on the first byte, and a limit on silence
 * between chunks. Cooperative by default: the function gets a signal and is expected to honour
 * it, as the official SDKs and fetch do.
 */
import { type Clock, InvalidArgumentError, systemClock, TimeoutError } from '@keel/core';
import { createEvent, type Subscribe } from './event';
import { type Policy, toContext } from './policy';

/** Options of {@link timeout}. */
export interface TimeoutOptions {
  /** The whole call. */
  totalMs?: number;
  /** Until the first `heartbeat()` (first byte or chunk). */
  firstByteMs?: number;
  /** Between two `heartbeat()`s (and until the first, when `firstByteMs` is not set). */
  idleMs?: number;
  /**
   * Reject at the deadline even if the function ignores its signal (it keeps running in the
   * background). Default false: wait for the function to stop, then reject with the timeout.
   */
  aggressive?: boolean;
  clock?: Clock;
}

/** Which deadline passed. */
export type TimeoutKind = 'total' | 'first-byte' | 'idle';

/** A timeout policy. */
export interface TimeoutPolicy extends Policy {
  onTimeout: Subscribe<{ kind: TimeoutKind; timeoutMs: number }>;
}

const messages: Record<TimeoutKind, (ms: number) => string> = {
  total: (ms) => `The call took longer than ${ms} ms; raise totalMs or ask for less output`,
  'first-byte': (ms) =>
    `No first byte within ${ms} ms; the provider may be overloaded, retry or fall back`,
  idle: (ms) => `The stream went silent for ${ms} ms; it stalled, retry or fall back`,
};

/**
 * Creates a timeout policy. The function calls `heartbeat()` from its context whenever a byte or
 * chunk arrives; the deadline that passes aborts the signal with a `TimeoutError`.
 *
 * @example
 * ```ts
 * const policy = timeout({ totalMs: 120_000, firstByteMs: 10_000, idleMs: 15_000 });
 * await policy.execute(async ({ signal, heartbeat }) => {
 *   const stream = await openai.chat.completions.create({ ...body, stream: true }, { signal });
 *   for await (const chunk of stream) { heartbeat(); render(chunk); }
 * });
 * ```
 */
export function timeout({
  totalMs,
  firstByteMs,
  idleMs,
  aggressive = false,
  clock = systemClock,
}: TimeoutOptions): TimeoutPolicy {
  for (const [argument, value] of Object.entries({ totalMs, firstByteMs, idleMs })) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0 && value <= 2_147_483_647)) {
      throw new InvalidArgumentError({
        argument,
        message: `${argument} must be a number of milliseconds from 1 to 2147483647, got ${value}`,
      });
    }
  }
  if (totalMs === undefined && firstByteMs === undefined && idleMs === undefined) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: 'timeout() needs at least one of totalMs, firstByteMs, idleMs',
    });
  }
  const timedOut = createEvent<{ kind: TimeoutKind; timeoutMs: number }>();

  return {
    onTimeout: timedOut.on,
    async execute(fn, options) {
      const parent = toContext(options);
      parent.signal.throwIfAborted();
      const controller = new AbortController();
      const timers: unknown[] = [];
      let lastBeat: number | undefined;
      let rejectEarly: ((reason: unknown) => void) | undefined;

      const expire = (kind: TimeoutKind, ms: number) => {
        if (controller.signal.aborted) return;
        const error = new TimeoutError({ timeoutMs: ms, message: messages[kind](ms) });
        timedOut.emit({ kind, timeoutMs: ms });
        controller.abort(error);
        rejectEarly?.(error);
      };
      const arm = (kind: TimeoutKind, ms: number, onFire: () => void = () => expire(kind, ms)) => {
        timers.push(clock.setTimeout(onFire, ms));
      };
      // The idle timer re-arms itself lazily from the last heartbeat instead of on every chunk.
      const armIdle = (ms: number) => {
        const idle = idleMs as number;
        arm('idle', ms, () => {
          const silent = lastBeat === undefined ? idle : clock.now() - lastBeat;
          if (silent >= idle) expire('idle', idle);
          else armIdle(idle - silent);
        });
      };
      const onParentAbort = () => {
        controller.abort(parent.signal.reason);
        rejectEarly?.(parent.signal.reason);
      };
      parent.signal.addEventListener('abort', onParentAbort, { once: true });
      if (totalMs !== undefined) arm('total', totalMs);
      if (firstByteMs !== undefined) arm('first-byte', firstByteMs);
      else if (idleMs !== undefined) armIdle(idleMs);

      const heartbeat = () => {
        parent.heartbeat();
        if (lastBeat === undefined && firstByteMs !== undefined) {
          clock.clearTimeout(timers[totalMs === undefined ? 0 : 1]);
          if (idleMs !== undefined) armIdle(idleMs);
        }
        lastBeat = clock.now();
      };
      try {
        const run = Promise.resolve(fn({ ...parent, signal: controller.signal, heartbeat }));
        const result = aggressive
          ? await Promise.race([
              run,
              new Promise<never>((_, reject) => {
                rejectEarly = reject;
              }),
            ])
          : await run;
        // Some callees end quietly when aborted (the openai SDK's stream iterator does): a call
        // cut by a deadline is a timeout even if it then resolves.
        if (controller.signal.aborted) throw controller.signal.reason;
        return result;
      } catch (error) {
        throw controller.signal.aborted ? controller.signal.reason : error;
      } finally {
        for (const handle of timers) clock.clearTimeout(handle);
        parent.signal.removeEventListener('abort', onParentAbort);
      }
    },
  };
}
