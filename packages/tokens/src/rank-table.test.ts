import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { createRankTable, NO_MERGE, type RankData } from './rank-table';

/** js-tiktoken's own reading of `bpe_ranks`: base64 token to rank. */
function referenceRanks(data: RankData): Map<string, number> {
  const ranks = new Map<string, number>();
  for (const line of data.bpe_ranks.split('\n').filter(Boolean)) {
    const [, first, ...tokens] = line.split(' ');
    for (const [i, token] of tokens.entries()) {
      ranks.set(token, Number.parseInt(first ?? '', 10) + i);
    }
  }
  return ranks;
}

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

describe('createRankTable', () => {
  for (const [name, data] of [
    ['o200k_base', o200k],
    ['cl100k_base', cl100k],
  ] as const) {
    it(`${name}: every token's bytes map to js-tiktoken's rank and back`, () => {
      const table = createRankTable(data);
      let longest = 0;
      const mismatches: string[] = [];
      for (const [base64, rank] of referenceRanks(data)) {
        const bytes = bytesOf(base64);
        longest = Math.max(longest, bytes.length);
        if (
          table.rankOf(bytes, 0, bytes.length) !== rank ||
          table.tokenBinary(rank) !== atob(base64)
        ) {
          mismatches.push(`${rank} ${base64}`);
        }
      }
      expect(mismatches).toEqual([]);
      expect(table.longestToken).toBe(longest);
    });
  }

  it('reads several lines, gaps between ranks and a byte string listed twice', () => {
    const data: RankData = {
      pat_str: '',
      special_tokens: {},
      bpe_ranks: `! 0 YQ== Yg==\n! 5 YWI= Yw==\n! 9 YWI=\n`,
    };
    const table = createRankTable(data);
    const ab = Uint8Array.of(97, 98);
    expect(table.rankOf(ab, 0, 2)).toBe(9);
    expect(table.mergedToken(0, 1)).toBe(9);
    expect(table.mergedToken(1, 0)).toBe(NO_MERGE);
    expect(table.tokenBinary(6)).toBe('c');
    expect(table.tokenBinary(2)).toBeUndefined();
    expect(table.tokenBinary(10)).toBeUndefined();
    expect(table.byteTokens[99]).toBe(6);
    expect(table.byteTokens[100]).toBe(NO_MERGE);
    expect(table.longestToken).toBe(2);
  });
});
