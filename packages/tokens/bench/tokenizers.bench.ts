/**
 * Counting throughput against gpt-tokenizer, tiktoken (WASM) and js-tiktoken, in one process,
 * on 1,000,000 UTF-8 bytes each of prose, code and CJK text, for o200k_base and cl100k_base.
 * Prints a table of MB/s with the ratio to gpt-tokenizer (goal: >= 1.0x everywhere), then
 * lets Vitest compare the three fast libraries. @keel/tokens is measured as published (the
 * built dist/): Vitest's module runner slows calls between source modules.
 */

import { countTokens as gptCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as gptO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { getEncoding } from 'js-tiktoken';
import { get_encoding } from 'tiktoken';
import { bench, describe } from 'vitest';
import { loadEncoding } from '../dist/index.js';
import { loadCorpora } from './corpora';
import { meanMs, onceMs, printTable } from './measure';

const corpora = loadCorpora();
const MB = 1;
const rows: string[][] = [];
const libraries = [];

for (const name of ['o200k_base', 'cl100k_base'] as const) {
  const ours = await loadEncoding(name);
  const gpt = name === 'o200k_base' ? gptO200k : gptCl100k;
  const wasm = get_encoding(name);
  const js = getEncoding(name);
  libraries.push({ name, ours, gpt, wasm });
  for (const [corpus, text] of Object.entries(corpora)) {
    const oursMs = meanMs(() => ours.count(text));
    const gptMs = meanMs(() => gpt(text));
    const wasmMs = meanMs(() => wasm.encode_ordinary(text));
    // js-tiktoken takes seconds per megabyte of CJK text: one cold run.
    const jsMs = onceMs(() => js.encode(text));
    rows.push([
      name,
      corpus,
      (MB / (oursMs / 1000)).toFixed(1),
      (MB / (gptMs / 1000)).toFixed(1),
      `${(gptMs / oursMs).toFixed(2)}x`,
      (MB / (wasmMs / 1000)).toFixed(1),
      (MB / (jsMs / 1000)).toFixed(2),
    ]);
  }
}
printTable(
  'Counting throughput, MB/s (1 MB corpora)',
  [
    'encoding',
    'corpus',
    '@keel/tokens',
    'gpt-tokenizer',
    'ratio',
    'tiktoken (WASM)',
    'js-tiktoken',
  ],
  rows,
);

for (const { name, ours, gpt, wasm } of libraries) {
  describe(`${name} prose (1 MB)`, () => {
    const text = corpora.prose;
    bench('@keel/tokens count', () => {
      ours.count(text);
    });
    bench('gpt-tokenizer countTokens', () => {
      gpt(text);
    });
    bench('tiktoken (WASM) encode_ordinary', () => {
      wasm.encode_ordinary(text);
    });
  });
}
