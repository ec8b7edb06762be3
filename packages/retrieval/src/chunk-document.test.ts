import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document';
import { UnsupportedDocumentError } from './unsupported-document-error';

const rejoin = (chunks: { text: string; overlap: number }[]) =>
  chunks.map((chunk) => chunk.text.slice(chunk.overlap)).join('');

const markdown = `# Guide

Intro paragraph about the guide.

## Install

Run the installer. Then configure it.

## Usage

### Queries

${'Ask a question about the corpus and get cited answers. '.repeat(30)}

\`\`\`ts
const a = 1;

const b = 2;
\`\`\`

## Last
`;

describe('chunkDocument', () => {
  it('sizes chunks in tokens, keeps heading paths and never ends a chunk on a heading', async () => {
    const chunks = await chunkDocument(
      { id: 'guide.md', text: markdown, metadata: { tenant: 'acme' } },
      { maxTokens: 64, overlapTokens: 8 },
    );
    expect(chunks.length).toBeGreaterThan(3);
    expect(rejoin(chunks)).toBe(markdown);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(64);
      expect(chunk.metadata).toEqual({ tenant: 'acme' });
      expect(chunk.id).toBe(`guide.md#${chunk.index}`);
      const lastLine = chunk.text.trimEnd().split('\n').pop() ?? '';
      if (chunk.index < chunks.length - 1) expect(lastLine).not.toMatch(/^#{1,6} /);
    }
    const queries = chunks.findLast((chunk) => chunk.text.includes('Ask a question'));
    expect(queries?.headingPath).toEqual(['Guide', 'Usage', 'Queries']);
    const fence = chunks.find((chunk) => chunk.text.includes('const a = 1'));
    expect(fence?.text).toContain('const b = 2');
  });

  it('records line ranges and overlap with the previous chunk', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} says something.`).join('\n\n');
    const chunks = await chunkDocument(
      { id: 'notes.txt', text },
      { maxTokens: 40, overlapTokens: 10 },
    );
    expect(chunks.length).toBeGreaterThan(2);
    const second = chunks[1];
    expect(second?.overlap).toBeGreaterThan(0);
    expect(chunks[0]?.text.endsWith(second?.text.slice(0, second.overlap) ?? 'x')).toBe(true);
    expect(chunks[0]?.startLine).toBe(1);
    for (const chunk of chunks) {
      expect(chunk.startLine).toBe(text.slice(0, chunk.start).split('\n').length);
      expect(chunk.endLine).toBe(text.slice(0, chunk.end - 1).split('\n').length);
    }
  });

  it('cuts code at top-level symbols and carries the imports', async () => {
    const code = `import { a } from './a';
import b from 'b';

/** Adds. */
export function add(x: number, y: number) {
  return x + y;
}

export class Counter {
  count = 0;

  increment() {
    this.count++;
  }
}
`;
    const chunks = await chunkDocument(
      { id: 'src/math.ts', text: code },
      { maxTokens: 32, overlapTokens: 0 },
    );
    expect(rejoin(chunks)).toBe(code);
    const add = chunks.find((chunk) => chunk.text.includes('function add'));
    expect(add?.text.startsWith('/** Adds. */')).toBe(true);
    expect(add?.imports).toBe("import { a } from './a';\nimport b from 'b';\n");
    expect(chunks.some((chunk) => chunk.text.startsWith('export class Counter'))).toBe(true);
  });

  it('returns no chunks for an empty document and cuts a huge unbroken one by tokens', async () => {
    expect(await chunkDocument({ id: 'empty.txt', text: '' })).toEqual([]);
    const huge = 'x'.repeat(20_000);
    const chunks = await chunkDocument(
      { id: 'huge.txt', text: huge },
      { maxTokens: 512, overlapTokens: 0 },
    );
    expect(rejoin(chunks)).toBe(huge);
    expect(Math.max(...chunks.map((chunk) => chunk.tokens))).toBeLessThanOrEqual(512);
  });

  it('refuses binary files and invalid UTF-8 with a typed error', async () => {
    const binary = chunkDocument({
      id: 'a.bin',
      text: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]),
    });
    await expect(binary).rejects.toSatisfy(
      (error) => UnsupportedDocumentError.isInstance(error) && error.reason === 'binary',
    );
    // A broken sequence, an overlong '/', an encoded surrogate, a truncated tail.
    for (const bytes of [
      [0x68, 0xc3, 0x28],
      [0x61, 0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0x61, 0xe2, 0x82],
    ]) {
      const invalid = chunkDocument({ id: 'bad.txt', text: new Uint8Array(bytes) });
      await expect(invalid).rejects.toSatisfy(
        (error) => UnsupportedDocumentError.isInstance(error) && error.reason === 'invalid-utf8',
      );
    }
    const decoded = await chunkDocument({
      id: 'ok.txt',
      text: new TextEncoder().encode('héllo wörld'),
    });
    expect(decoded[0]?.text).toBe('héllo wörld');
  });

  it('rejects impossible sizes', async () => {
    await expect(chunkDocument({ id: 'a', text: 'a' }, { maxTokens: 8 })).rejects.toThrow(
      /maxTokens/,
    );
    await expect(
      chunkDocument({ id: 'a', text: 'a' }, { maxTokens: 64, overlapTokens: 40 }),
    ).rejects.toThrow(/overlapTokens/);
  });

  it('property: chunks minus overlap reproduce the document, each within the budget', async () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '# Title\n',
        '## Sub\n',
        '\n\n',
        '\n',
        '```\ncode\n```\n',
        '. ',
        'export function f() {\n',
        '}\n',
        'import x from "y";\n',
        '  ',
      ),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.lorem({ maxCount: 20 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 60 }).map((parts) => parts.join('')),
        fc.constantFrom('markdown', 'text', 'code') as fc.Arbitrary<'markdown' | 'text' | 'code'>,
        fc.integer({ min: 16, max: 80 }),
        async (text, format, maxTokens) => {
          const overlapTokens = Math.floor(maxTokens / 4);
          const chunks = await chunkDocument(
            { id: 'doc', text, format },
            { maxTokens, overlapTokens },
          );
          expect(rejoin(chunks)).toBe(text);
          for (const chunk of chunks) {
            expect(chunk.tokens).toBeLessThanOrEqual(maxTokens);
            expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
