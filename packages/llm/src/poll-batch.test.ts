import { retry } from '@keel/resilience';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { pollBatch } from './poll-batch';

/** A fake clock that also records every wait it is asked for. */
function recordingClock() {
  const clock = createFakeClock();
  const waits: number[] = [];
  return {
    waits,
    clock: {
      ...clock,
      setTimeout: (callback: () => void, ms: number) => {
        waits.push(ms);
        return clock.setTimeout(callback, ms);
      },
    },
    advance: clock.advance,
  };
}

describe('pollBatch', () => {
  it('spaces status checks with growing backoff up to the longest wait, and retries a failed check', async () => {
    const { clock, waits, advance } = recordingClock();
    let checks = 0;
    const check = async () => {
      checks += 1;
      if (checks === 2) throw Object.assign(new Error('overloaded'), { status: 503 });
      return checks >= 5 ? 'ended' : 'running';
    };
    const policy = retry({ maxAttempts: 2, baseDelayMs: 7, maxDelayMs: 7, clock, random: () => 1 });
    let status: string | undefined;
    const done = pollBatch(check, (s) => s === 'ended', {
      policy,
      clock,
      random: () => 1,
      firstDelayMs: 100,
      maxDelayMs: 1_000,
    }).then((s) => {
      status = s;
    });
    while (status === undefined) await advance(100);
    await done;
    expect(status).toBe('ended');
    expect(checks).toBe(5);
    // Waits between checks: 300, 900, then the cap; the 7 ms one is the retry of check 2.
    expect(waits).toEqual([300, 7, 900, 1_000]);
  });

  it('rejects with the signal reason while waiting, without another check', async () => {
    const { clock, advance } = recordingClock();
    let checks = 0;
    const controller = new AbortController();
    const polling = pollBatch(
      async () => {
        checks += 1;
        return 'running';
      },
      () => false,
      { policy: retry({ clock }), clock, random: () => 0.5, signal: controller.signal },
    );
    await advance(1);
    controller.abort(new Error('stop'));
    await expect(polling).rejects.toThrow('stop');
    expect(checks).toBe(1);
  });
});
