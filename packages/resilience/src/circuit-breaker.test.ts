import { createFakeClock } from '@keel/testing';
import { describe, expect, it, vi } from 'vitest';
import { httpError } from '../test/drive';
import { BrokenCircuitError } from './broken-circuit-error';
import { type BreakerSnapshot, circuitBreaker } from './circuit-breaker';
import { keyed } from './keyed';

const fail = (error: unknown) => () => Promise.reject(error);
const ok = () => Promise.resolve('ok');

async function failTimes(
  breaker: ReturnType<typeof circuitBreaker>,
  n: number,
  error: unknown = httpError(503),
) {
  for (let i = 0; i < n; i++) await breaker.execute(fail(error)).catch(() => undefined);
}

describe('circuitBreaker (consecutive)', () => {
  it('opens after N provider failures in a row and rejects without calling', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({
      strategy: { consecutiveFailures: 3 },
      halfOpenAfterMs: 10_000,
      clock,
      key: 'openai:gpt-4o',
    });
    const onBreak = vi.fn();
    const onReject = vi.fn();
    breaker.onBreak(onBreak);
    breaker.onReject(onReject);
    await failTimes(breaker, 2);
    expect(breaker.state).toBe('closed');
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(onBreak).toHaveBeenCalledTimes(1);

    await clock.advance(4_000);
    const fn = vi.fn(ok);
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(BrokenCircuitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 6_000, key: 'openai:gpt-4o' });
    expect((error as Error).message).toContain('"openai:gpt-4o" is open');
    expect(onReject).toHaveBeenCalledWith({ retryAfterMs: 6_000, key: 'openai:gpt-4o' });
  });

  it('a success in between resets the count', async () => {
    const breaker = circuitBreaker({ strategy: { consecutiveFailures: 2 } });
    await failTimes(breaker, 1);
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed');
  });

  it('never trips on caller errors (4xx) or aborts', async () => {
    const breaker = circuitBreaker({ strategy: { consecutiveFailures: 2 } });
    await failTimes(breaker, 5, httpError(400));
    await failTimes(breaker, 5, httpError(401));
    await failTimes(breaker, 5, new DOMException('x', 'AbortError'));
    expect(breaker.state).toBe('closed');
  });

  it('counts 429s and network failures', async () => {
    const breaker = circuitBreaker({ strategy: { consecutiveFailures: 2 } });
    await failTimes(breaker, 1, httpError(429));
    await failTimes(breaker, 1, Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    expect(breaker.state).toBe('open');
  });

  it('half-opens after the pause, admits the configured trials, closes after they succeed', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 1_000,
      halfOpenTrials: 2,
      clock,
    });
    const events: string[] = [];
    breaker.onHalfOpen(() => events.push('half-open'));
    breaker.onReset(() => events.push('reset'));
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    expect(breaker.state).toBe('half-open');

    let release: (() => void) | undefined;
    const slow = () => new Promise<string>((resolve) => (release = () => resolve('ok')));
    const first = breaker.execute(slow);
    const second = breaker.execute(ok);
    const third = await breaker.execute(ok).catch((e: unknown) => e);
    expect(BrokenCircuitError.isInstance(third)).toBe(true); // both trial slots taken
    await second;
    release?.();
    await first;
    expect(breaker.state).toBe('closed');
    expect(events).toEqual(['half-open', 'reset']);
  });

  it('a failed trial opens it again for another pause', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 1_000,
      clock,
    });
    const onBreak = vi.fn();
    breaker.onBreak(onBreak);
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open');
    expect(onBreak).toHaveBeenCalledTimes(2);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ retryAfterMs: 1_000 });
  });

  it('an aborted trial frees its slot without deciding', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 1_000,
      clock,
    });
    await failTimes(breaker, 1);
    await clock.advance(1_000);
    await failTimes(breaker, 1, new DOMException('x', 'AbortError'));
    expect(breaker.state).toBe('half-open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
  });

  it('ignores late results of calls that started before it opened', async () => {
    const breaker = circuitBreaker({
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 60_000,
    });
    let release: (() => void) | undefined;
    const slow = breaker.execute(
      () => new Promise<string>((resolve) => (release = () => resolve('late'))),
    );
    await failTimes(breaker, 1);
    release?.();
    expect(await slow).toBe('late');
    expect(breaker.state).toBe('open');
  });
});

