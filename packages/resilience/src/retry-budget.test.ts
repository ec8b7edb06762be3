import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { drive, httpError } from '../test/drive';
import { retry } from './retry';
import { retryBudget } from './retry-budget';

describe('retryBudget', () => {
  it('allows ratio x requests plus the floor within the window', () => {
    const clock = createFakeClock();
    const budget = retryBudget({ ratio: 0.2, minRetriesPerSecond: 1, windowMs: 10_000, clock });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(30); // 100 * 0.2 + 1 * 10 s
    expect(budget.snapshot()).toEqual({ requests: 100, retries: 30, allowed: 30 });
  });

  it('forgets requests and retries that left the window', async () => {
    const clock = createFakeClock();
    const budget = retryBudget({ ratio: 0.5, minRetriesPerSecond: 0, windowMs: 2_000, clock });
    for (let i = 0; i < 4; i++) budget.recordRequest();
    expect(budget.tryRetry()).toBe(true);
    await clock.advance(2_000);
    expect(budget.snapshot()).toEqual({ requests: 0, retries: 0, allowed: 0 });
    expect(budget.tryRetry()).toBe(false);
  });

  it('keeps upstream attempts within 1.2x of logical requests under a sustained total outage', async () => {
    const clock = createFakeClock();
    const budget = retryBudget({ clock }); // defaults: 10 percent, 1 per second, 10 s window
    const policy = retry({ maxAttempts: 5, baseDelayMs: 10, budget, clock });
    let upstream = 0;
    const down = async () => {
      upstream++;
      throw httpError(503);
    };
    const requests = 2_000;
    for (let second = 0; second < 20; second++) {
      const calls = Array.from({ length: requests / 20 }, () =>
        policy.execute(down).catch(() => undefined),
      );
      await drive(Promise.all(calls), clock);
      await clock.advance(1_000 - (clock.now() % 1_000));
    }
    expect(upstream / requests).toBeLessThanOrEqual(1.2);
    expect(upstream).toBeGreaterThan(requests); // some retries were still allowed
  });

  it.each([[{ ratio: -1 }], [{ minRetriesPerSecond: Number.NaN }], [{ windowMs: 10 }]])(
    'rejects bad options %j',
    (options) => {
      expect(() => retryBudget(options)).toThrow(/must be/);
    },
  );
});
