import fc from 'fast-check';
import { getEncoding } from 'js-tiktoken';
import { get_encoding as tiktokenWasm } from 'tiktoken';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEncoding } from './load-encoding';

// OpenAI's own tiktoken (its Rust core compiled to WebAssembly) is the reference.
const reference = {
  o200k_base: tiktokenWasm('o200k_base'),
  cl100k_base: tiktokenWasm('cl100k_base'),
};
afterAll(() => {
  reference.o200k_base.free();
  reference.cl100k_base.free();
});

const o200k = await loadEncoding('o200k_base');
const cl100k = await loadEncoding('cl100k_base');
const encodings = [o200k, cl100k];

function tiktokenIds(name: 'o200k_base' | 'cl100k_base', text: string): number[] {
  return Array.from(reference[name].encode_ordinary(text));
}

describe("tiktoken's published test vectors", () => {
  it('encodes and decodes "hello world"', () => {
    expect(cl100k.encode('hello world')).toEqual([15339, 1917]);
    expect(cl100k.decode([15339, 1917])).toBe('hello world');
  });

  it('splits contractions and newlines as tiktoken does', () => {
    expect(cl100k.encode('rer')).toEqual([38149]);
    expect(cl100k.encode("'rer")).toEqual([2351, 81]);
    expect(cl100k.encode('today\n ')).toEqual([31213, 198, 220]);
    expect(cl100k.encode('today\n \n')).toEqual([31213, 27907]);
    expect(cl100k.encode('today\n  \n')).toEqual([31213, 14211]);
  });

  it('treats U+0085 as whitespace, unlike JavaScript regular expressions', () => {
    expect(cl100k.encode(' \u00850')).toEqual([220, 126, 227, 15]);
  });

  it('encodes surrogate pairs as one character and lone surrogates as U+FFFD', () => {
    expect(cl100k.encode('👍')).toEqual([9468, 239, 235]);
    expect(cl100k.encode('\ud83d\udc4d')).toEqual([9468, 239, 235]);
    expect(cl100k.encode('\ud83d')).toEqual(cl100k.encode('\ufffd'));
    expect(o200k.encode('a\udc4db')).toEqual(o200k.encode('a\ufffdb'));
    expect(o200k.decode(o200k.encode('x\ud800'))).toBe('x\ufffd');
  });

  it('encodes the empty string to nothing', () => {
    for (const encoding of encodings) expect(encoding.encode('')).toEqual([]);
  });

  it('round-trips catastrophically repetitive text', () => {
    for (const encoding of encodings) {
      for (const char of ['^', '0', 'a', "'s", ' ', '\n']) {
        for (const text of [
          char.repeat(10_000),
          ` ${char.repeat(10_000)}`,
          ` ${char.repeat(10_000)}\n`,
        ]) {
          expect(encoding.decode(encoding.encode(text))).toBe(text);
        }
      }
    }
  });

  it('round-trips mixed scripts', () => {
    for (const encoding of encodings) {
      for (const text of [
        'hello',
        'hello ',
        'hello  ',
        ' hello',
        ' hello ',
        ' hello  ',
        '请考试我的软件！12345',
      ]) {
        expect(encoding.decode(encoding.encode(text))).toBe(text);
      }
    }
  });

  it('encodes special tokens in text as ordinary text', () => {
    expect(cl100k.encode('hello <|endoftext|>')).not.toContain(100257);
    expect(o200k.encode('<|endoftext|>')).toEqual(tiktokenIds('o200k_base', '<|endoftext|>'));
    expect(o200k.decode([199999])).toBe('<|endoftext|>');
    expect(o200k.specialTokens['<|endoftext|>']).toBe(199999);
  });
});

