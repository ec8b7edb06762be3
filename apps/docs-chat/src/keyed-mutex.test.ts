import { describe, expect, it } from 'vitest';
import { createKeyedMutex } from './keyed-mutex';

describe('createKeyedMutex', () => {
  it('runs holders of one key in arrival order, other keys at once', async () => {
    const mutex = createKeyedMutex();
    const order: string[] = [];
    const hold = async (key: string, name: string) => {
      const release = await mutex.acquire(key);
      order.push(`${name}+`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`${name}-`);
      release();
    };
    await Promise.all([hold('a', 'a1'), hold('a', 'a2'), hold('b', 'b1'), hold('a', 'a3')]);
    expect(order.filter((step) => step.startsWith('a'))).toEqual([
      'a1+',
      'a1-',
      'a2+',
      'a2-',
      'a3+',
      'a3-',
    ]);
    expect(order.indexOf('b1+')).toBeLessThan(order.indexOf('a1-'));
  });

  it('an aborted waiter gives up its place without blocking the ones behind it', async () => {
    const mutex = createKeyedMutex();
    const release = await mutex.acquire('k');
    const controller = new AbortController();
    const waiting = mutex.acquire('k', controller.signal);
    const behind = mutex.acquire('k');
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    release();
    const next = await behind;
    next();
    await expect(mutex.acquire('k', AbortSignal.abort(new Error('early')))).rejects.toThrow(
      'early',
    );
  });

  it('tryAcquire takes a free key at once and refuses a held or awaited one', async () => {
    const mutex = createKeyedMutex();
    const release = await mutex.acquire('k');
    expect(await mutex.tryAcquire('k')).toBeUndefined();
    const waiting = mutex.acquire('k');
    await release();
    // A waiter queued behind the holder still has the key: refused until it releases.
    expect(await mutex.tryAcquire('k')).toBeUndefined();
    await (await waiting)();
    const taken = await mutex.tryAcquire('k');
    expect(taken).toBeTypeOf('function');
    expect(await mutex.tryAcquire('other')).toBeTypeOf('function');
    await taken?.();
    expect(await mutex.tryAcquire('k')).toBeTypeOf('function');
  });
});
