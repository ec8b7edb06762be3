/**
 * The spend guard: sums cost per user, tenant or feature over a sliding window and fires a hook
 * when a sum passes its threshold. It watches; it never blocks a call (use a budget from
 * `@keel/tokens` for that).
 */
import { type Clock, InvalidArgumentError, type RequestMetadata, systemClock } from '@keel/core';
import { assertNumber } from '@keel/core/internal';

/** One limit: spend grouped by a metadata field over a window. */
export interface SpendLimit {
  /** The `RequestMetadata` field to group by: `'userId'`, `'feature'`, `'tenantId'`... */
  by: string;
  /** Fires when the window's spend passes this many US dollars. */
  thresholdUsd: number;
  /** The sliding window in milliseconds, e.g. `3_600_000` for an hour. */
  windowMs: number;
}

/** What the hook receives. */
export interface SpendExceededEvent {
  by: string;
  /** The value of the `by` field, e.g. the user id. */
  key: string;
  spendUsd: number;
  thresholdUsd: number;
  windowMs: number;
}

/** Options of {@link createSpendGuard}. */
export interface SpendGuardOptions {
  limits: readonly SpendLimit[];
  /**
   * Called once when a key's spend passes a limit; again only after the spend has fallen back
   * below it as the window slid. Must not throw (an error is swallowed).
   */
  onExceeded: (event: SpendExceededEvent) => void;
  clock?: Clock;
  /** Resolution of the window: it slides in this many steps. Default 60. */
  buckets?: number;
  /**
   * Keys tracked per limit. Past it, the key tracked longest is forgotten (its spend starts
   * again from 0), so ids from untrusted input cannot grow memory without bound. Default 100,000.
   */
  maxKeys?: number;
}

/** A spend guard. */
export interface SpendGuard {
  /** Adds one call's cost. `createObservability({ spendGuard })` calls it for every model call. */
  record(metadata: RequestMetadata | undefined, costUsd: number): void;
  /** Spend of one key under one limit's window, e.g. `spend('userId', 'u1')`. */
  spend(by: string, key: string): number;
}

interface Window {
  /** [bucket start, dollars] pairs, oldest first. */
  buckets: [number, number][];
  total: number;
  fired: boolean;
}

/**
 * Creates a spend guard.
 *
 * @example
 * ```ts
 * const spendGuard = createSpendGuard({
 *   limits: [{ by: 'userId', thresholdUsd: 5, windowMs: 86_400_000 }],
 *   onExceeded: ({ key, spendUsd }) => alert(`user ${key} spent $${spendUsd} today`),
 * });
 * const obs = createObservability({ spendGuard });
 * ```
 */
export function createSpendGuard(options: SpendGuardOptions): SpendGuard {
  const { limits, onExceeded, clock = systemClock, buckets = 60, maxKeys = 100_000 } = options;
  if (!Array.isArray(limits) || limits.length === 0) {
    throw new InvalidArgumentError({
      argument: 'limits',
      message: 'limits must be a non-empty array of { by, thresholdUsd, windowMs }',
    });
  }
  for (const limit of limits) {
    if (typeof limit.by !== 'string' || limit.by === '') {
      throw new InvalidArgumentError({
        argument: 'limits',
        message: 'each limit needs a `by` field name',
      });
    }
    assertNumber('thresholdUsd', limit.thresholdUsd, { min: 0, unit: 'USD' });
    assertNumber('windowMs', limit.windowMs, { greaterThan: 0, unit: 'milliseconds' });
  }
  assertNumber('buckets', buckets, { integer: true, min: 1 });
  assertNumber('maxKeys', maxKeys, { integer: true, min: 1 });
  const tracked = limits.map((limit) => ({ limit, windows: new Map<string, Window>() }));

  function slide(window: Window, limit: SpendLimit, now: number): void {
    while (
      window.buckets.length > 0 &&
      (window.buckets[0] as [number, number])[0] <= now - limit.windowMs
    ) {
      window.total -= (window.buckets.shift() as [number, number])[1];
    }
    if (window.buckets.length === 0) window.total = 0; // no float residue
    if (window.total <= limit.thresholdUsd) window.fired = false;
  }

  function sweep(map: Map<string, Window>, limit: SpendLimit, now: number): void {
    for (const [key, window] of map) {
      slide(window, limit, now);
      if (window.buckets.length === 0) map.delete(key);
    }
  }

  /**
   * Forgets the key tracked longest (maps keep insertion order), in O(1): sweeping the map for
   * idle keys on every new key would let a flood of ids cost O(maxKeys) per call.
   */
  function makeRoom(map: Map<string, Window>): void {
    for (const key of map.keys()) {
      map.delete(key);
      return;
    }
  }

  let recorded = 0;
  return {
    record(metadata, costUsd) {
      if (!metadata || !Number.isFinite(costUsd) || costUsd <= 0) return;
      const now = clock.now();
      for (const { limit, windows } of tracked) {
        const key = metadata[limit.by];
        if (typeof key !== 'string' || key === '') continue;
        let window = windows.get(key);
        if (!window) {
          if (windows.size >= maxKeys) makeRoom(windows);
          window = { buckets: [], total: 0, fired: false };
          windows.set(key, window);
        }
        slide(window, limit, now);
        const width = limit.windowMs / buckets;
        const start = Math.floor(now / width) * width;
        const last = window.buckets[window.buckets.length - 1];
        if (last && last[0] === start) last[1] += costUsd;
        else window.buckets.push([start, costUsd]);
        window.total += costUsd;
        if (!window.fired && window.total > limit.thresholdUsd) {
          window.fired = true;
          const { by, thresholdUsd, windowMs } = limit;
          try {
            onExceeded({ by, key, spendUsd: window.total, thresholdUsd, windowMs });
          } catch {
            // A failing hook must not fail the call that was being recorded.
          }
        }
      }
      // Forget idle keys now and then, so one-off users do not accumulate.
      if (++recorded % 1_000 === 0) {
        for (const { limit, windows } of tracked) sweep(windows, limit, now);
      }
    },
    spend(by, key) {
      const now = clock.now();
      let total = 0;
      for (const { limit, windows } of tracked) {
        const window = limit.by === by ? windows.get(key) : undefined;
        if (!window) continue;
        slide(window, limit, now);
        total = Math.max(total, window.total);
      }
      return total;
    },
  };
}