describe('agreement with tiktoken', () => {
  // Characters on every edge of the pre-tokenizer patterns: cased and uncased letters,
  // titlecase, modifier letters, combining marks, digits in several scripts, every kind of
  // whitespace (including U+0085 and U+3000), apostrophes and contraction letters (with the
  // long s that case-folds to "s"), slashes, emoji and lone surrogates.
  const tricky = fc.constantFrom(
    'a',
    'b',
    'z',
    'A',
    'Z',
    'ǅ',
    'ʰ',
    'ー',
    '中',
    'ก',
    '\u0301',
    '\u0903',
    '\u20dd',
    '1',
    '٣',
    'Ⅻ',
    '½',
    ' ',
    '  ',
    '\t',
    '\n',
    '\r',
    '\r\n',
    '\u0085',
    '\u00a0',
    '\u2028',
    '\u3000',
    '\ufeff',
    "'",
    's',
    'S',
    'ſ',
    't',
    'l',
    'L',
    'r',
    'e',
    'v',
    'm',
    'd',
    'D',
    '/',
    '.',
    ',',
    '!',
    '😀',
    '👍🏽',
    '\ud800',
    '\udc00',
    '\u0000',
    'é',
    'É',
    'ß',
    'ﬀ',
    'İ',
  );
  const trickyText = fc.array(tricky, { maxLength: 40 }).map((parts) => parts.join(''));

  for (const name of ['o200k_base', 'cl100k_base'] as const) {
    const ours = name === 'o200k_base' ? o200k : cl100k;

    it(`${name}: same ids as tiktoken on adversarial strings`, () => {
      fc.assert(
        fc.property(trickyText, (text) => {
          expect(ours.encode(text)).toEqual(tiktokenIds(name, text));
        }),
        { numRuns: 1500 },
      );
    });

    it(`${name}: same ids as tiktoken on arbitrary Unicode`, () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
          expect(ours.encode(text)).toEqual(tiktokenIds(name, text));
        }),
        { numRuns: 1000 },
      );
    });

    it(`${name}: same ids as js-tiktoken on ordinary text, and counts agree`, () => {
      const jsTiktoken = getEncoding(name);
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
          const ids = ours.encode(text);
          expect(ids).toEqual(jsTiktoken.encode(text));
          expect(ours.count(text)).toBe(ids.length);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('agrees on random long pieces merged by the priority queue', () => {
    const longWord = fc
      .array(fc.constantFrom('a', 'b', 'n', 'e', 'r', 'é', '中', '\u0301'), {
        minLength: 65,
        maxLength: 400,
      })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(longWord, (text) => {
        expect(o200k.encode(text)).toEqual(tiktokenIds('o200k_base', text));
        expect(cl100k.encode(text)).toEqual(tiktokenIds('cl100k_base', text));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on long pieces merged by the priority queue', () => {
    const samples = [
      'abcdefghij'.repeat(300),
      'ab'.repeat(2_000),
      `${'x'.repeat(5_000)}y${'z'.repeat(5_000)}`,
      ' '.repeat(3_001),
      '😀'.repeat(700),
      'ABCDEFG'.repeat(500),
      '中文字符'.repeat(400),
      '\u0301'.repeat(999),
    ];
    for (const text of samples) {
      expect(o200k.encode(text)).toEqual(tiktokenIds('o200k_base', text));
      expect(cl100k.encode(text)).toEqual(tiktokenIds('cl100k_base', text));
    }
  });
});

describe('hostile input', () => {
  it('counts long runs of one character, emoji floods and random bytes', () => {
    const inputs = [
      'a'.repeat(200_000),
      ' '.repeat(200_000),
      '\u0301'.repeat(100_000),
      '😀'.repeat(50_000),
      'A'.repeat(100_000),
      '\ud800'.repeat(50_000),
      String.fromCharCode(...Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 0xffff)),
    ];
    for (const text of inputs) {
      const count = o200k.count(text);
      expect(count).toBeGreaterThan(0);
      expect(count).toBe(o200k.encode(text).length);
    }
  });

  it('rejects what is not text or tokens', () => {
    expect(() => o200k.count(42 as unknown as string)).toThrow(/text must be a string, got 42/);
    expect(() => o200k.encode(undefined as unknown as string)).toThrow(/text must be a string/);
    expect(() => o200k.decode([300_000])).toThrow(/300000 is not a token of o200k_base/);
    expect(() => o200k.decode('abc' as unknown as number[])).toThrow(/tokens must be an array/);
  });
});

describe('isWithinLimit', () => {
  it('is true up to the count and false above it', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';
    const count = o200k.count(text);
    expect(o200k.isWithinLimit(text, count)).toBe(true);
    expect(o200k.isWithinLimit(text, count - 1)).toBe(false);
    expect(o200k.isWithinLimit('', 0)).toBe(true);
  });

  it('rejects a huge input early, and agrees with count near the limit', () => {
    expect(o200k.isWithinLimit('a'.repeat(5_000_000), 10)).toBe(false);
    const run = 'a'.repeat(1_000);
    const count = o200k.count(run);
    expect(o200k.isWithinLimit(run, count)).toBe(true);
    expect(o200k.isWithinLimit(run, count - 1)).toBe(false);
  });

  it('rejects negative, fractional and NaN limits', () => {
    expect(() => o200k.isWithinLimit('x', -1)).toThrow(
      /limit must be a whole number >= 0 or Infinity, got -1/,
    );
    expect(() => o200k.isWithinLimit('x', 1.5)).toThrow(/limit/);
    expect(() => o200k.isWithinLimit('x', Number.NaN)).toThrow(/got NaN/);
  });
});
