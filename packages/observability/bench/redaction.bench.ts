/**
 * Redaction throughput on 1 MB of mixed log text (see corpus.ts), as one string and as the
 * same text split into log lines redacted one by one. For scale, a single regular-expression
 * pass (e-mails only) over the same text. @keel/observability is measured as published (the
 * built dist/). MB/s = hz x 1.
 */
import { bench, describe } from 'vitest';
import { createRedactor, DEFAULT_REDACTION_RULES, redact } from '../dist/index.js';
import { adversarial, fill, SIZE } from '../test/fixtures/adversarial';
import { mixedLogText } from './corpus';

const text = mixedLogText();
const lines = text.split('\n');
const EMAIL =
  /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g;
const options = { maxStringLength: 2_000_000 };

describe(`redact ${(text.length / 1_048_576).toFixed(2)} MB of mixed log text`, () => {
  bench('redact(text), one string', () => {
    redact(text, options);
  });
  bench(`redact(line) for each of ${lines.length} lines`, () => {
    for (const line of lines) redact(line);
  });
  bench('baseline: one regex pass (e-mails only)', () => {
    text.replace(EMAIL, '[REDACTED:email]');
  });
});

/**
 * Linear time on hostile text, measured: each rule on its adversarial inputs at 64 KB and at
 * 256 KB. A linear rule's 256 KB time is about 4x its 64 KB time; a quadratic one's is 16x.
 */
for (const size of [SIZE / 4, SIZE]) {
  describe(`every default rule on ${size / 1024} KB of adversarial text`, () => {
    for (const rule of DEFAULT_REDACTION_RULES) {
      const texts = (adversarial[rule.id] ?? []).map((unit) => fill(unit, size));
      const redactor = createRedactor({ rules: [rule], maxStringLength: 2 * size });
      bench(rule.id, () => {
        for (const text of texts) redactor(text);
      });
    }
  });
}
