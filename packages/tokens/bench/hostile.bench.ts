/**
 * Hostile input: long runs of one character (a single pre-tokenizer piece, merged by the
 * priority queue), emoji floods and random code units. Goal: 100,000 "a" and 100,000 spaces
 * each in at most 50 ms. Prints the first call in this process and the warm mean; gpt-tokenizer
 * is timed once on the two goal inputs (it takes seconds); js-tiktoken and tiktoken are left
 * out (minutes).
 */
import { countTokens as gptCount } from 'gpt-tokenizer/encoding/o200k_base';
import { bench, describe } from 'vitest';
import { loadEncoding } from '../dist/index.js';
import { meanMs, onceMs, printTable } from './measure';

const o200k = await loadEncoding('o200k_base');
let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed;
};

const inputs: Array<[string, string, boolean]> = [
  ['100,000 "a"', 'a'.repeat(100_000), true],
  ['100,000 spaces', ' '.repeat(100_000), true],
  ['100,000 "😀"', '😀'.repeat(100_000), false],
  ['100,000 combining marks', '\u0301'.repeat(100_000), false],
  [
    '100,000 random code units',
    String.fromCharCode(...Array.from({ length: 100_000 }, () => random() % 0x10000)),
    false,
  ],
  ['10,000,000 "a"', 'a'.repeat(10_000_000), false],
];

const rows = inputs.map(([name, text, comparePeer]) => {
  const first = onceMs(() => o200k.count(text));
  const warm =
    text.length > 1_000_000 ? onceMs(() => o200k.count(text)) : meanMs(() => o200k.count(text));
  const peer = comparePeer ? `${onceMs(() => gptCount(text)).toFixed(0)} ms` : 'not run';
  return [name, `${first.toFixed(1)} ms`, `${warm.toFixed(1)} ms`, peer];
});
printTable(
  'Hostile input, o200k_base count',
  ['input', '@keel/tokens first call', '@keel/tokens warm', 'gpt-tokenizer'],
  rows,
);

describe('hostile input', () => {
  for (const [name, text] of inputs.slice(0, 2)) {
    bench(`@keel/tokens ${name}`, () => {
      o200k.count(text);
    });
  }
});
