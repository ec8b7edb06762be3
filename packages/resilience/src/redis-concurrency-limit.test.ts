import { InvalidArgumentError, SharedStateUnavailableError } from '@keel/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, redisReplicas, redisUrl, silentRedis, unreachableRedis } from '../test/redis';
import { ConcurrencyLimitError } from './concurrency-limit-error';
import { redisConcurrencyLimit } from './redis-concurrency-limit';
import type { UnavailableEvent } from './redis-state';

/** A call that runs until the test ends it. */
function gate() {
  let open: () => void = () => {};
  const closed = new Promise<string>((resolve) => {
    open = () => resolve('done');
  });
  return { call: () => closed, open };
}

describe.skipIf(!redisUrl)('redisConcurrencyLimit', () => {
  let replicas: ReturnType<typeof redisReplicas>;
  beforeAll(() => {
    replicas = redisReplicas('concurrency');
  });
  afterAll(() => replicas.close());

  it('holds maxConcurrent across replicas, and a replica waiting gets the slot another frees', async () => {
    const options = {
      key: 'openai',
      prefix: replicas.prefix,
      timeoutMs: replicas.timeoutMs,
      maxConcurrent: 2,
    };
    const a = redisConcurrencyLimit({ redis: replicas.first, ...options });
    const b = redisConcurrencyLimit({ redis: replicas.second, ...options, queueTimeoutMs: 10_000 });
    const bFull = redisConcurrencyLimit({ redis: replicas.second, ...options, maxQueue: 0 });
    const first = gate();
    const second = gate();
    const running = [a.execute(first.call), b.execute(second.call)];
    await eventually(() => expect(a.active + b.active).toBe(2));
    await expect(bFull.execute(() => 'never')).rejects.toMatchObject({ reason: 'queue-full' });
    let ran = false;
    const waiting = b.execute(() => {
      ran = true;
      return 'third';
    });
    await eventually(() => expect(b.queued).toBe(1));
    expect(ran).toBe(false);
    first.open(); // a's call ends on the other replica: b's queue head finds the slot by polling
    await expect(waiting).resolves.toBe('third');
    expect(ran).toBe(true);
    second.open();
    await Promise.all(running);
    expect(await replicas.first.zcard(`${replicas.prefix}concurrency:openai`)).toBe(0);
  });

  it('frees the slot of a replica that died holding it once its lease expires', async () => {
    const dying = new Redis(redisUrl as string);
    const options = {
      key: 'dies',
      prefix: replicas.prefix,
      timeoutMs: replicas.timeoutMs,
      maxConcurrent: 1,
      leaseTtlMs: 3_000,
    };
    const doomed = redisConcurrencyLimit({ redis: dying, ...options });
    const held = gate();
    const orphan = doomed.execute(held.call);
    await eventually(() => expect(doomed.active).toBe(1));
    await eventually(async () =>
      expect(await replicas.first.zcard(`${replicas.prefix}concurrency:dies`)).toBe(1),
    );
    dying.disconnect(); // the replica is gone: no renewals, no release
    const survivor = redisConcurrencyLimit({ redis: replicas.second, ...options, maxQueue: 0 });
    await expect(survivor.execute(() => 'too soon')).rejects.toMatchObject({
      reason: 'queue-full',
    });
    const patient = redisConcurrencyLimit({
      redis: replicas.second,
      ...options,
      queueTimeoutMs: 20_000,
    });
    await expect(patient.execute(() => 'after the ttl')).resolves.toBe('after the ttl');
    held.open();
    await orphan;
  });

  it('drops a queued call at its queue timeout or when its caller aborts', async () => {
    const options = {
      redis: replicas.first,
      key: 'queue',
      prefix: replicas.prefix,
      timeoutMs: replicas.timeoutMs,
      maxConcurrent: 1,
    };
    const holder = redisConcurrencyLimit(options);
    const held = gate();
    const running = holder.execute(held.call);
    await eventually(() => expect(holder.active).toBe(1));
    const impatient = redisConcurrencyLimit({ ...options, queueTimeoutMs: 50 });
    const reasons: string[] = [];
    impatient.onReject(({ reason }) => reasons.push(reason));
    await expect(impatient.execute(() => 'never')).rejects.toSatisfy(
      (error) => ConcurrencyLimitError.isInstance(error) && error.reason === 'queue-timeout',
    );
    expect(reasons).toEqual(['queue-timeout']);
    const controller = new AbortController();
    const reason = new Error('user left');
    const cancelled = holder.execute(() => 'never', { signal: controller.signal });
    await eventually(() => expect(holder.queued).toBe(1));
    controller.abort(reason);
    await expect(cancelled).rejects.toBe(reason);
    expect(holder.queued).toBe(0);
    held.open();
    await running;
  });
});

describe('redisConcurrencyLimit without Redis', () => {
  const down = unreachableRedis();
  afterAll(() => down.disconnect());

  it('fails open by default and closed when asked, without hanging', async () => {
    const open = redisConcurrencyLimit({ redis: down, key: 'k', maxConcurrent: 1 });
    const events: UnavailableEvent[] = [];
    open.onUnavailable((event) => events.push(event));
    expect(await open.execute(() => 'ran')).toBe('ran');
    expect(events[0]).toMatchObject({ key: 'k', failedOpen: true });
    for (const redis of [down, silentRedis()]) {
      const closed = redisConcurrencyLimit({
        redis,
        key: 'k',
        maxConcurrent: 1,
        timeoutMs: 20,
        onUnavailable: 'fail-closed',
      });
      let ran = false;
      await expect(
        closed.execute(() => {
          ran = true;
        }),
      ).rejects.toSatisfy((error) => SharedStateUnavailableError.isInstance(error));
      expect(ran).toBe(false);
    }
  });

  it('refuses bad options with InvalidArgumentError', () => {
    for (const options of [
      { maxConcurrent: 0 },
      { maxConcurrent: 1, leaseTtlMs: 0 },
      { maxConcurrent: 1, pollIntervalMs: -1 },
      { maxConcurrent: 1, queueTimeoutMs: Number.NaN },
      { maxConcurrent: 1, maxQueue: 1.5 },
    ]) {
      expect(() => redisConcurrencyLimit({ redis: down, key: 'k', ...options })).toThrow(
        InvalidArgumentError,
      );
    }
  });
});
