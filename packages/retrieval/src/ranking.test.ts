import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { compileFilter } from './filter';
import { maximalMarginalRelevance } from './maximal-marginal-relevance';
import { reciprocalRankFusion } from './reciprocal-rank-fusion';
import { removeNearDuplicates } from './remove-near-duplicates';

describe('reciprocalRankFusion', () => {
  it('rewards items ranked well in several lists, with weights', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['c', 'a', 'd'],
    ]);
    expect(fused.map((entry) => entry.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 62);
    const weighted = reciprocalRankFusion([['a'], ['b']], { weights: [1, 2] });
    expect(weighted[0]?.id).toBe('b');
  });

  it('takes k from 0, leaves out lists of weight 0, and refuses negative or non-finite values', () => {
    expect(reciprocalRankFusion([['a', 'b']], { k: 0 }).map((entry) => entry.score)).toEqual([
      1, 0.5,
    ]);
    expect(reciprocalRankFusion([['a'], ['b']], { weights: [0, 1] })).toEqual([
      { id: 'b', score: 1 / 61 },
    ]);
    expect(() => reciprocalRankFusion([['a']], { k: -1 })).toThrow(InvalidArgumentError);
    expect(() => reciprocalRankFusion([['a']], { weights: [1, Number.NaN] })).toThrow(
      /weights\[1\] must be a finite number >= 0/,
    );
  });
});

describe('maximalMarginalRelevance', () => {
  it('trades relevance for diversity', () => {
    const candidates = [
      { item: 'a', vector: [1, 0] },
      { item: 'a-copy', vector: [0.99, 0.01] },
      { item: 'b', vector: [0.6, 0.8] },
    ];
    expect(maximalMarginalRelevance({ query: [1, 0], candidates, k: 2, lambda: 1 })).toEqual([
      'a',
      'a-copy',
    ]);
    expect(maximalMarginalRelevance({ query: [1, 0], candidates, k: 2, lambda: 0.3 })).toEqual([
      'a',
      'b',
    ]);
  });
});

describe('removeNearDuplicates', () => {
  it('keeps the first of near-identical texts', () => {
    const texts = [
      'Rotate API keys every ninety days and revoke leaked keys.',
      'Rotate API keys every ninety days and revoke leaked keys!',
      'Billing happens monthly.',
    ];
    expect(removeNearDuplicates(texts, { text: (text) => text })).toEqual([texts[0], texts[2]]);
    expect(removeNearDuplicates(texts, { text: (text) => text, threshold: 1.01 })).toEqual(texts);
  });
});

describe('compileFilter', () => {
  it('matches values, any-of lists, array fields and missing fields as null', () => {
    const allowed = compileFilter({ tenant: 'acme', lang: ['en', 'fr'], deleted: null });
    expect(allowed?.({ tenant: 'acme', lang: 'fr' })).toBe(true);
    expect(allowed?.({ tenant: 'acme', lang: 'de' })).toBe(false);
    expect(allowed?.({ tenant: 'acme', lang: 'en', deleted: true })).toBe(false);
    expect(compileFilter({ tags: 'x' })?.({ tags: ['x', 'y'] })).toBe(true);
    expect(compileFilter(undefined)).toBeUndefined();
    expect(() => compileFilter('tenant=acme' as never)).toThrow(/filter must be/);
    // A query-language object would otherwise match nothing, silently.
    expect(() => compileFilter({ tenant: { $in: ['acme'] } } as never)).toThrow(
      /field "tenant" must be/,
    );
    expect(() => compileFilter({ tags: [['x']] } as never)).toThrow(InvalidArgumentError);
  });
});