describe('circuitBreaker (sampling)', () => {
  it('opens when the failure ratio over the window reaches the threshold, given minimum throughput', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({
      strategy: { failureRatio: 0.5, windowMs: 10_000, minThroughput: 10 },
      clock,
    });
    for (let i = 0; i < 4; i++) await breaker.execute(ok);
    await failTimes(breaker, 4);
    expect(breaker.state).toBe('closed'); // 8 calls: below minimum throughput
    await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('open'); // 5 of 10 failed
  });

  it('forgets calls that left the window', async () => {
    const clock = createFakeClock();
    const breaker = circuitBreaker({
      strategy: { failureRatio: 0.5, windowMs: 10_000, minThroughput: 4 },
      clock,
    });
    await failTimes(breaker, 3);
    await clock.advance(11_000);
    for (let i = 0; i < 3; i++) await breaker.execute(ok);
    await failTimes(breaker, 1);
    expect(breaker.state).toBe('closed'); // 1 of 4 in the window
  });
});

describe('circuitBreaker state', () => {
  it('snapshots to JSON and restores, open timing included', async () => {
    const clock = createFakeClock({ now: 50_000 });
    const breaker = circuitBreaker({
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 5_000,
      clock,
    });
    await failTimes(breaker, 1);
    const saved = JSON.parse(JSON.stringify(breaker.snapshot())) as BreakerSnapshot;
    expect(saved).toEqual({ state: 'open', openedAt: 50_000, consecutiveFailures: 1, buckets: [] });
    const restored = circuitBreaker({
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 5_000,
      clock,
      initialState: saved,
    });
    await expect(restored.execute(ok)).rejects.toMatchObject({ retryAfterMs: 5_000 });
    await clock.advance(5_000);
    expect(await restored.execute(ok)).toBe('ok');
    expect(restored.snapshot().state).toBe('closed');
  });

  it.each([
    [{ strategy: { consecutiveFailures: 0 } }, /strategy must be/],
    [
      { strategy: { failureRatio: 1.5, windowMs: 1_000 } },
      /failureRatio must be a finite number > 0 and <= 1/,
    ],
    [{ strategy: { failureRatio: 0.5, windowMs: 1 } }, /windowMs must be/],
    [{ halfOpenTrials: 0 }, /halfOpenTrials must be a whole number >= 1/],
  ])('rejects bad options %j', (options, message) => {
    expect(() => circuitBreaker(options as never)).toThrow(message);
  });
});

describe('keyed', () => {
  it('gives one breaker per key, so one failing model does not block another', async () => {
    const breakers = keyed((key) => circuitBreaker({ key, strategy: { consecutiveFailures: 1 } }));
    await failTimes(breakers.get('openai:gpt-4o'), 1);
    expect(breakers.get('openai:gpt-4o').state).toBe('open');
    expect(await breakers.get('anthropic:claude-haiku-4-5').execute(ok)).toBe('ok');
    expect(breakers.entries().map(([key, b]) => [key, b.state])).toEqual([
      ['openai:gpt-4o', 'open'],
      ['anthropic:claude-haiku-4-5', 'closed'],
    ]);
  });

  it('evicts the least recently used key past maxKeys', () => {
    const made = vi.fn((key: string) => ({ key }));
    const values = keyed(made, { maxKeys: 2 });
    values.get('a');
    values.get('b');
    values.get('a');
    values.get('c');
    expect(values.entries().map(([key]) => key)).toEqual(['a', 'c']);
    expect(values.size).toBe(2);
    expect(() => keyed(made, { maxKeys: 0 })).toThrow(/maxKeys must be a whole number >= 1/);
  });
});
