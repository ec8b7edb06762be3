/**
 * The check behind every numeric argument in Keel (counts, sizes, amounts, delays): a bad value
 * fails where it is passed, with the same wording in every package.
 */
import { describeValue } from './describe-value';
import { InvalidArgumentError } from './invalid-argument-error';

/** What {@link assertNumber} accepts. Bounds are inclusive, except `greaterThan`. */
export interface NumberRule {
  /** Only whole numbers. */
  integer?: boolean;
  /** The smallest value accepted. */
  min?: number;
  /** Only values strictly above this one, e.g. `0` for "any positive number". */
  greaterThan?: number;
  /** The largest value accepted. */
  max?: number;
  /** Also accept `Infinity`, e.g. as "no limit". */
  allowInfinity?: boolean;
  /** What the number counts, for the message: `'milliseconds'`, `'USD'`. */
  unit?: string;
  /** Advice appended to the message: `'leave it out for no timeout'`. */
  hint?: string;
}

function accepts(value: unknown, rule: NumberRule): boolean {
  if (typeof value !== 'number') return false;
  if (value === Number.POSITIVE_INFINITY && rule.allowInfinity) return true;
  if (!Number.isFinite(value) || (rule.integer && !Number.isInteger(value))) return false;
  if (rule.min !== undefined && value < rule.min) return false;
  if (rule.greaterThan !== undefined && value <= rule.greaterThan) return false;
  return rule.max === undefined || value <= rule.max;
}

/** What the rule accepts, in words: `a whole number of milliseconds from 1 to 2147483647`. */
function expected({ integer, min, greaterThan, max, allowInfinity, unit }: NumberRule): string {
  let words = integer ? 'a whole number' : 'a finite number';
  if (unit !== undefined) words += ` of ${unit}`;
  if (min !== undefined && max !== undefined && greaterThan === undefined) {
    words += ` from ${min} to ${max}`;
  } else {
    const bounds: string[] = [];
    if (greaterThan !== undefined) bounds.push(`> ${greaterThan}`);
    if (min !== undefined) bounds.push(`>= ${min}`);
    if (max !== undefined) bounds.push(`<= ${max}`);
    if (bounds.length > 0) words += ` ${bounds.join(' and ')}`;
  }
  return allowInfinity ? `${words} or Infinity` : words;
}

/**
 * Throws an {@link InvalidArgumentError} naming `argument` unless `value` is a number the rule
 * accepts. With no rule, any finite number passes. The message says what was expected, what
 * was got and, with `hint`, what else to do.
 *
 * @example
 * ```ts
 * assertNumber('maxSteps', maxSteps, { integer: true, min: 1 });
 * // maxSteps must be a whole number >= 1, got 0
 * assertNumber('maxCostUsd', maxCostUsd, { min: 0, unit: 'USD' });
 * // maxCostUsd must be a finite number of USD >= 0, got NaN
 * ```
 */
export function assertNumber(
  argument: string,
  value: unknown,
  rule: NumberRule = {},
): asserts value is number {
  if (accepts(value, rule)) return;
  const hint = rule.hint === undefined ? '' : `; ${rule.hint}`;
  throw new InvalidArgumentError({
    argument,
    message: `${argument} must be ${expected(rule)}, got ${describeValue(value)}${hint}`,
  });
}
