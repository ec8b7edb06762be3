/**
 * Redaction throughput on 1 MB of mixed log text (see corpus.ts), as one string and as the
 * same text split into log lines redacted one by one. For scale, a single regular-expression
 * pass (e-mails only) over the same text. @keel/observability is measured as published (the
 * built dist/). MB/s = hz x 1.
 */
import { bench, describe } from 'vitest';
import { redact } from '../dist/index.js';
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
