import { createFakeClock } from '@keel/testing';
import { describe, expect, it, vi } from 'vitest';
import { keyed } from './keyed';
import { RateLimitExceededError } from './rate-limit-exceeded-error';
import { rateLimiter } from './rate-limiter';

describe('rateLimiter', () => {
  it('admits a burst up to the per-minute capacity, then paces by the refill rate', async () => {
    const clock = createFakeClock();
    const limiter = rateLimiter({ requestsPerMinute: 60, clock });
    for (let i = 0; i < 60; i++) await limiter.acquire();
    let admittedAt = -1;
    const next = limiter.acquire().then(() => {
      admittedAt = clock.now();
    });
    await clock.advance(999);
    expect(admittedAt).toBe(-1);
    await clock.advance(1);
    await next;
    expect(admittedAt).toBe(1_000); // one request a second
  });

  it('charges estimated tokens and settles the difference with the real count', async () => {
    const clock = createFakeClock();
    const limiter = rateLimiter({ tokensPerMinute: 10_000, clock });
    const permit = await limiter.acquire({ tokens: 8_000 });
    expect(limiter.available().tokens).toBe(2_000);
    permit.settle(3_000); // estimated 8k, used 3k: refund 5k
    expect(limiter.available().tokens).toBe(7_000);
    permit.settle(0); // settling twice changes nothing
    expect(limiter.available().tokens).toBe(7_000);
    const under = await limiter.acquire({ tokens: 1_000 });
    under.settle(4_000); // under-estimated: the extra is charged
    expect(limiter.available().tokens).toBe(3_000);
  });

  it('a refund admits a waiting call at once', async () => {
    const clock = createFakeClock();
    const limiter = rateLimiter({ tokensPerMinute: 6_000, clock });
    const big = await limiter.acquire({ tokens: 6_000 });
    let admitted = false;
    const waiting = limiter.acquire({ tokens: 2_000 }).then(() => {
      admitted = true;
    });
    await clock.advance(0);
    expect(admitted).toBe(false);
    big.settle(1_000);
    await waiting;
    expect(clock.now()).toBe(0);
  });

  it('serves waiters first come, first served; a small newcomer does not overtake', async () => {
    const clock = createFakeClock();
    const limiter = rateLimiter({ tokensPerMinute: 600, clock }); // 10 tokens a second
    await limiter.acquire({ tokens: 600 });
    const order: string[] = [];
    const large = limiter.acquire({ tokens: 300 }).then(() => order.push('large'));
    const small = limiter.acquire({ tokens: 10 }).then(() => order.push('small'));
    await clock.advance(31_000);
    await Promise.all([large, small]);
    expect(order).toEqual(['large', 'small']);
  });

  it('refuses a call that would wait longer than maxWaitMs, saying when it would fit', async () => {
    const clock = createFakeClock();
    const limiter = rateLimiter({ requestsPerMinute: 6, maxWaitMs: 5_000, clock });
    const onReject = vi.fn();
    limiter.onReject(onReject);
    for (let i = 0; i < 6; i++) await limiter.acquire();
    const error = await limiter.acquire().catch((e: unknown) => e);
    expect(RateLimitExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 10_000 });
    expect(onReject).toHaveBeenCalledWith({ retryAfterMs: 10_000 });
  });

  it('drops a waiting call when its caller aborts', async () => {
    const clock = createFakeClock();
    const limiter = rateLimiter({ requestsPerMinute: 60, clock });
    for (let i = 0; i < 60; i++) await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire({}, { signal: controller.signal });
    const after = limiter.acquire();
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    await clock.advance(1_000);
    await after;
    expect(clock.pendingTimers()).toBe(0);
  });

  it('keeps tenants apart when keyed', async () => {
    const clock = createFakeClock();
    const perTenant = keyed(() => rateLimiter({ tokensPerMinute: 1_000, maxWaitMs: 0, clock }));
    await perTenant.get('noisy').acquire({ tokens: 1_000 });
    await expect(perTenant.get('noisy').acquire({ tokens: 1 })).rejects.toMatchObject({
      name: 'RateLimitExceededError',
    });
    await expect(perTenant.get('quiet').acquire({ tokens: 900 })).resolves.toBeDefined();
  });

  it('runs a function as a policy, one request each', async () => {
    const clock = createFakeClock();
    const limiter = rateLimiter({ requestsPerMinute: 2, clock });
    expect(await limiter.execute(() => 'a')).toBe('a');
    expect(await limiter.execute(() => 'b')).toBe('b');
    expect(limiter.available().requests).toBe(0);
  });

  it('rejects costs that can never fit and bad settlements with typed errors', async () => {
    const limiter = rateLimiter({ tokensPerMinute: 1_000 });
    await expect(limiter.acquire({ tokens: 1_001 })).rejects.toThrow(
      /A call of 1001 tokens can never fit tokensPerMinute 1000/,
    );
    await expect(limiter.acquire({ tokens: -1 })).rejects.toThrow(
      /tokens must be a finite number >= 0/,
    );
    await expect(limiter.acquire({ tokens: Number.NaN })).rejects.toThrow(
      /tokens must be a finite number >= 0/,
    );
    const permit = await limiter.acquire({ tokens: 10 });
    expect(() => permit.settle(-5)).toThrow(/actualTokens must be a finite number >= 0/);
    expect(() => rateLimiter({})).toThrow(/needs requestsPerMinute, tokensPerMinute or both/);
    expect(() => rateLimiter({ requestsPerMinute: 0 })).toThrow(
      /requestsPerMinute must be a finite number > 0/,
    );
  });
});
