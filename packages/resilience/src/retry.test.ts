import { TimeoutError } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import OpenAI from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { drive, httpError } from '../test/drive';
import { useMockProvider } from '../test/provider';
import { retry } from './retry';
import { retryBudget } from './retry-budget';

/** A function failing with `errors` in turn, then answering 'ok'; counts its calls. */
function flaky(...errors: unknown[]) {
  const fn = vi.fn(async () => {
    const next = errors.shift();
    if (next !== undefined) throw next;
    return 'ok';
  });
  return fn;
}

describe('retry', () => {
  it('retries retryable failures with full-jitter exponential backoff, then succeeds', async () => {
    const clock = createFakeClock();
    const policy = retry({
      maxAttempts: 4,
      baseDelayMs: 100,
      maxDelayMs: 10_000,
      clock,
      random: () => 0.5,
    });
    const delays: number[] = [];
    policy.onRetry(({ delayMs }) => delays.push(delayMs));
    const fn = flaky(httpError(503), httpError(502), httpError(500));
    expect(await drive(policy.execute(fn), clock)).toBe('ok');
    expect(fn).toHaveBeenCalledTimes(4);
    expect(delays).toEqual([50, 100, 200]); // 0.5 * 100 * 2^(n-1)
    expect(clock.now()).toBe(350);
  });

  it('caps backoff at maxDelayMs, and decorrelated jitter stays within [base, min(cap, 3 * previous)]', async () => {
    const clock = createFakeClock();
    const full = retry({
      maxAttempts: 6,
      baseDelayMs: 1_000,
      maxDelayMs: 3_000,
      clock,
      random: () => 0.999,
    });
    const fullDelays: number[] = [];
    full.onRetry(({ delayMs }) => fullDelays.push(Math.round(delayMs)));
    await drive(full.execute(flaky(...Array(5).fill(httpError(500)))), clock);
    expect(fullDelays).toEqual([999, 1998, 2997, 2997, 2997]);

    const decorrelated = retry({
      maxAttempts: 6,
      backoff: 'decorrelated',
      baseDelayMs: 100,
      maxDelayMs: 5_000,
      clock,
      random: () => 1,
    });
    const decorrelatedDelays: number[] = [];
    decorrelated.onRetry(({ delayMs }) => decorrelatedDelays.push(delayMs));
    await drive(decorrelated.execute(flaky(...Array(5).fill(httpError(500)))), clock);
    expect(decorrelatedDelays).toEqual([300, 900, 2700, 5000, 5000]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const clock = createFakeClock();
    const policy = retry({ maxAttempts: 3, clock });
    const gaveUp = vi.fn();
    policy.onGiveUp(gaveUp);
    const last = httpError(503);
    const fn = flaky(httpError(500), httpError(502), last);
    await expect(drive(policy.execute(fn), clock)).rejects.toBe(last);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(gaveUp).toHaveBeenCalledWith({ attempts: 3, error: last, reason: 'max-attempts' });
  });

  it('never retries fatal errors or aborts', async () => {
    const clock = createFakeClock();
    const policy = retry({ clock });
    const notFound = httpError(404);
    const fn = flaky(notFound);
    await expect(policy.execute(fn)).rejects.toBe(notFound);
    expect(fn).toHaveBeenCalledTimes(1);
    const aborted = new DOMException('stop', 'AbortError');
    const abortFn = flaky(aborted);
    await expect(policy.execute(abortFn)).rejects.toBe(aborted);
    expect(abortFn).toHaveBeenCalledTimes(1);
  });

  it('stops at once when the caller aborts during the backoff wait', async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const policy = retry({ maxAttempts: 5, baseDelayMs: 10_000, clock, random: () => 1 });
    const fn = flaky(httpError(500), httpError(500));
    const running = policy.execute(fn, { signal: controller.signal });
    await vi.waitFor(() => expect(clock.pendingTimers()).toBe(1), { timeout: 30_000 });
    controller.abort(new Error('user left'));
    await expect(running).rejects.toThrow('user left');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('does not start when the signal is already aborted', async () => {
    const fn = vi.fn(async () => 'x');
    await expect(retry().execute(fn, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(fn).not.toHaveBeenCalled();
  });

  describe('Retry-After', () => {
    it.each([
      [{ 'retry-after': '2' }, 2_000],
      [{ 'retry-after-ms': '1500' }, 1_500],
      [{ 'retry-after': 'Thu, 01 Jan 1970 00:00:07 GMT' }, 7_000],
      [{ 'retry-after': 'Thu, 01 Jan 1970 00:00:00 GMT' }, 0],
    ])('waits exactly what %j asks instead of backoff', async (headers, wait) => {
      const clock = createFakeClock();
      const policy = retry({ clock, random: () => 1 });
      const events: unknown[] = [];
      policy.onRetry(({ delayMs, serverRequested, classification }) =>
        events.push({ delayMs, serverRequested, classification }),
      );
      expect(await drive(policy.execute(flaky(httpError(429, headers))), clock)).toBe('ok');
      expect(events).toEqual([
        { delayMs: wait, serverRequested: true, classification: 'rate-limited' },
      ]);
      expect(clock.now()).toBe(wait);
    });

    it.each([[{ 'retry-after': '-3' }], [{ 'retry-after': 'garbage' }]])(
      'falls back to backoff for %j',
      async (headers) => {
        const clock = createFakeClock();
        const policy = retry({ baseDelayMs: 100, clock, random: () => 1 });
        const delays: number[] = [];
        policy.onRetry(({ delayMs }) => delays.push(delayMs));
        await drive(policy.execute(flaky(httpError(429, headers))), clock);
        expect(delays).toEqual([100]);
      },
    );

    it('gives up at once on retry-after: 3600 rather than sleeping an hour', async () => {
      const clock = createFakeClock();
      const policy = retry({ clock });
      const gaveUp = vi.fn();
      policy.onGiveUp(gaveUp);
      const error = httpError(429, { 'retry-after': '3600' });
      await expect(policy.execute(flaky(error))).rejects.toBe(error);
      expect(gaveUp).toHaveBeenCalledWith(
        expect.objectContaining({ reason: 'retry-after-too-long' }),
      );
      expect(clock.now()).toBe(0);
    });

    it('fails now with the last error when the wait does not fit the deadline', async () => {
      const clock = createFakeClock();
      const policy = retry({ deadlineMs: 5_000, clock });
      const gaveUp = vi.fn();
      policy.onGiveUp(gaveUp);
      const error = httpError(503, { 'retry-after': '10' });
      await expect(policy.execute(flaky(error))).rejects.toBe(error);
      expect(gaveUp).toHaveBeenCalledWith(expect.objectContaining({ reason: 'deadline' }));
      expect(clock.now()).toBe(0);
    });
  });

  it('cancels an attempt at the deadline and reports a TimeoutError caused by it', async () => {
    const clock = createFakeClock();
    const policy = retry({ deadlineMs: 1_000, clock });
    const hanging = ({ signal }: { signal: AbortSignal }) =>
      new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    const error = await drive(policy.execute(hanging), clock).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ timeoutMs: 1_000, cause: { name: 'AbortError' } });
    expect(clock.now()).toBe(1_000);
  });

  it('never sleeps past the deadline across several attempts', async () => {
    const clock = createFakeClock();
    const policy = retry({
      maxAttempts: 100,
      baseDelayMs: 400,
      maxDelayMs: 400,
      deadlineMs: 2_000,
      clock,
      random: () => 1,
    });
    let gaveUpAt = -1;
    policy.onGiveUp(({ reason }) => {
      expect(reason).toBe('deadline');
      gaveUpAt = clock.now();
    });
    const fn = flaky(...Array(100).fill(httpError(500)));
    await expect(drive(policy.execute(fn), clock)).rejects.toMatchObject({ status: 500 });
    expect(gaveUpAt).toBe(1_600); // attempts at 0, 400, 800, 1200, 1600; the next wait would end at 2000
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it('passes the attempt number and one idempotency key for all attempts', async () => {
    const clock = createFakeClock();
    const seen: Array<[number, string | undefined]> = [];
    const errors = [httpError(500), httpError(500)];
    await drive(
      retry({ clock }).execute(async ({ attempt, idempotencyKey }) => {
        seen.push([attempt, idempotencyKey]);
        const error = errors.shift();
        if (error) throw error;
        return 'ok';
      }),
      clock,
    );
    expect(seen.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(new Set(seen.map(([, key]) => key)).size).toBe(1);
    expect(seen[0]?.[1]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('stops when the shared budget is spent', async () => {
    const clock = createFakeClock();
    const budget = retryBudget({ ratio: 0, minRetriesPerSecond: 0.1, windowMs: 10_000, clock });
    const policy = retry({ budget, clock });
    const gaveUp = vi.fn();
    policy.onGiveUp(gaveUp);
    const fn = flaky(httpError(500), httpError(500), httpError(500));
    await expect(drive(policy.execute(fn), clock)).rejects.toMatchObject({ status: 500 });
    expect(fn).toHaveBeenCalledTimes(2); // one retry in the budget
    expect(gaveUp).toHaveBeenCalledWith(expect.objectContaining({ reason: 'budget' }));
  });

  it.each([
    [{ maxAttempts: 0 }, /maxAttempts must be a whole number >= 1, got 0/],
    [{ maxAttempts: 2.5 }, /maxAttempts must be a whole number/],
    [{ baseDelayMs: -1 }, /baseDelayMs must be a finite number >= 0/],
    [{ deadlineMs: 0 }, /deadlineMs must be a finite number >= 1/],
    [{ maxRetryAfterMs: Number.NaN }, /maxRetryAfterMs/],
  ])('rejects bad options %j', (options, message) => {
    expect(() => retry(options)).toThrow(message);
  });
});

describe('retry against the mock provider (official SDK, maxRetries: 0)', () => {
  const env = useMockProvider();
  const call = ({ signal }: { signal: AbortSignal }) =>
    env.openai.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      { signal },
    );

  it('survives a 500/502/503/529 storm, then answers', async () => {
    env.mock.reset();
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 500 } },
      { error: { status: 502 } },
      { error: { status: 503 } },
      { error: { status: 529 } },
      { text: 'finally' },
    );
    const clock = createFakeClock();
    const completion = await drive(retry({ maxAttempts: 5, clock }).execute(call), clock);
    expect(completion.choices[0]?.message.content).toBe('finally');
    expect(env.mock.requests.map((r) => r.status)).toEqual([500, 502, 503, 529, 200]);
  });

  it('honours the 429 retry-after-ms the server sent, waiting on the clock', async () => {
    env.mock.reset();
    env.mock.enqueue(
      'openai.chat',
      { error: { status: 429, retryAfterMs: 1_200, retryAfter: 2 } },
      { text: 'ok' },
    );
    const clock = createFakeClock();
    await drive(retry({ clock }).execute(call), clock);
    expect(clock.now()).toBe(1_200);
    expect(env.mock.requests).toHaveLength(2);
  });

  it('retries a connection reset and a reset mid-body', async () => {
    env.mock.reset();
    env.mock.enqueue(
      'openai.chat',
      { text: 'x', faults: { resetAfterBytes: 0 } },
      { text: 'long enough body', faults: { resetAfterBytes: 30 } },
      { text: 'ok' },
    );
    const clock = createFakeClock();
    const completion = await drive(retry({ clock }).execute(call), clock);
    expect(completion.choices[0]?.message.content).toBe('ok');
    expect(env.mock.requests.map((r) => r.reset)).toEqual([true, true, false]);
  });

  it('gives up on insufficient_quota after one attempt', async () => {
    env.mock.reset();
    env.mock.enqueue('openai.chat', { error: { status: 429, code: 'insufficient_quota' } });
    const error = await retry()
      .execute(call)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(env.mock.requests).toHaveLength(1);
  });
});
