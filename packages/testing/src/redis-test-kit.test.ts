import type { RedisArgument } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { countRedisCalls, eventually, redisTestKit, silentRedis } from './redis-test-kit';

/** A client that records the scripts it is sent and whether it was closed. */
function recordingClient() {
  const sent: RedisArgument[][] = [];
  const client = {
    closed: false,
    evalsha: async (...args: RedisArgument[]) => sent.push(args),
    eval: async (_lua: string, ...args: RedisArgument[]) => sent.push(args),
    disconnect() {
      client.closed = true;
    },
  };
  return { client, sent };
}

describe('redisTestKit', () => {
  it('hands out fresh prefixes and deletes only their keys before closing every client', async () => {
    const opened: ReturnType<typeof recordingClient>[] = [];
    const kit = redisTestKit('llm', () => {
      const recording = recordingClient();
      opened.push(recording);
      return recording.client;
    });
    const [a, b] = [kit.prefix(), kit.prefix()];
    expect(a).toMatch(/^keel-test:llm:[0-9a-f-]{36}:$/);
    expect(b).not.toBe(a);
    kit.client();
    kit.client();
    await kit.keys(a);
    await kit.close();
    expect(opened[0]?.sent).toEqual([
      [0, `${a}*`],
      [0, `${a}*`],
      [0, `${b}*`],
    ]);
    expect(opened[1]?.sent).toEqual([]);
    expect(opened.map(({ client }) => client.closed)).toEqual([true, true]);
  });

  it('opens no client to close when no prefix was handed out', async () => {
    let connects = 0;
    const kit = redisTestKit('tokens', () => {
      connects++;
      return recordingClient().client;
    });
    await kit.close();
    expect(connects).toBe(0);
  });
});

describe('countRedisCalls and silentRedis', () => {
  it('counts each round trip and passes it on', async () => {
    const { client, sent } = recordingClient();
    const counted = countRedisCalls(client);
    await counted.evalsha('sha', 1, 'k', 2);
    await counted.eval('return 1', 0);
    expect(counted.calls).toBe(2);
    expect(sent).toEqual([['sha', 1, 'k', 2], [0]]);
  });

  it('never answers', async () => {
    const outcome = await Promise.race([
      silentRedis().evalsha('sha', 0),
      new Promise((resolve) => setTimeout(resolve, 20, 'no answer')),
    ]);
    expect(outcome).toBe('no answer');
  });
});

describe('eventually', () => {
  it('retries until the check passes, and rethrows the last error after its attempts', async () => {
    let tries = 0;
    await eventually(
      () => {
        tries++;
        if (tries < 3) throw new Error('not yet');
      },
      { intervalMs: 1 },
    );
    expect(tries).toBe(3);
    await expect(
      eventually(
        () => {
          throw new Error('never');
        },
        { attempts: 2, intervalMs: 1 },
      ),
    ).rejects.toThrow('never');
    await expect(eventually(() => {}, { attempts: 0 })).rejects.toThrow(/attempts/);
  });
});
