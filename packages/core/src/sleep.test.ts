import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/manual-clock';
import { InvalidArgumentError } from './invalid-argument-error';
import { sleep } from './sleep';

describe('sleep', () => {
  it('resolves once the clock reaches the delay, not before', async () => {
    const clock = manualClock();
    let done = false;
    const sleeping = sleep(100, { clock }).then(() => {
      done = true;
    });
    clock.advance(99);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(1);
    await sleeping;
    expect(done).toBe(true);
  });

  it('rejects with the abort reason and clears its timer when the signal aborts', async () => {
    const clock = manualClock();
    const controller = new AbortController();
    const sleeping = sleep(1_000, { clock, signal: controller.signal });
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.pending()).toBe(0);
  });

  it('rejects at once when the signal has already aborted', async () => {
    const clock = manualClock();
    await expect(sleep(10, { clock, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(clock.pending()).toBe(0);
  });

  it('works with the real clock', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '5' as unknown as number])(
    'refuses a delay of %s with a typed error naming the argument',
    (ms) => {
      expect(() => sleep(ms)).toThrow(InvalidArgumentError);
      expect(() => sleep(ms)).toThrow(/ms must be a finite number of milliseconds/);
    },
  );
});
