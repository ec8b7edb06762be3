/**
 * A Lua script run on Redis in one round trip: `EVALSHA` first, `EVAL` when the server does not
 * have the script yet (a restart, a new node), and never longer than a timeout, so a Redis that
 * stopped answering cannot hang the call that asked it.
 */
import { type Clock, systemClock } from './clock';
import type { RedisArgument, RedisClient } from './shared-state';
import { SharedStateUnavailableError } from './shared-state-unavailable-error';
import { TimeoutError } from './timeout-error';

/**
 * Lua that sets `now` to the Redis server's time in milliseconds: the one clock every replica
 * shares. Start a script with it (`${REDIS_NOW_MS}` in the script's text).
 */
export const REDIS_NOW_MS = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
`;

/** Options of {@link RedisScript.run}. */
export interface RedisRunOptions {
  /** Longest wait for the reply; the call then fails with `SharedStateUnavailableError`. */
  timeoutMs: number;
  clock?: Clock;
}

/** A script ready to run against any client. */
export interface RedisScript {
  readonly name: string;
  /** @throws SharedStateUnavailableError when Redis fails or does not answer in `timeoutMs`. */
  run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly RedisArgument[],
    options: RedisRunOptions,
  ): Promise<unknown>;
}

async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Lets the process exit while the timer is pending (a Node `Timeout`; other clocks' handles are
 * left alone): the Redis call it guards keeps the process alive through its socket if it must.
 */
function unref(timer: unknown): void {
  (timer as { unref?: () => void } | null)?.unref?.();
}

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

/**
 * Defines a script. `name` labels errors (`'rate-limiter.acquire'`).
 *
 * @example
 * ```ts
 * const incr = defineRedisScript('counter.incr', "return redis.call('INCRBY', KEYS[1], ARGV[1])");
 * const value = await incr.run(redis, ['keel:count'], [1], { timeoutMs: 250 });
 * ```
 */
export function defineRedisScript(name: string, lua: string): RedisScript {
  let sha: Promise<string> | undefined;
  const send = async (
    client: RedisClient,
    keys: readonly string[],
    args: readonly RedisArgument[],
  ) => {
    sha ??= sha1Hex(lua);
    try {
      return await client.evalsha(await sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return client.eval(lua, keys.length, ...keys, ...args);
    }
  };
  return {
    name,
    run(client, keys, args, { timeoutMs, clock = systemClock }) {
      return new Promise((resolve, reject) => {
        const timer = clock.setTimeout(
          () =>
            reject(
              new SharedStateUnavailableError({
                engine: 'redis',
                operation: name,
                cause: new TimeoutError({ timeoutMs }),
              }),
            ),
          timeoutMs,
        );
        unref(timer);
        send(client, keys, args).then(
          (value) => {
            clock.clearTimeout(timer);
            resolve(value);
          },
          (error: unknown) => {
            clock.clearTimeout(timer);
            reject(
              new SharedStateUnavailableError({ engine: 'redis', operation: name, cause: error }),
            );
          },
        );
      });
    },
  };
}
