import { TimeoutError } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it, vi } from 'vitest';
import { drive } from '../test/drive';
import { useMockProvider } from '../test/provider';
import type { PolicyContext } from './policy';
import { timeout } from './timeout';

/** Settles only when the signal aborts, by rejecting with an abort error, as fetch does. */
const untilAborted = ({ signal }: PolicyContext) =>
  new Promise<never>((_, reject) => {
    const abort = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
  });

describe('timeout', () => {
  it('aborts at the total deadline with a TimeoutError naming it', async () => {
    const clock = createFakeClock();
    const policy = timeout({ totalMs: 500, clock });
    const onTimeout = vi.fn();
    policy.onTimeout(onTimeout);
    const error = await drive(policy.execute(untilAborted), clock).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'The call took longer than 500 ms; raise totalMs or ask for less output',
    );
    expect(onTimeout).toHaveBeenCalledWith({ kind: 'total', timeoutMs: 500 });
    expect(clock.now()).toBe(500);
  });

  it('first-byte: no heartbeat in time aborts; a heartbeat in time disarms it', async () => {
    const clock = createFakeClock();
    const policy = timeout({ firstByteMs: 100, clock });
    await expect(drive(policy.execute(untilAborted), clock)).rejects.toThrow(
      'No first byte within 100 ms',
    );

    const beating = policy.execute(async ({ heartbeat, signal }) => {
      await new Promise((r) => clock.setTimeout(() => r(undefined), 50));
      heartbeat();
      await new Promise((r) => clock.setTimeout(() => r(undefined), 500));
      return signal.aborted ? 'aborted' : 'done';
    });
    expect(await drive(beating, clock)).toBe('done');
  });

  it('idle: each heartbeat buys another idleMs; silence longer than that aborts', async () => {
    const clock = createFakeClock();
    const policy = timeout({ firstByteMs: 1_000, idleMs: 100, clock });
    const beats: number[] = [];
    const run = policy.execute(async (context) => {
      for (const gap of [500, 90, 90, 90, 150]) {
        await new Promise((r) => clock.setTimeout(() => r(undefined), gap));
        if (context.signal.aborted) break;
        context.heartbeat();
        beats.push(clock.now());
      }
      return untilAborted(context);
    });
    const error = await drive(run, clock).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'The stream went silent for 100 ms; it stalled, retry or fall back',
    );
    expect(beats).toEqual([500, 590, 680, 770]);
    expect(clock.now()).toBeGreaterThanOrEqual(870);
  });

  it('cooperative (default) waits for the function to stop; aggressive rejects at the deadline', async () => {
    const clock = createFakeClock();
    let finishedAt = -1;
    const stubborn = () =>
      new Promise<string>((resolve) =>
        clock.setTimeout(() => {
          finishedAt = clock.now();
          resolve('finished anyway');
        }, 1_000),
      );
    let rejectedAt = -1;
    const cooperative = timeout({ totalMs: 100, clock })
      .execute(stubborn)
      .catch((e: unknown) => {
        rejectedAt = clock.now();
        return e;
      });
    const error = await drive(cooperative, clock);
    expect(TimeoutError.isInstance(error)).toBe(true); // cut by the deadline: never reported as success
    expect(rejectedAt).toBe(finishedAt);

    const started = clock.now();
    const aggressive = timeout({ totalMs: 100, aggressive: true, clock })
      .execute(stubborn)
      .catch((e: unknown) => {
        rejectedAt = clock.now();
        return e;
      });
    expect(TimeoutError.isInstance(await drive(aggressive, clock))).toBe(true);
    expect(rejectedAt - started).toBe(100);
  });

  it('reports a timeout even when the callee swallows the abort and returns', async () => {
    const clock = createFakeClock();
    const swallowing = ({ signal }: PolicyContext) =>
      new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('partial')));
    const error = await drive(timeout({ idleMs: 100, clock }).execute(swallowing), clock).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('went silent for 100 ms');
  });

  it("passes the caller's abort through with its reason, and clears its timers", async () => {
    const clock = createFakeClock();
    const controller = new AbortController();
    const running = timeout({ totalMs: 10_000, idleMs: 5_000, clock }).execute(untilAborted, {
      signal: controller.signal,
    });
    controller.abort(new Error('user left'));
    await expect(running).rejects.toThrow('user left');
  });

  it('lets nothing fire after a call finished', async () => {
    const clock = createFakeClock();
    const policy = timeout({ totalMs: 1_000, firstByteMs: 100, idleMs: 50, clock });
    const onTimeout = vi.fn();
    policy.onTimeout(onTimeout);
    let seen: AbortSignal | undefined;
    expect(
      await policy.execute(async ({ signal }) => {
        seen = signal;
        return 'ok';
      }),
    ).toBe('ok');
    await clock.advance(5_000);
    expect(onTimeout).not.toHaveBeenCalled();
    expect(seen?.aborted).toBe(false);
  });

  it('keeps a separate total deadline for each of many concurrent calls', async () => {
    const clock = createFakeClock();
    const policy = timeout({ totalMs: 100, clock });
    const outcomes: string[] = [];
    const calls = [0, 30, 60].map(async (startAt) => {
      await clock.advance(0);
      return new Promise<void>((resolve) => {
        clock.setTimeout(() => {
          policy
            .execute((context) => untilAborted(context))
            .catch(() => outcomes.push(`${startAt}->${clock.now()}`))
            .finally(resolve);
        }, startAt);
      });
    });
    await drive(Promise.all(calls), clock);
    expect(outcomes).toEqual(['0->100', '30->130', '60->160']);
  });

  it.each([[{}], [{ totalMs: 0 }], [{ idleMs: -1 }], [{ firstByteMs: 2 ** 31 }]])(
    'rejects bad options %j',
    (options) => {
      expect(() => timeout(options)).toThrow(
        /timeout\(\) needs at least one|must be a finite number of milliseconds/,
      );
    },
  );
});

describe('timeout against the mock provider', () => {
  const env = useMockProvider();

  it('cancels a stream that stalls mid-way (the SDK ends its iterator quietly on abort), and the server sees the disconnect', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['a', 'b', 'c', 'd'],
      faults: { stallAfterEvents: 3 },
    });
    const received: string[] = [];
    const error = await timeout({ firstByteMs: 10_000, idleMs: 300 })
      .execute(async ({ signal, heartbeat }) => {
        const stream = await env.openai.chat.completions.create(
          { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] },
          { signal },
        );
        for await (const chunk of stream) {
          heartbeat();
          received.push(chunk.choices[0]?.delta.content ?? '');
        }
      })
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(received).toEqual(['', 'a', 'b']);
    await vi.waitFor(() => expect(env.mock.requests[0]?.clientDisconnected).toBe(true), {
      timeout: 30_000,
    });
  });

  it('cancels slow headers with the first-byte deadline', async () => {
    env.mock.enqueue('openai.chat', { text: 'late', faults: { delayMs: 2_000 } });
    const error = await timeout({ firstByteMs: 100 })
      .execute(async ({ signal, heartbeat }) => {
        const response = await env.openai.chat.completions.create(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
          { signal },
        );
        heartbeat();
        return response;
      })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'No first byte within 100 ms; the provider may be overloaded, retry or fall back',
    );
  });
});
