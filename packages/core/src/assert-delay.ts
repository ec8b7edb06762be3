/**
 * Validation of a delay in milliseconds before it reaches a timer, where an out-of-range value
 * would silently fire at once (timers overflow past 2^31 - 1 ms, about 24.8 days).
 */
import { InvalidArgumentError } from './invalid-argument-error';

/** The longest delay a JavaScript timer can wait. */
export const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Throws an {@link InvalidArgumentError} unless `ms` is a finite number in [0, 2^31 - 1]. */
export function assertDelay(argument: string, ms: number): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_TIMER_DELAY_MS) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a finite number of milliseconds from 0 to ${MAX_TIMER_DELAY_MS}, got ${String(ms)}`,
    });
  }
}
