/**
 * A retry budget shared by many calls: retries may add at most `ratio` of the requests seen in
 * a sliding window (plus a small floor per second), so an outage does not multiply load.
 */
import { type Clock, systemClock } from '@keel/core';
import { assertNumber } from '@keel/core/internal';

/** Options of {@link retryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed per request in the window; default 0.1 (10 percent). */
  ratio?: number;
  /** Retries always allowed per second of window, for low traffic; default 1. */
  minRetriesPerSecond?: number;
  /** Window length; default 10 s. */
  windowMs?: number;
  clock?: Clock;
}

/** Requests and retries in a budget's window, and how many retries it allows. */
export interface RetryBudgetSnapshot {
  requests: number;
  retries: number;
  allowed: number;
}

/**
 * A shared retry budget. The in-process one answers synchronously; one shared across replicas
 * (`@keel/resilience/redis`) answers with promises, which `retry` awaits.
 */
export interface RetryBudget {
  /** Counts one logical request (retry calls this once per `execute`). */
  recordRequest(): void | Promise<void>;
  /** Takes one retry from the budget; false when it is spent. */
  tryRetry(): boolean | Promise<boolean>;
  /** Requests and retries in the window, and how many retries it allows. */
  snapshot(): RetryBudgetSnapshot | Promise<RetryBudgetSnapshot>;
}

/** The in-process budget: the same contract, answered at once. */
export interface LocalRetryBudget extends RetryBudget {
  recordRequest(): void;
  tryRetry(): boolean;
  snapshot(): RetryBudgetSnapshot;
}

/** Checks a budget's options and returns the seconds its window holds (one slot each). */
export function budgetSlots({
  ratio,
  minRetriesPerSecond,
  windowMs,
}: Required<Pick<RetryBudgetOptions, 'ratio' | 'minRetriesPerSecond' | 'windowMs'>>): number {
  assertNumber('ratio', ratio, { min: 0 });
  assertNumber('minRetriesPerSecond', minRetriesPerSecond, { min: 0 });
  assertNumber('windowMs', windowMs, { min: 1000, unit: 'milliseconds' });
  return Math.ceil(windowMs / 1000);
}

/**
 * Creates a retry budget to pass to any number of `retry` policies.
 *
 * @example
 * ```ts
 * const budget = retryBudget({ ratio: 0.2 });
 * const openaiRetry = retry({ budget });
 * const anthropicRetry = retry({ budget }); // one outage, one budget
 * ```
 */
export function retryBudget({
  ratio = 0.1,
  minRetriesPerSecond = 1,
  windowMs = 10_000,
  clock = systemClock,
}: RetryBudgetOptions = {}): LocalRetryBudget {
  const slots = budgetSlots({ ratio, minRetriesPerSecond, windowMs });
  // One slot per second: [second, requests, retries]; a ring indexed by second modulo slots.
  const seconds = new Float64Array(slots).fill(-1);
  const requests = new Float64Array(slots);
  const retries = new Float64Array(slots);

  const slot = (): number => {
    const second = Math.floor(clock.now() / 1000);
    const index = second % slots;
    if (seconds[index] !== second) {
      seconds[index] = second;
      requests[index] = 0;
      retries[index] = 0;
    }
    return index;
  };
  const totals = (): RetryBudgetSnapshot => {
    const oldest = Math.floor(clock.now() / 1000) - slots;
    let req = 0;
    let ret = 0;
    for (let i = 0; i < slots; i++) {
      if ((seconds[i] as number) > oldest) {
        req += requests[i] as number;
        ret += retries[i] as number;
      }
    }
    return {
      requests: req,
      retries: ret,
      allowed: Math.floor(req * ratio + minRetriesPerSecond * slots),
    };
  };

  return {
    recordRequest() {
      const index = slot();
      requests[index] = (requests[index] as number) + 1;
    },
    tryRetry() {
      const index = slot();
      const { retries: spent, allowed } = totals();
      if (spent >= allowed) return false;
      retries[index] = (retries[index] as number) + 1;
      return true;
    },
    snapshot: totals,
  };
}
