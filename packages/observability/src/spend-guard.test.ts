import { InvalidArgumentError } from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createSpendGuard, type SpendExceededEvent } from './spend-guard';

const HOUR = 3_600_000;

/** A guard of one `userId` limit of $1 an hour on a fake clock, collecting its events. */
function userGuard(options: { maxKeys?: number } = {}) {
  const clock = createFakeClock();
  const events: SpendExceededEvent[] = [];
  const guard = createSpendGuard({
    limits: [{ by: 'userId', thresholdUsd: 1, windowMs: HOUR }],
    onExceeded: (event) => events.push(event),
    clock,
    ...options,
  });
  return { clock, events, guard };
}

describe('createSpendGuard', () => {
  it('fires once when a user passes the threshold in the window, again after it slides below', async () => {
    const { clock, events, guard } = userGuard();
    guard.record({ userId: 'u1' }, 0.6);
    guard.record({ userId: 'u2' }, 0.6);
    expect(events).toHaveLength(0);
    guard.record({ userId: 'u1' }, 0.6);
    guard.record({ userId: 'u1' }, 0.6); // still over: no second event
    expect(events).toEqual([
      { by: 'userId', key: 'u1', spendUsd: 1.2, thresholdUsd: 1, windowMs: HOUR },
    ]);
    expect(guard.spend('userId', 'u1')).toBeCloseTo(1.8);
    await clock.advance(HOUR + 60_000);
    expect(guard.spend('userId', 'u1')).toBe(0);
    guard.record({ userId: 'u1' }, 1.5);
    expect(events).toHaveLength(2);
  });

  it('groups by any metadata field, each limit with its own window', () => {
    const events: string[] = [];
    const guard = createSpendGuard({
      limits: [
        { by: 'feature', thresholdUsd: 10, windowMs: HOUR },
        { by: 'tenantId', thresholdUsd: 2, windowMs: HOUR },
      ],
      onExceeded: ({ by, key }) => events.push(`${by}:${key}`),
      clock: createFakeClock(),
    });
    guard.record({ feature: 'chat', tenantId: 'acme' }, 3);
    guard.record({ feature: 'chat' }, 8);
    guard.record(undefined, 100); // no metadata: nothing to group by
    guard.record({ feature: 'chat' }, Number.NaN);
    expect(events).toEqual(['tenantId:acme', 'feature:chat']);
  });

  it('keeps calling the app when the hook throws', () => {
    const guard = createSpendGuard({
      limits: [{ by: 'userId', thresholdUsd: 0, windowMs: HOUR }],
      onExceeded: () => {
        throw new Error('pager down');
      },
    });
    expect(() => guard.record({ userId: 'u' }, 1)).not.toThrow();
  });

  it('rejects bad limits', () => {
    const onExceeded = () => {};
    expect(() => createSpendGuard({ limits: [], onExceeded })).toThrow(InvalidArgumentError);
    expect(() =>
      createSpendGuard({ limits: [{ by: 'userId', thresholdUsd: -1, windowMs: 1 }], onExceeded }),
    ).toThrow(/thresholdUsd/);
    expect(() =>
      createSpendGuard({ limits: [{ by: 'userId', thresholdUsd: 1, windowMs: 0 }], onExceeded }),
    ).toThrow(/windowMs/);
    expect(() =>
      createSpendGuard({ limits: [{ by: '', thresholdUsd: 1, windowMs: 1 }], onExceeded }),
    ).toThrow(/by/);
    expect(() =>
      createSpendGuard({
        limits: [{ by: 'u', thresholdUsd: 1, windowMs: 1 }],
        onExceeded,
        buckets: 0,
      }),
    ).toThrow(/buckets/);
  });

  it('tracks at most maxKeys keys, forgetting the one tracked longest', async () => {
    const { clock, events, guard } = userGuard({ maxKeys: 3 });
    guard.record({ userId: 'idle' }, 0.5);
    await clock.advance(HOUR + 60_000);
    for (const userId of ['a', 'b', 'c']) guard.record({ userId }, 0.5);
    expect(guard.spend('userId', 'a')).toBe(0.5); // `idle`, tracked longest, made room
    guard.record({ userId: 'd' }, 0.5); // full of live keys: the oldest (`a`) goes
    expect(guard.spend('userId', 'a')).toBe(0);
    expect(['b', 'c', 'd'].map((userId) => guard.spend('userId', userId))).toEqual([0.5, 0.5, 0.5]);
    for (let i = 0; i < 10_000; i++) guard.record({ userId: `attacker-${i}` }, 0.01);
    guard.record({ userId: 'd' }, 0.6);
    expect(events).toEqual([]); // `d` was evicted by the flood and starts again from 0.6
    expect(() =>
      createSpendGuard({
        limits: [{ by: 'userId', thresholdUsd: 1, windowMs: HOUR }],
        onExceeded() {},
        maxKeys: 0,
      }),
    ).toThrow(InvalidArgumentError);
  });
});
