import { deadlineSignal, InvalidArgumentError, sleep } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from './fake-clock';

describe('createFakeClock', () => {
  it('moves time only on advance, firing due timers in order', async () => {
    const clock = createFakeClock({ now: 1_000 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b'), 200);
    clock.setTimeout(() => fired.push('a'), 100);
    clock.setTimeout(() => fired.push('c'), 300);
    await clock.advance(250);
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(1_250);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('lets async code that sleeps in a loop advance with it', async () => {
    const clock = createFakeClock();
    const stamps: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(100, { clock });
        stamps.push(clock.now());
      }
    })();
    await clock.advance(300);
    await loop;
    expect(stamps).toEqual([100, 200, 300]);
  });

  it("drives @keel/core's deadlineSignal", async () => {
    const clock = createFakeClock();
    const { signal } = deadlineSignal({ timeoutMs: 50, clock });
    await clock.advance(49);
    expect(signal.aborted).toBe(false);
    await clock.advance(1);
    expect(signal.reason).toMatchObject({ name: 'TimeoutError', timeoutMs: 50 });
  });

  it('runAll() fires everything, and refuses timers that reschedule forever', async () => {
    const clock = createFakeClock({ maxTimers: 50 });
    let count = 0;
    clock.setTimeout(() => count++, 10);
    clock.setTimeout(() => count++, 5_000);
    await clock.runAll();
    expect(count).toBe(2);
    expect(clock.now()).toBe(5_000);
    const forever = () => clock.setTimeout(forever, 1);
    forever();
    await expect(clock.runAll()).rejects.toThrow(/runAll\(\) fired 50 timers and more keep coming/);
  });

  it('clearTimeout cancels; advance refuses negative time', async () => {
    const clock = createFakeClock();
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 10);
    clock.clearTimeout(handle);
    await clock.advance(20);
    expect(fired).toBe(false);
    await expect(clock.advance(-1)).rejects.toThrow(InvalidArgumentError);
  });
});
