import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnalyzerOptions, createAnalyzer } from './analyze';
import { createBm25Index } from './bm25-index';

const word = fc.stringMatching(/^[a-z]{2,8}$/);
const capitalised = (text: string) => `${text[0]?.toUpperCase()}${text.slice(1)}`;
/** An identifier made of words, in one of the usual styles. */
const identifier = fc
  .tuple(
    fc.array(word, { minLength: 2, maxLength: 4 }),
    fc.constantFrom('camel', 'snake', 'screaming', 'dotted'),
  )
  .map(([words, style]) => ({
    words,
    text:
      style === 'camel'
        ? words[0] + words.slice(1).map(capitalised).join('')
        : style === 'snake'
          ? words.join('_')
          : style === 'screaming'
            ? words.join('_').toUpperCase()
            : words.join('.'),
  }));

describe('identifier analysis (property)', () => {
  it('is deterministic, and an identifier is found by itself and by each of its words', () => {
    const analyze = createAnalyzer({ identifiers: true, stemming: true, stopWords: true });
    fc.assert(
      fc.property(identifier, fc.array(word, { maxLength: 6 }), ({ words, text }, filler) => {
        const document = `${filler.join(' ')} ${text} ${filler.join(' ')}`;
        expect(analyze(document)).toEqual(analyze(document));
        const index = createBm25Index({ identifiers: true, stemming: true, stopWords: true });
        index.add([
          { id: 'defines', text: document },
          { id: 'other', text: 'unrelated text' },
        ]);
        expect(index.search(text, { k: 1 })[0]?.id).toBe('defines');
        for (const part of words) {
          if (analyze(part).length === 0) continue; // a stop word
          expect(index.search(part, { k: 1 })[0]?.id).toBe('defines');
        }
      }),
      { numRuns: 200 },
    );
  });
});

/** Text of words with diacritics, compatibility forms, marks of other scripts and code. */
const unicodeText = fc
  .array(
    fc.oneof(
      word,
      fc.constantFrom(
        'Café',
        'naïve',
        'ﬁle',
        'Ｖ２',
        'Straße',
        'ÉtatCivil',
        'être',
        'Été',
        'йогурт',
        'ἀλήθεια',
        'हिन्दी',
        'İstanbul',
        'max_tokens',
        'keel.cost_usd',
        'normaliseUsage',
        'behaviour',
        'catalogues',
        'analysed',
        'THE',
        'e\u0301',
        '½',
      ),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    ),
    { maxLength: 12 },
  )
  .map((words) => words.join(' '));

describe('analysis without stemming (property)', () => {
  const variants: AnalyzerOptions[] = [
    {},
    { stopWords: true },
    { stopWords: 'lucene' },
    { language: 'french', stopWords: true },
    { language: 'german', stopWords: true },
    { folding: false, stopWords: true },
    { spelling: true, stopWords: true },
  ];

  it('is idempotent: analysing the joined terms again gives the same terms', () => {
    for (const options of variants) {
      const analyze = createAnalyzer(options);
      fc.assert(
        fc.property(unicodeText, (text) => {
          const terms = analyze(text);
          expect(analyze(terms.join(' '))).toEqual(terms);
        }),
        { numRuns: 150 },
      );
    }
  });

  it('with identifiers and folding, keeps every term when the joined terms are read again', () => {
    // Not the same set: a lowered identifier has lost its case, so `keel.costUsd` read again
    // also gives `costusd`. And folding is needed: without NFKC a capital with no lower-case form
    // (mathematical 𝐀) stays capital in the lowered identifier and splits it when read again.
    for (const options of variants.filter(({ folding }) => folding !== false)) {
      const analyze = createAnalyzer({ ...options, identifiers: true });
      fc.assert(
        fc.property(unicodeText, (text) => {
          const terms = analyze(text);
          const again = new Set(analyze(terms.join(' ')));
          expect(terms.filter((term) => !again.has(term))).toEqual([]);
        }),
        { numRuns: 150 },
      );
    }
  });
});
