/**
 * Deadlines as AbortSignals: a total limit, a limit on the first byte, and a limit on silence
 * between chunks. Cooperative by default: the function gets a signal and is expected to honour
 * it, as the official SDKs and fetch do.
 */
import { type Clock, InvalidArgumentError, systemClock, TimeoutError } from '@keel/core';
import { assertDelay } from '@keel/core/internal';
import { type DeadlineQueue, deadlineQueue, type Expiring } from './deadline-queue';
import { createEvent, type EventChannel, type Subscribe } from './event';
import { type CallContext, LazyAbort, type Policy, passingContext, toContext } from './policy';

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
 * One call under a timeout: the signal its function gets (made only if read), and what happens
 * when one of its deadlines passes. It is its own entry in the total deadline's queue.
 */
class TimeoutCall extends LazyAbort implements Expiring {
  /**
   * One call object kept for the life of the process. V8 forgets the hidden class of objects none
   * of which survive a full GC and deoptimizes the code built for it, so after every full GC calls
   * ran unoptimized until V8 optimized them again (several times slower).
   */
  static kept: TimeoutCall | undefined;
  // Declared only, set in the constructor (see LazyAbort).
  /** Set in aggressive mode: rejects the call at the deadline without waiting for it. */
  declare rejectEarly: ((reason: unknown) => void) | undefined;
  declare deadlineAt: number | undefined;
  declare watch: ProgressWatch | undefined;
  declare readonly totalMs: number | undefined;
  declare readonly timedOut: EventChannel<{ kind: TimeoutKind; timeoutMs: number }>;
  /** The queue of the total deadline, when there is one. */
  declare readonly totals: DeadlineQueue | undefined;

  constructor(
    parent: CallContext,
    totalMs: number | undefined,
    timedOut: EventChannel<{ kind: TimeoutKind; timeoutMs: number }>,
    totals: DeadlineQueue | undefined,
  ) {
    super(parent);
    this.rejectEarly = undefined;
    this.deadlineAt = undefined;
    this.watch = undefined;
    this.totalMs = totalMs;
    this.timedOut = timedOut;
    this.totals = totals;
  }

  /** The total deadline passed. */
  expire(): void {
    this.cut('total', this.totalMs as number);
  }

  cut(kind: TimeoutKind, ms: number): void {
    if (this.aborted) return;
    const error = new TimeoutError({ timeoutMs: ms, message: messages[kind](ms) });
    this.timedOut.emit({ kind, timeoutMs: ms });
    this.abort(error);
  }

  override abort(reason: unknown): void {
    super.abort(reason);
    this.rejectEarly?.(reason);
  }

  /** The call settled: nothing of it fires any more. */
  finish(): void {
    this.totals?.cancel(this);
    this.watch?.stop();
    this.dispose();
  }
}

/**
 * Creates a timeout policy. The function calls `heartbeat()` from its context whenever a byte or
 * chunk arrives; the deadline that passes aborts the signal with a `TimeoutError`. A call cut by
 * a deadline rejects with that `TimeoutError` even if the function then resolves (the openai
 * SDK's stream iterator ends quietly when aborted).
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
    if (value !== undefined) assertDelay(argument, value, { greaterThan: 0 });
  }
  if (totalMs === undefined && firstByteMs === undefined && idleMs === undefined) {
    throw new InvalidArgumentError({
      argument: 'options',
      message: 'timeout() needs at least one of totalMs, firstByteMs, idleMs',
    });
  }
  const timedOut = createEvent<{ kind: TimeoutKind; timeoutMs: number }>();
  const totals = totalMs === undefined ? undefined : deadlineQueue(clock, totalMs);
  TimeoutCall.kept ??= new TimeoutCall(toContext(undefined), totalMs, createEvent(), undefined);

  return passingContext({
    onTimeout: timedOut.on,
    execute(fn, options) {
      const parent = toContext(options);
      if (parent.aborted) return Promise.reject(parent.signal.reason);
      const call = new TimeoutCall(parent, totalMs, timedOut, totals);
      totals?.add(call);
      const watch =
        firstByteMs === undefined && idleMs === undefined
          ? undefined
          : watchProgress(clock, { firstByteMs, idleMs, expire: (kind, ms) => call.cut(kind, ms) });
      call.watch = watch;
      const heartbeat = watch ? () => watch.beat(parent.heartbeat) : parent.heartbeat;
      let run: ReturnType<typeof fn>;
      try {
        run = fn(parent.with(call, undefined, heartbeat));
      } catch (error) {
        run = Promise.reject(error);
      }
      if (aggressive) {
        const early = new Promise<never>((_, reject) => {
          call.rejectEarly = reject;
        });
        call.listen();
        run = Promise.race([run, early]);
      }
      // A call cut by a deadline or its caller rejects with that reason, whatever it returned.
      return Promise.resolve(run).then(
        (result) => {
          call.finish();
          if (call.aborted) throw call.reason;
          return result;
        },
        (error: unknown) => {
          call.finish();
          throw call.aborted ? call.reason : error;
        },
      );
    },
  });
}

/** The first-byte and idle timers of one call. */
interface ProgressWatch {
  beat(parentBeat: () => void): void;
  stop(): void;
}

/**
 * First-byte and idle timers for one call. The idle timer re-arms itself from the last heartbeat
 * when it fires instead of being reset on every chunk.
 */
function watchProgress(
  clock: Clock,
  {
    firstByteMs,
    idleMs,
    expire,
  }: { firstByteMs?: number; idleMs?: number; expire: (kind: TimeoutKind, ms: number) => void },
): ProgressWatch {
  let lastBeat: number | undefined;
  let firstByteTimer: unknown;
  let idleTimer: unknown;
  const armIdle = (ms: number) => {
    const idle = idleMs as number;
    idleTimer = clock.setTimeout(() => {
      const silent = lastBeat === undefined ? idle : clock.now() - lastBeat;
      if (silent >= idle) expire('idle', idle);
      else armIdle(idle - silent);
    }, ms);
  };
  if (firstByteMs !== undefined)
    firstByteTimer = clock.setTimeout(() => expire('first-byte', firstByteMs), firstByteMs);
  else armIdle(idleMs as number);
  return {
    beat(parentBeat: () => void) {
      parentBeat();
      if (lastBeat === undefined && firstByteTimer !== undefined) {
        clock.clearTimeout(firstByteTimer);
        if (idleMs !== undefined) armIdle(idleMs);
      }
      lastBeat = clock.now();
    },
    stop() {
      if (firstByteTimer !== undefined) clock.clearTimeout(firstByteTimer);
      if (idleTimer !== undefined) clock.clearTimeout(idleTimer);
    },
  };
}
