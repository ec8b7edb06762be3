import { sleep, TimeoutError } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker';
import { concurrencyLimit } from './concurrency-limit';
import type { PolicyContext } from './policy';
import { retry } from './retry';
import { timeout } from './timeout';
import { wrap } from './wrap';

// Counts the AbortControllers made while a test runs: the policies make one only for a signal
// that is read and can abort (creating one costs microseconds in Node).
const RealAbortController = globalThis.AbortController;
let made = 0;
beforeEach(() => {
  made = 0;
  globalThis.AbortController = class CountingAbortController extends RealAbortController {
    constructor() {
      super();
      made++;
    }
  };
});
afterEach(() => {
  globalThis.AbortController = RealAbortController;
});

/** Reads the signal and settles when it aborts, with its reason. */
const untilAborted = ({ signal }: PolicyContext) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

describe('the signal a policy hands its function', () => {
  it('is made by no policy when nothing can abort the call, even when the function reads it', async () => {
    const policy = wrap(retry(), circuitBreaker(), concurrencyLimit({ maxConcurrent: 2 }));
    const seen: AbortSignal[] = [];
    await Promise.all([1, 2, 3].map(() => policy.execute(({ signal }) => seen.push(signal))));
    expect(seen.every((signal) => !signal.aborted)).toBe(true);
    expect(made).toBe(0);
  });

  it("is the caller's own signal when only the caller can abort", async () => {
    const caller = new RealAbortController();
    const policy = wrap(retry(), circuitBreaker(), concurrencyLimit({ maxConcurrent: 2 }));
    const seen = await policy.execute(({ signal }) => signal, { signal: caller.signal });
    expect(seen).toBe(caller.signal);
    expect(made).toBe(0);
  });

  it('is not made under a timeout or a retry deadline when the function never reads it', async () => {
    const clock = createFakeClock();
    const policy = wrap(
      retry({ deadlineMs: 10_000, clock }),
      timeout({ totalMs: 1_000, firstByteMs: 500, idleMs: 500, clock }),
    );
    const caller = new RealAbortController();
    expect(await policy.execute(() => 'ok', { signal: caller.signal })).toBe('ok');
    expect(await policy.execute(async () => 'ok')).toBe('ok');
    expect(made).toBe(0);
  });

  it('made when read, aborts when the timeout fires', async () => {
    const clock = createFakeClock();
    const outcome = timeout({ totalMs: 500, clock })
      .execute(untilAborted)
      .catch((e: unknown) => e);
    await clock.advance(500);
    const error = await outcome;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(made).toBe(1);
  });

  it('first read after the timeout fired, is already aborted with the timeout', async () => {
    const clock = createFakeClock();
    let read: AbortSignal | undefined;
    const outcome = timeout({ totalMs: 500, clock })
      .execute(async (context) => {
        await sleep(600, { clock });
        read = context.signal;
        return 'late';
      })
      .catch((e: unknown) => e);
    await clock.advance(600);
    const error = await outcome;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(read?.aborted).toBe(true);
    expect(read?.reason).toBe(error);
  });

  it('made when read, aborts when the caller aborts, and when read after that is already aborted', async () => {
    const clock = createFakeClock();
    const policy = wrap(retry({ deadlineMs: 60_000, clock }), timeout({ totalMs: 60_000, clock }));
    const caller = new RealAbortController();
    const waiting = policy.execute(untilAborted, { signal: caller.signal });
    let late: AbortSignal | undefined;
    const reading = policy
      .execute(
        async (context) => {
          await sleep(10, { clock });
          late = context.signal;
          return 'finished';
        },
        { signal: caller.signal },
      )
      .catch((e: unknown) => e);
    caller.abort(new Error('caller left'));
    await expect(waiting).rejects.toThrow('caller left');
    await clock.advance(10);
    expect(((await reading) as Error).message).toBe('caller left');
    expect(late?.aborted).toBe(true);
    expect(late?.reason).toMatchObject({ message: 'caller left' });
  });

  it('under a retry deadline alone, made when read and aborted at the deadline', async () => {
    const clock = createFakeClock();
    const outcome = retry({ deadlineMs: 300, clock })
      .execute(untilAborted)
      .catch((e: unknown) => e);
    await clock.advance(300);
    const error = await outcome;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(made).toBe(1);
  });

  it('lets an aggressive timeout reject at once when the caller aborts a function that ignores it', async () => {
    const clock = createFakeClock();
    const caller = new RealAbortController();
    const running = timeout({ totalMs: 60_000, aggressive: true, clock }).execute(
      ({ signal }) => {
        void signal; // read, then ignored
        return new Promise(() => {});
      },
      { signal: caller.signal },
    );
    caller.abort(new Error('caller left'));
    await expect(running).rejects.toThrow('caller left');
  });
});
