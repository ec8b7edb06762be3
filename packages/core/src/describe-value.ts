/**
 * How an error message shows the value it refused: short, and never the whole of a large one.
 */

/** Strings longer than this are cut in a message. */
const MAX_STRING = 40;

/**
 * A short rendering of any value for an error message: numbers, booleans, `null` and
 * `undefined` as written, strings quoted (cut after 40 characters), anything else by its kind.
 *
 * @example
 * ```ts
 * describeValue(-1); // '-1'
 * describeValue('5'); // '"5"'
 * describeValue({ a: 1 }); // 'an object'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}...` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}
