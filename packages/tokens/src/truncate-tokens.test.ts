import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEncoding } from './load-encoding';
import { truncateTokens } from './truncate-tokens';

const o200k = await loadEncoding('o200k_base');
const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20);

describe('truncateTokens', () => {
  it('returns text that already fits unchanged', async () => {
    expect(await truncateTokens('short', 10)).toBe('short');
  });

  it('keeps the start, the end or the middle', async () => {
    const start = await truncateTokens(text, 10);
    expect(text.startsWith(start)).toBe(true);
    expect(o200k.count(start)).toBe(10);

    const end = await truncateTokens(text, 10, { keep: 'end' });
    expect(text.endsWith(end)).toBe(true);
    expect(o200k.count(end)).toBeLessThanOrEqual(10);

    const middle = await truncateTokens(text, 10, { keep: 'middle' });
    expect(text.includes(middle)).toBe(true);
    expect(text.startsWith(middle)).toBe(false);
    expect(text.endsWith(middle)).toBe(false);
  });

  it('counts with the model or encoding asked for', async () => {
    const cut = await truncateTokens(text, 7, { model: 'gpt-4' });
    const cl100k = await loadEncoding('cl100k_base');
    expect(cl100k.count(cut)).toBe(7);
  });

  it('never splits a character, and the result always fits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 80 }),
        fc.nat(30),
        fc.constantFrom('start', 'end', 'middle'),
        async (input, max, keep) => {
          const result = await truncateTokens(input, max, { keep });
          expect(o200k.count(result)).toBeLessThanOrEqual(max);
          // A split character would decode to U+FFFD, which is not in the input.
          if (!input.includes('\ufffd')) expect(result).not.toContain('\ufffd');
          expect(input.includes(result)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts emoji and CJK text on character boundaries', async () => {
    const emoji = '👍🏽🎉🇳🇴'.repeat(20);
    for (const keep of ['start', 'end', 'middle'] as const) {
      const result = await truncateTokens(emoji, 5, { keep });
      expect(result).not.toContain('\ufffd');
      expect(emoji.includes(result)).toBe(true);
    }
  });

  it('fits inside a single long piece, where the cut changes how the rest merges', async () => {
    for (const input of ['a'.repeat(20_000), '😀'.repeat(3_000), 'ab'.repeat(5_000)]) {
      for (const keep of ['start', 'end', 'middle'] as const) {
        const result = await truncateTokens(input, 777, { keep });
        expect(o200k.count(result)).toBeLessThanOrEqual(777);
        expect(o200k.count(result)).toBeGreaterThan(700);
        expect(input.includes(result)).toBe(true);
      }
    }
  });

  it('rejects bad arguments', async () => {
    await expect(truncateTokens(text, -1)).rejects.toThrow(/max must be a whole number >= 0/);
    await expect(truncateTokens(null as unknown as string, 1)).rejects.toThrow(
      /text must be a string/,
    );
    await expect(truncateTokens(text, 1, { keep: 'both' as 'start' })).rejects.toThrow(
      /keep must be/,
    );
    expect(await truncateTokens(text, 0)).toBe('');
  });
});
