/**
 * Hostile input: long runs of one character (a single pre-tokenizer piece, merged by the
 * heap), emoji floods and random code points. Goal: 100,000 "a" and 100,000 spaces each in
 * at most 50 ms. gpt-tokenizer is timed once per input (it takes seconds); js-tiktoken and
 * tiktoken are left out (minutes).
 */
import { countTokens as gptCount } from 'gpt-tokenizer/encoding/o200k_base';
import { bench, describe } from 'vitest';
import { loadEncoding } from '../dist/index.js';

const o200k = await loadEncoding('o200k_base');
let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed;
};

const inputs: Record<string, string> = {
  '100,000 "a"': 'a'.repeat(100_000),
  '100,000 spaces': ' '.repeat(100_000),
  '100,000 "😀"': '😀'.repeat(100_000),
  '100,000 combining marks': '\u0301'.repeat(100_000),
  '100,000 random code units': String.fromCharCode(
    ...Array.from({ length: 100_000 }, () => random() % 0x10000),
  ),
};

for (const [name, text] of Object.entries(inputs)) {
  describe(name, () => {
    bench('@keel/tokens count', () => {
      o200k.count(text);
    });
    bench(
      'gpt-tokenizer countTokens',
      () => {
        gptCount(text);
      },
      { time: 0, iterations: 1, warmupIterations: 0 },
    );
  });
}

describe('10 MB of one character', () => {
  const text = 'a'.repeat(10_000_000);
  bench(
    '@keel/tokens count',
    () => {
      o200k.count(text);
    },
    { time: 0, iterations: 2, warmupIterations: 0 },
  );
});
