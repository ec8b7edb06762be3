import { describe, expect, it } from 'vitest';
import { assertDelay, MAX_TIMER_DELAY_MS } from './assert-delay';
import { assertNumber } from './assert-number';
import { InvalidArgumentError } from './invalid-argument-error';

function messageOf(check: () => void): string {
  try {
    check();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the check to throw');
}

describe('assertNumber', () => {
  it.each([
    [0, {}],
    [-2.5, {}],
    [1, { integer: true, min: 1 }],
    [1, { integer: true, min: 1, max: 1 }],
    [0.5, { greaterThan: 0, max: 1 }],
    [Number.POSITIVE_INFINITY, { integer: true, min: 0, allowInfinity: true }],
  ])('accepts %s under %o', (value, rule) => {
    expect(() => assertNumber('n', value, rule)).not.toThrow();
  });

  it.each([
    [Number.NaN, {}, 'n must be a finite number, got NaN'],
    [Number.POSITIVE_INFINITY, { min: 0 }, 'n must be a finite number >= 0, got Infinity'],
    ['5', { min: 0 }, 'n must be a finite number >= 0, got "5"'],
    [undefined, {}, 'n must be a finite number, got undefined'],
    [{}, {}, 'n must be a finite number, got an object'],
    [1.5, { integer: true, min: 1 }, 'n must be a whole number >= 1, got 1.5'],
    [0, { integer: true, min: 1, max: 9 }, 'n must be a whole number from 1 to 9, got 0'],
    [0, { greaterThan: 0 }, 'n must be a finite number > 0, got 0'],
    [2, { greaterThan: 0, max: 1 }, 'n must be a finite number > 0 and <= 1, got 2'],
    [11, { max: 10 }, 'n must be a finite number <= 10, got 11'],
    [-1, { min: 0, unit: 'USD' }, 'n must be a finite number of USD >= 0, got -1'],
    [
      -1,
      { integer: true, min: 0, allowInfinity: true },
      'n must be a whole number >= 0 or Infinity, got -1',
    ],
    [
      Number.NEGATIVE_INFINITY,
      { min: 0, allowInfinity: true },
      'n must be a finite number >= 0 or Infinity, got -Infinity',
    ],
    [
      -1,
      { min: 0, hint: 'pass 0 to disable' },
      'n must be a finite number >= 0, got -1; pass 0 to disable',
    ],
  ])('refuses %s under %o: %s', (value, rule, message) => {
    expect(messageOf(() => assertNumber('n', value, rule))).toBe(message);
  });

  it('names the argument on the error', () => {
    try {
      assertNumber('limits.maxDepth', 0, { integer: true, min: 1 });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe('limits.maxDepth');
    }
    expect.assertions(2);
  });
});

describe('assertDelay', () => {
  it('accepts 0 to 2^31 - 1 milliseconds by default', () => {
    expect(() => assertDelay('ms', 0)).not.toThrow();
    expect(() => assertDelay('ms', MAX_TIMER_DELAY_MS)).not.toThrow();
    expect(messageOf(() => assertDelay('ms', MAX_TIMER_DELAY_MS + 1))).toBe(
      'ms must be a finite number of milliseconds from 0 to 2147483647, got 2147483648',
    );
  });

  it('takes a lower bound of its own, replacing 0', () => {
    expect(messageOf(() => assertDelay('timeoutMs', 0, { integer: true, min: 1 }))).toBe(
      'timeoutMs must be a whole number of milliseconds from 1 to 2147483647, got 0',
    );
    expect(
      messageOf(() =>
        assertDelay('idleTimeoutMs', 0, { greaterThan: 0, hint: 'leave it out for no timeout' }),
      ),
    ).toBe(
      'idleTimeoutMs must be a finite number of milliseconds > 0 and <= 2147483647, got 0; leave it out for no timeout',
    );
  });
});
