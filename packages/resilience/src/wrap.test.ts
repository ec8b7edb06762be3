import { TimeoutError } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { drive, httpError } from '../test/drive';
import { circuitBreaker } from './circuit-breaker';
import { concurrencyLimit } from './concurrency-limit';
import type { Policy, PolicyContext } from './policy';
import { retry } from './retry';
import { timeout } from './timeout';
import { wrap } from './wrap';

describe('wrap', () => {
  it('runs the function inside every policy, outermost first, passing the context down', async () => {
    const clock = createFakeClock();
    const seen: Array<Pick<PolicyContext, 'attempt'> & { hasKey: boolean }> = [];
    const failures = [httpError(503)];
    const policy = wrap(
      retry({ clock }),
      circuitBreaker({ clock }),
      timeout({ totalMs: 1_000, clock }),
    );
    const result = await drive(
      policy.execute(async ({ attempt, idempotencyKey }) => {
        seen.push({ attempt, hasKey: typeof idempotencyKey === 'string' });
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      }),
      clock,
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([
      { attempt: 1, hasKey: true },
      { attempt: 2, hasKey: true },
    ]);
  });

  it('retries each attempt that an inner timeout cut, with a fresh deadline per attempt', async () => {
    const clock = createFakeClock();
    const attempts: number[] = [];
    const policy = wrap(retry({ maxAttempts: 3, clock }), timeout({ totalMs: 100, clock }));
    const error = await drive(
      policy.execute(({ signal, attempt }) => {
        attempts.push(attempt);
        return new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      }),
      clock,
    ).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('a breaker inside a retry counts every attempt; once open, retries wait its Retry-After', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({
      strategy: { consecutiveFailures: 2 },
      halfOpenAfterMs: 2_000,
      clock,
    });
    const policy = wrap(
      retry({ maxAttempts: 4, baseDelayMs: 10, clock, random: () => 0 }),
      breaker,
    );
    let upstream = 0;
    const result = await drive(
      policy.execute(async () => {
        upstream++;
        if (upstream <= 2) throw httpError(503);
        return 'recovered';
      }),
      clock,
    );
    expect(result).toBe('recovered');
    expect(upstream).toBe(3); // the third attempt was refused by the open breaker without a call
    expect(breaker.state).toBe('closed');
    expect(clock.now()).toBeGreaterThanOrEqual(2_000);
  });

  it('composes a concurrency limit', async () => {
    const limit = concurrencyLimit({ maxConcurrent: 1 });
    const policy = wrap(retry(), limit);
    const results = await Promise.all([policy.execute(() => 'a'), policy.execute(() => 'b')]);
    expect(results).toEqual(['a', 'b']);
  });

  it('with no policies, just runs the function', async () => {
    expect(await wrap().execute(({ attempt }) => attempt)).toBe(1);
  });

  it('runs the right function when wraps nest, inside a wrapped function or as one of its policies', async () => {
    const inner = wrap(retry(), circuitBreaker());
    const outer = wrap(
      retry(),
      timeout({ totalMs: 60_000 }),
      concurrencyLimit({ maxConcurrent: 2 }),
    );
    const nestedCall = await outer.execute(async (context) => {
      const innerResult = await inner.execute(async ({ attempt }) => `inner ${attempt}`, context);
      return `${innerResult}, outer ${context.attempt}`;
    });
    expect(nestedCall).toBe('inner 1, outer 1');
    const nestedPolicy = wrap(retry(), inner, timeout({ totalMs: 60_000 }));
    expect(await nestedPolicy.execute(async ({ attempt }) => `attempt ${attempt}`)).toBe(
      'attempt 1',
    );
  });

  it('composes a policy of its own that hands its function a context it built', async () => {
    const tagged: Policy = {
      execute: (fn, options) => Promise.resolve(fn({ ...options, attempt: 7 } as PolicyContext)),
    };
    const policy = wrap(retry(), tagged, circuitBreaker(), timeout({ totalMs: 60_000 }));
    expect(await policy.execute(async ({ attempt }) => attempt)).toBe(7);
  });
});
