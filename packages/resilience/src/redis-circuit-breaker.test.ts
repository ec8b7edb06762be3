import { InvalidArgumentError, SharedStateUnavailableError } from '@keel/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  providerDown,
  redisReplicas,
  redisUrl,
  silentRedis,
  unreachableRedis,
} from '../test/redis';
import { BrokenCircuitError } from './broken-circuit-error';
import { type RedisCircuitBreakerOptions, redisCircuitBreaker } from './redis-circuit-breaker';
import type { UnavailableEvent } from './redis-state';

const fail = () => Promise.reject(providerDown());

describe.skipIf(!redisUrl)('redisCircuitBreaker', () => {
  let replicas: ReturnType<typeof redisReplicas>;
  beforeAll(() => {
    replicas = redisReplicas('breaker');
  });
  afterAll(() => replicas.close());

  const pair = (key: string, options: Partial<RedisCircuitBreakerOptions> = {}) =>
    [replicas.first, replicas.second].map((redis) =>
      redisCircuitBreaker({
        redis,
        key,
        prefix: replicas.prefix,
        timeoutMs: replicas.timeoutMs,
        ...options,
      }),
    ) as [ReturnType<typeof redisCircuitBreaker>, ReturnType<typeof redisCircuitBreaker>];

  it('opens on every replica when failures seen on one reach the threshold', async () => {
    const [a, b] = pair('openai:gpt-4o', { strategy: { consecutiveFailures: 3 } });
    const breaks: unknown[] = [];
    a.onBreak(({ error }) => breaks.push(error));
    await expect(a.execute(fail)).rejects.toThrow('503');
    await expect(b.execute(fail)).rejects.toThrow('503'); // failures add up across replicas
    expect(a.snapshot().consecutiveFailures).toBe(1);
    expect(b.state).toBe('closed');
    await expect(a.execute(fail)).rejects.toThrow('503');
    expect(breaks).toHaveLength(1);
    expect(a.state).toBe('open');
    const rejections: number[] = [];
    b.onReject(({ retryAfterMs }) => rejections.push(retryAfterMs));
    let called = false;
    await expect(
      b.execute(() => {
        called = true;
      }),
    ).rejects.toSatisfy(
      (error) => BrokenCircuitError.isInstance(error) && error.key === 'openai:gpt-4o',
    );
    expect(called).toBe(false);
    expect(rejections[0]).toBeGreaterThan(25_000);
    expect(b.state).toBe('open');
  });

  it('admits halfOpenTrials trial calls across replicas and closes everywhere after them', async () => {
    const [a, b] = pair('anthropic', {
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 1_000,
    });
    await expect(a.execute(fail)).rejects.toThrow('503');
    const halfOpened: string[] = [];
    const resets: string[] = [];
    for (const [name, breaker] of [
      ['a', a],
      ['b', b],
    ] as const) {
      breaker.onHalfOpen(() => halfOpened.push(name));
      breaker.onReset(() => resets.push(name));
    }
    // a's view turns half-open once the pause it saw begin is over; the pause in Redis began
    // earlier (by the test Redis's clock, which is this machine's), so it is over too, and the
    // one call below is the trial.
    await eventually(() => expect(a.state).toBe('half-open'));
    let finishTrial: (value: string) => void = () => {};
    const trial = b.execute(() => new Promise<string>((resolve) => (finishTrial = resolve)));
    await eventually(() => expect(halfOpened).toEqual(['b']));
    await expect(a.execute(() => 'second trial')).rejects.toSatisfy(
      (error) => BrokenCircuitError.isInstance(error) && error.retryAfterMs === 0,
    );
    expect(a.state).toBe('half-open');
    finishTrial('trial ok');
    await expect(trial).resolves.toBe('trial ok');
    expect(resets).toEqual(['b']);
    await expect(a.execute(() => 'closed again')).resolves.toBe('closed again');
    expect(a.state).toBe('closed');
  });

  it('gives a trial slot again when the replica holding it never reports', async () => {
    const [a, b] = pair('lost-trial', {
      strategy: { consecutiveFailures: 1 },
      halfOpenAfterMs: 1_000,
    });
    await expect(a.execute(fail)).rejects.toThrow('503');
    await eventually(() => expect(a.state).toBe('half-open')); // the pause is over in Redis too
    let endLostTrial: (value: string) => void = () => {};
    const lostTrial = new Promise<string>((resolve) => (endLostTrial = resolve));
    let started = false;
    // A replica that dies mid-trial: it never reports.
    const lost = a.execute(() => {
      started = true;
      return lostTrial;
    });
    await eventually(() => expect(started).toBe(true));
    await expect(b.execute(() => 'ok')).rejects.toSatisfy(BrokenCircuitError.isInstance);
    await eventually(async () => {
      await expect(b.execute(() => 'recovered')).resolves.toBe('recovered');
    });
    expect(b.state).toBe('closed');
    endLostTrial('late');
    await expect(lost).resolves.toBe('late');
    expect(a.state).toBe('half-open'); // its late outcome changes nothing; the next call refreshes
    await expect(a.execute(() => 'ok')).resolves.toBe('ok');
    expect(a.state).toBe('closed');
  });

  it('opens on the failure ratio of calls sampled on both replicas, ignoring caller errors', async () => {
    const [a, b] = pair('sampled', {
      strategy: { failureRatio: 0.5, windowMs: 10_000, minThroughput: 4 },
    });
    const badRequest = Object.assign(new Error('400 bad request'), { status: 400 });
    await a.execute(() => 'ok');
    await expect(b.execute(() => Promise.reject(badRequest))).rejects.toBe(badRequest);
    await expect(a.execute(fail)).rejects.toThrow('503');
    expect(a.state).toBe('closed'); // 1 failure in 3 calls
    await expect(b.execute(fail)).rejects.toThrow('503');
    expect(b.state).toBe('open'); // 2 in 4
    await expect(a.execute(() => 'ok')).rejects.toSatisfy(BrokenCircuitError.isInstance);
  });
});

describe('redisCircuitBreaker without Redis', () => {
  const down = unreachableRedis();
  afterAll(() => down.disconnect());

  it('fails open by default: calls run untracked and onUnavailable reports it', async () => {
    const breaker = redisCircuitBreaker({
      redis: down,
      key: 'k',
      strategy: { consecutiveFailures: 1 },
    });
    const events: UnavailableEvent[] = [];
    breaker.onUnavailable((event) => events.push(event));
    await expect(breaker.execute(fail)).rejects.toThrow('503');
    await expect(breaker.execute(() => 'ran')).resolves.toBe('ran');
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ key: 'k', failedOpen: true });
  });

  it('fails closed when asked, and never hangs on a Redis that does not answer', async () => {
    for (const redis of [down, silentRedis()]) {
      const breaker = redisCircuitBreaker({
        redis,
        key: 'k',
        timeoutMs: 20,
        onUnavailable: 'fail-closed',
      });
      let called = false;
      await expect(
        breaker.execute(() => {
          called = true;
        }),
      ).rejects.toSatisfy((error) => SharedStateUnavailableError.isInstance(error));
      expect(called).toBe(false);
    }
  });

  it('refuses bad options with InvalidArgumentError', () => {
    for (const options of [
      { strategy: { consecutiveFailures: 0 } },
      { strategy: { failureRatio: 2, windowMs: 1_000 } },
      { strategy: { failureRatio: 0.5, windowMs: 1_000, minThroughput: -1 } },
      { halfOpenAfterMs: -5 },
      { halfOpenTrials: 0 },
      { key: '' },
    ]) {
      expect(() => redisCircuitBreaker({ redis: down, key: 'k', ...options } as never)).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
