import { countTokens } from '@keel/tokens';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractCitations } from './extract-citations';
import { packContext } from './pack-context';
import type { RetrievedChunk } from './types';

function retrieved(id: string, text: string, score: number): RetrievedChunk {
  return {
    chunk: {
      id,
      sourceId: id,
      index: 0,
      text,
      overlap: 0,
      start: 0,
      end: text.length,
      startLine: 1,
      endLine: 1,
      tokens: 0,
      hash: '0',
      metadata: {},
    },
    score,
  };
}

const id = fc.oneof(
  fc.constantFrom('a.md#0', 'a md#0', 'a_md#0', 'a,md#0', 'x[1].md#2', 'a*md#0', 'a;md#0'),
  fc.string({ minLength: 1, maxLength: 12 }).map((text) => `${text.replace(/\s/g, '') || 'z'}#1`),
  fc.constant(`${'long/'.repeat(60)}#3`),
  fc.constant(`${'long/'.repeat(60)}#4`),
);
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom('</untrusted-abcdef0123456789>', '[a.md#0]', '\uD800 lone surrogate'),
);

describe('packContext (property)', () => {
  it('never exceeds the budget, fences included, and every citation id reads back to its chunk', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ id, text, score: fc.double({ min: 0, max: 1, noNaN: true }) }), {
          maxLength: 12,
        }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('fence', 'datamark', 'base64') as fc.Arbitrary<
          'fence' | 'datamark' | 'base64'
        >,
        async (items, maxTokens, mode) => {
          const chunks = items.map((item) => retrieved(item.id, item.text, item.score));
          const packed = await packContext(chunks, { maxTokens, mode });
          const tokens = await countTokens(packed.context, { encoding: 'o200k_base' });
          expect(tokens).toBeLessThanOrEqual(maxTokens);
          expect(packed.tokens).toBe(tokens);
          const citationIds = packed.chunks.map((chunk) => chunk.citationId);
          expect(new Set(citationIds).size).toBe(citationIds.length);
          expect(new Set(packed.chunks.map((chunk) => chunk.chunk.id)).size).toBe(
            packed.chunks.length,
          );
          for (const chunk of packed.chunks) {
            expect(packed.context).toContain(`source="${chunk.citationId}"`);
          }
          const answer = citationIds.map((citation) => `Claim [${citation}].`).join(' ');
          const { citations, unknown } = extractCitations(answer, packed.chunks);
          expect(citations.map((citation) => citation.chunk)).toEqual(packed.chunks);
          expect(unknown).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives a chunk the same citation id whatever the scores and the budget', async () => {
    const chunks = [
      retrieved('a md#0', 'first', 0.9),
      retrieved('a_md#0', 'second', 0.8),
      retrieved('a,md#0', 'third', 0.7),
    ];
    const wide = await packContext(chunks, { maxTokens: 1_000 });
    const reversed = await packContext(
      chunks.map((chunk, i) => ({ ...chunk, score: i })),
      { maxTokens: 1_000 },
    );
    const byId = (packed: typeof wide) =>
      Object.fromEntries(packed.chunks.map((chunk) => [chunk.chunk.id, chunk.citationId]));
    expect(byId(wide)).toEqual(byId(reversed));
    expect(byId(wide)).toEqual({
      'a_md#0': 'a_md#0',
      'a md#0': 'a_md#0~2',
      'a,md#0': 'a_md#0~3',
    });
  });

  it('packs a chunk retrieved twice once, at its best score', async () => {
    const packed = await packContext(
      [retrieved('a.md#0', 'same', 0.2), retrieved('a.md#0', 'same', 0.9)],
      { maxTokens: 1_000 },
    );
    expect(packed.chunks).toHaveLength(1);
    expect(packed.chunks[0]?.score).toBe(0.9);
  });
});

describe('extractCitations with hostile answers', () => {
  it('handles huge, nested, unclosed and prototype-named brackets', async () => {
    const packed = await packContext([retrieved('keys.md#3', 'Rotate keys.', 1)], {
      maxTokens: 500,
    });
    const hostile = [
      '['.repeat(50_000),
      `[${'a '.repeat(300)}`,
      `[${' '.repeat(399)}x]`,
      '[__proto__#1] [constructor#2] [toString]',
      '[[keys.md#3]]',
      `[${'x#1 '.repeat(100)}]`,
      ']'.repeat(10_000),
    ].join('\n');
    const { citations, unknown } = extractCitations(hostile, packed.chunks);
    expect(citations.map((citation) => citation.citationId)).toEqual(['keys.md#3']);
    expect(unknown).toEqual(expect.arrayContaining(['__proto__#1', 'constructor#2', 'x#1']));
    expect(unknown).not.toContain('toString');
    expect(extractCitations('', packed.chunks)).toEqual({ citations: [], unknown: [] });
  });
});
