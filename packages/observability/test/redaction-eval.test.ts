import { describe, expect, it } from 'vitest';
import { redact } from '../src/index';
import { evaluate } from './fixtures/redaction-corpus';

describe('redaction on the labelled synthetic set', () => {
  const result = evaluate((text) => redact(text));

  it('detects every synthetic secret and PII sample', () => {
    expect(result.positives).toBeGreaterThan(500);
    expect(result.detection).toEqual(
      Object.fromEntries(Object.keys(result.detection).map((rule) => [rule, 1])),
    );
  });

  it('leaves ordinary prose alone', () => {
    expect(result.proseFalsePositives).toEqual([]);
  });

  it('flags almost no lines of real source code', () => {
    expect(result.codeLines).toBeGreaterThan(1_000);
    expect(result.codeFalsePositives.length / result.codeLines).toBeLessThan(0.005);
  });
});
