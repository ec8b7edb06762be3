import { describe, expect, it } from 'vitest';
import { addUsage, EMPTY_USAGE, USAGE_FIELDS } from './usage';

describe('usage arithmetic', () => {
  const a = {
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 4,
    cacheWriteTokens: 1,
    reasoningTokens: 2,
  };
  const b = {
    inputTokens: 7,
    outputTokens: 3,
    cacheReadTokens: 0,
    cacheWriteTokens: 6,
    reasoningTokens: 1,
  };

  it('adds field by field without touching its arguments', () => {
    expect(addUsage(a, b)).toEqual({
      inputTokens: 17,
      outputTokens: 8,
      cacheReadTokens: 4,
      cacheWriteTokens: 7,
      reasoningTokens: 3,
    });
    expect(a.inputTokens).toBe(10);
  });

  it('starts sums from a frozen zero', () => {
    expect([a, b].reduce(addUsage, EMPTY_USAGE)).toEqual(addUsage(a, b));
    expect(Object.isFrozen(EMPTY_USAGE)).toBe(true);
  });

  it('lists exactly the fields of Usage', () => {
    expect([...USAGE_FIELDS].sort()).toEqual(Object.keys(EMPTY_USAGE).sort());
    expect(Object.isFrozen(USAGE_FIELDS)).toBe(true);
  });
});
