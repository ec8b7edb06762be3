/**
 * Counting throughput against js-tiktoken, gpt-tokenizer and tiktoken (WASM), in one process,
 * on about 1 MB each of prose, code and CJK text. Each corpus is 1,000,000 UTF-8 bytes, so
 * ops/s (hz) reads directly as MB/s. @keel/tokens is measured as published (the built dist/),
 * since Vitest's module runner slows calls between source modules.
 */

import { countTokens as gptCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { countTokens as gptO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { getEncoding } from 'js-tiktoken';
import { get_encoding } from 'tiktoken';
import { bench, describe } from 'vitest';
import { loadEncoding } from '../dist/index.js';
import { loadCorpora } from './corpora';

const corpora = loadCorpora();
const peers = {
  o200k_base: { gpt: gptO200k, js: getEncoding('o200k_base'), wasm: get_encoding('o200k_base') },
  cl100k_base: {
    gpt: gptCl100k,
    js: getEncoding('cl100k_base'),
    wasm: get_encoding('cl100k_base'),
  },
};

for (const name of ['o200k_base', 'cl100k_base'] as const) {
  const ours = await loadEncoding(name);
  const { gpt, js, wasm } = peers[name];
  for (const [corpus, text] of Object.entries(corpora)) {
    describe(`${name} ${corpus} (1 MB)`, () => {
      const options = { time: 2_000, warmupTime: 500 };
      bench(
        '@keel/tokens count',
        () => {
          ours.count(text);
        },
        options,
      );
      bench(
        'gpt-tokenizer countTokens',
        () => {
          gpt(text);
        },
        options,
      );
      bench(
        'tiktoken (WASM) encode_ordinary',
        () => {
          wasm.encode_ordinary(text);
        },
        options,
      );
      // js-tiktoken takes seconds per megabyte of CJK text: one timed run.
      bench(
        'js-tiktoken encode',
        () => {
          js.encode(text);
        },
        { time: 0, iterations: 1, warmupIterations: 0 },
      );
    });
  }
}
