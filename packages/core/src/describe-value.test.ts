import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value';

describe('describeValue', () => {
  it.each([
    [42, '42'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    [true, 'true'],
    [null, 'null'],
    [undefined, 'undefined'],
    [10n, '10n'],
    ['five', '"five"'],
    [[1, 2], 'an array'],
    [{ a: 1 }, 'an object'],
    [() => 1, 'a function'],
  ])('shows %o as %s', (value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  it('cuts a long string after 40 characters', () => {
    expect(describeValue('x'.repeat(10_000))).toBe(`"${'x'.repeat(40)}..."`);
  });
});
