import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document';
import { DEFAULT_HYBRID, fuseHybrid, hybridSettings } from './hybrid-fusion';
import type { Chunk } from './types';

describe('hybridSettings', () => {
  it('fills in the defaults and keeps what is given', () => {
    expect(hybridSettings()).toEqual(DEFAULT_HYBRID);
    expect(hybridSettings({ k: 20, bm25Weight: 0.5, headingWeight: undefined })).toEqual({
      ...DEFAULT_HYBRID,
      k: 20,
      bm25Weight: 0.5,
    });
    expect(hybridSettings({ k: 0, vectorWeight: 0 })).toMatchObject({ k: 0, vectorWeight: 0 });
  });

  it('refuses negative or non-finite values, and both list weights at 0, naming the option', () => {
    for (const [options, name] of [
      [{ k: -1 }, /hybrid\.k must be a finite number >= 0, got -1/],
      [{ vectorWeight: Number.NaN }, /hybrid\.vectorWeight must be/],
      [{ bm25Weight: Number.POSITIVE_INFINITY }, /hybrid\.bm25Weight must be/],
      [{ headingWeight: '1' as never }, /hybrid\.headingWeight must be/],
      [{ vectorWeight: 0, bm25Weight: 0 }, /mode "vector" or "bm25"/],
    ] as const) {
      expect(() => hybridSettings(options)).toThrow(InvalidArgumentError);
      expect(() => hybridSettings(options)).toThrow(name);
    }
  });
});

describe('fuseHybrid', () => {
  const none = new Map<string, Chunk>();
  /** The original paper's constant, every list weighing 1. */
  const even = { k: 60, vectorWeight: 1, bm25Weight: 1, headingWeight: 1 };
  const ids = (fused: Array<{ id: string }>) => fused.map((entry) => entry.id);
  const lists = [
    ['a', 'b', 'c'],
    ['c', 'd', 'b'],
  ] as const;

  it('lets a smaller k favour the top of one list over the middle of both', () => {
    const settings = { ...even, headingWeight: 0 };
    expect(ids(fuseHybrid('q', lists, none, { ...settings, k: 60 }))).toEqual(['c', 'b', 'a', 'd']);
    expect(ids(fuseHybrid('q', lists, none, { ...settings, k: 0 }))).toEqual(['c', 'a', 'b', 'd']);
  });

  it('weighs each list, and leaves out a list of weight 0', () => {
    const settings = { ...even, headingWeight: 0 };
    expect(ids(fuseHybrid('q', lists, none, { ...settings, vectorWeight: 0 }))).toEqual([
      'c',
      'd',
      'b',
    ]);
    expect(ids(fuseHybrid('q', lists, none, { ...settings, bm25Weight: 3 }))).toEqual([
      'c',
      'b',
      'd',
      'a',
    ]);
  });

  it('adds the heading list of the candidates unless its weight is 0', async () => {
    const chunks = [
      ...(await chunkDocument({
        id: 'retry.md',
        text: '# Retry\n\nThe circuit breaker stops retries.\n',
      })),
      ...(await chunkDocument({
        id: 'breaker.md',
        text: '# Circuit breaker\n\nOpens after failures.\n',
      })),
    ];
    const known = new Map(chunks.map((chunk) => [chunk.id, chunk]));
    const both = [
      ['retry.md#0', 'breaker.md#0'],
      ['retry.md#0', 'breaker.md#0'],
    ] as const;
    const query = 'circuit breaker';
    expect(ids(fuseHybrid(query, both, known, even))[0]).toBe('breaker.md#0');
    expect(ids(fuseHybrid(query, both, known, { ...even, headingWeight: 0 }))[0]).toBe(
      'retry.md#0',
    );
  });
});
