import { createFakeClock } from '@keel/testing';
import { describe, expect, it, vi } from 'vitest';
import { concurrencyLimit } from './concurrency-limit';
import { ConcurrencyLimitError } from './concurrency-limit-error';

/** A task that finishes when the test says so. */
function gate<T>(value: T) {
  let open: () => void = () => {};
  const promise = new Promise<T>((resolve) => {
    open = () => resolve(value);
  });
  return { task: () => promise, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('concurrencyLimit', () => {
  it('runs at most maxConcurrent at once and the rest in FIFO order', async () => {
    const limit = concurrencyLimit({ maxConcurrent: 2 });
    const gates = [gate('a'), gate('b'), gate('c'), gate('d')];
    const started: string[] = [];
    const results = gates.map((g, i) =>
      limit.execute(() => {
        started.push('abcd'[i] as string);
        return g.task();
      }),
    );
    await tick();
    expect(started).toEqual(['a', 'b']);
    expect([limit.active, limit.queued]).toEqual([2, 2]);
    gates[1]?.open();
    await tick();
    expect(started).toEqual(['a', 'b', 'c']);
    for (const g of gates) g.open();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect([limit.active, limit.queued]).toEqual([0, 0]);
  });

  it('frees the slot when a task fails', async () => {
    const limit = concurrencyLimit({ maxConcurrent: 1 });
    await expect(limit.execute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.execute(() => 'next')).resolves.toBe('next');
    expect(limit.active).toBe(0);
  });

  it('refuses with queue-full past maxQueue', async () => {
    const limit = concurrencyLimit({ maxConcurrent: 1, maxQueue: 1 });
    const onReject = vi.fn();
    limit.onReject(onReject);
    const busy = gate('x');
    const first = limit.execute(busy.task);
    const second = limit.execute(() => 'queued');
    const error = await limit.execute(() => 'refused').catch((e: unknown) => e);
    expect(ConcurrencyLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      reason: 'queue-full',
      message: expect.stringContaining('queue of 1 is full'),
    });
    expect(onReject).toHaveBeenCalledWith({ reason: 'queue-full' });
    busy.open();
    expect(await Promise.all([first, second])).toEqual(['x', 'queued']);
  });

  it('gives up on a queued call after queueTimeoutMs', async () => {
    const clock = createFakeClock();
    const limit = concurrencyLimit({ maxConcurrent: 1, queueTimeoutMs: 500, clock });
    const busy = gate('x');
    const first = limit.execute(busy.task);
    const waiting = limit.execute(() => 'late').catch((e: unknown) => e);
    await clock.advance(500);
    expect(await waiting).toMatchObject({ name: 'ConcurrencyLimitError', reason: 'queue-timeout' });
    expect(limit.queued).toBe(0);
    busy.open();
    await first;
    expect(limit.active).toBe(0);
  });

  it('drops a queued call the moment its caller aborts, and the queue moves on', async () => {
    const limit = concurrencyLimit({ maxConcurrent: 1 });
    const busy = gate('x');
    const first = limit.execute(busy.task);
    const controller = new AbortController();
    const fn = vi.fn(() => 'never');
    const cancelled = limit.execute(fn, { signal: controller.signal });
    const third = limit.execute(() => 'third');
    controller.abort(new Error('gone'));
    await expect(cancelled).rejects.toThrow('gone');
    expect(limit.queued).toBe(1);
    busy.open();
    expect(await Promise.all([first, third])).toEqual(['x', 'third']);
    expect(fn).not.toHaveBeenCalled();
  });

  it('queued calls that return plainly, throw at once, or left the queue all settle and free the slot', async () => {
    const clock = createFakeClock();
    const limit = concurrencyLimit({ maxConcurrent: 1, queueTimeoutMs: 1_000, clock });
    const busy = gate('x');
    const first = limit.execute(busy.task);
    const controller = new AbortController();
    const plain = limit.execute(() => 'plain');
    const aborted = limit.execute(() => 'never', { signal: controller.signal });
    const thrown = limit.execute(() => {
      throw new Error('at once');
    });
    const last = limit.execute(async () => 'last');
    controller.abort(new Error('caller left'));
    expect(limit.queued).toBe(3);
    busy.open();
    const outcomes = await Promise.allSettled([first, plain, aborted, thrown, last]);
    expect(
      outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message)),
    ).toEqual(['x', 'plain', 'caller left', 'at once', 'last']);
    expect([limit.active, limit.queued]).toEqual([0, 0]);
    await clock.advance(1_000); // the timers of calls that started were cleared: nothing fires
    expect(await limit.execute(() => 'after')).toBe('after');
  });

  it('handles many queued tasks in order', async () => {
    const limit = concurrencyLimit({ maxConcurrent: 3 });
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 5_000 }, (_, i) =>
        limit.execute(async () => {
          order.push(i);
          await Promise.resolve();
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(limit.active).toBe(0);
  });

  it.each([[{ maxConcurrent: 0 }], [{ maxConcurrent: 1.5 }], [{ maxConcurrent: 1, maxQueue: -1 }]])(
    'rejects bad options %j',
    (options) => {
      expect(() => concurrencyLimit(options)).toThrow(/must be a whole number/);
    },
  );

  it('rejects a queue timeout a timer cannot wait, saying how to wait without one', () => {
    for (const queueTimeoutMs of [-1, Number.NaN, 2 ** 31]) {
      expect(() => concurrencyLimit({ maxConcurrent: 1, queueTimeoutMs })).toThrow(
        /queueTimeoutMs.*leave it out to wait without a limit/,
      );
    }
  });
});
