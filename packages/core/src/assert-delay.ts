/**
 * Validation of a delay in milliseconds before it reaches a timer, where an out-of-range value
 * would silently fire at once (timers overflow past 2^31 - 1 ms, about 24.8 days).
 */
import { assertNumber, type NumberRule } from './assert-number';

/** The longest delay a JavaScript timer can wait. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** What {@link assertDelay} accepts beyond a number of milliseconds a timer can wait. */
export type DelayRule = Pick<NumberRule, 'integer' | 'min' | 'greaterThan' | 'hint'>;

/**
 * Throws an {@link InvalidArgumentError} unless `ms` is a finite number of milliseconds from
 * 0 (or the rule's own lower bound) to 2^31 - 1.
 *
 * @example
 * ```ts
 * assertDelay('ms', ms);
 * // ms must be a finite number of milliseconds from 0 to 2147483647, got -1
 * assertDelay('idleTimeoutMs', idleTimeoutMs, { greaterThan: 0, hint: 'leave it out for no timeout' });
 * ```
 */
export function assertDelay(
  argument: string,
  ms: unknown,
  rule: DelayRule = {},
): asserts ms is number {
  const lower = rule.min === undefined && rule.greaterThan === undefined ? { min: 0 } : {};
  assertNumber(argument, ms, {
    ...lower,
    ...rule,
    max: MAX_TIMER_DELAY_MS,
    unit: 'milliseconds',
  });
}
