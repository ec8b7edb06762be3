import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/manual-clock';
import { systemClock } from './clock';
import { defineRedisScript } from './redis-script';
import type { RedisArgument, RedisClient } from './shared-state';
import { SharedStateUnavailableError } from './shared-state-unavailable-error';
import { TimeoutError } from './timeout-error';

const lua = "return redis.call('INCRBY', KEYS[1], ARGV[1])";

/** A client that records what it was sent and answers with `reply`. */
function fakeClient(reply: {
  evalsha?: (sha: string, args: RedisArgument[]) => Promise<unknown>;
  eval?: (script: string, args: RedisArgument[]) => Promise<unknown>;
}) {
  const calls: Array<{ command: string; numKeys: number; args: RedisArgument[] }> = [];
  const client: RedisClient = {
    evalsha(sha, numKeys, ...args) {
      calls.push({ command: 'evalsha', numKeys, args });
      return reply.evalsha?.(sha, args) ?? Promise.resolve(null);
    },
    eval(script, numKeys, ...args) {
      calls.push({ command: 'eval', numKeys, args });
      return reply.eval?.(script, args) ?? Promise.resolve(null);
    },
  };
  return { client, calls };
}

describe('defineRedisScript', () => {
  it('sends EVALSHA with the SHA-1 of the script, its keys and then its arguments', async () => {
    let sentSha = '';
    const { client, calls } = fakeClient({
      evalsha: async (sha) => {
        sentSha = sha;
        return 7;
      },
    });
    const script = defineRedisScript('counter.incr', lua);
    await expect(script.run(client, ['keel:count'], [3], { timeoutMs: 250 })).resolves.toBe(7);
    expect(sentSha).toBe(createHash('sha1').update(lua).digest('hex'));
    expect(calls).toEqual([{ command: 'evalsha', numKeys: 1, args: ['keel:count', 3] }]);
  });

  it('falls back to EVAL when the server does not have the script (NOSCRIPT)', async () => {
    let sentScript = '';
    const { client, calls } = fakeClient({
      evalsha: () => Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.')),
      eval: async (script) => {
        sentScript = script;
        return 'loaded';
      },
    });
    const script = defineRedisScript('counter.incr', lua);
    await expect(script.run(client, ['k'], [1], { timeoutMs: 250 })).resolves.toBe('loaded');
    expect(sentScript).toBe(lua);
    expect(calls.map((call) => call.command)).toEqual(['evalsha', 'eval']);
  });

  it('rejects with SharedStateUnavailableError at the timeout when Redis does not answer', async () => {
    const clock = manualClock();
    const { client } = fakeClient({ evalsha: () => new Promise(() => {}) });
    const script = defineRedisScript('limiter.acquire', lua);
    let outcome: unknown;
    script.run(client, ['k'], [1], { timeoutMs: 100, clock }).catch((error: unknown) => {
      outcome = error;
    });
    clock.advance(99);
    await Promise.resolve();
    expect(outcome).toBeUndefined();
    clock.advance(1);
    await Promise.resolve();
    expect(SharedStateUnavailableError.isInstance(outcome)).toBe(true);
    expect(outcome).toMatchObject({ engine: 'redis', operation: 'limiter.acquire' });
    expect(TimeoutError.isInstance((outcome as Error).cause)).toBe(true);
  });

  it('wraps a driver error (not NOSCRIPT) without trying EVAL, and clears its timer', async () => {
    const clock = manualClock();
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const { client, calls } = fakeClient({ evalsha: () => Promise.reject(refused) });
    const script = defineRedisScript('breaker.admit', lua);
    const error: Error = (await script
      .run(client, ['k'], [], { timeoutMs: 100, clock })
      .catch((e: Error) => e)) as Error;
    expect(SharedStateUnavailableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ engine: 'redis', operation: 'breaker.admit', cause: refused });
    expect(error.message).toContain('ECONNREFUSED');
    expect(calls.map((call) => call.command)).toEqual(['evalsha']);
    expect(clock.pending()).toBe(0);
  });

  it('does not keep the process alive by its timeout timer alone', async () => {
    const timers: NodeJS.Timeout[] = [];
    const clock = {
      ...systemClock,
      setTimeout(callback: () => void, ms: number) {
        const timer = setTimeout(callback, ms);
        timers.push(timer);
        return timer;
      },
    };
    const { client } = fakeClient({ evalsha: () => new Promise(() => {}) });
    const pending = defineRedisScript('cache.get', lua).run(client, ['k'], [], {
      timeoutMs: 20,
      clock,
    });
    expect(timers.map((timer) => timer.hasRef())).toEqual([false]);
    await expect(pending).rejects.toSatisfy((error) =>
      SharedStateUnavailableError.isInstance(error),
    );
  });
});
