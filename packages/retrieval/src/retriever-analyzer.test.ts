import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test/temp-dirs';
import { createAnalyzer } from './analyze';
import { AnalyzerMismatchError } from './analyzer-mismatch-error';
import { digestOf } from './index-directory';
import { createLocalEmbedder } from './local-embedder';
import { readSavedChunks } from './read-saved-chunks';
import { createRetriever } from './retriever';
import type { Document } from './types';

const tempDir = useTempDirs();

const documents: Document[] = [
  { id: 'compress.md', text: '# Compression\n\nHow compressible is the payload?\n' },
  { id: 'cafe.md', text: '# Café\n\nThe café opens at nine.\n' },
];

/**
 * Rewrites the saved chunks of `directory` as a save before analyzers were recorded left them,
 * or, with `field`, before that field of the analyzer was recorded.
 */
async function dropRecordedAnalyzer(directory: string, field?: string): Promise<void> {
  const vectors = join(directory, 'vectors');
  const generation = join(vectors, (await readFile(join(vectors, 'CURRENT'), 'utf8')).trim());
  const saved = JSON.parse(await readFile(join(generation, 'companion.json'), 'utf8'));
  expect(field === undefined ? saved.analyzer : saved.analyzer[field]).toBeDefined();
  if (field === undefined) delete saved.analyzer;
  else delete saved.analyzer[field];
  const text = JSON.stringify(saved);
  await writeFile(join(generation, 'companion.json'), text);
  const manifest = JSON.parse(await readFile(join(generation, 'manifest.json'), 'utf8'));
  await writeFile(
    join(generation, 'manifest.json'),
    JSON.stringify({ ...manifest, companionSha256: digestOf(text) }),
  );
}

describe('the analyzer of a saved retriever', () => {
  it('is recorded on save; the same options reopen the index, other options throw', async () => {
    const dir = await tempDir();
    const bm25 = { language: 'french', stemming: true, stopWords: true } as const;
    const retriever = await createRetriever({ directory: dir, bm25 });
    await retriever.ingest(documents);
    await retriever.save();

    const reopened = await createRetriever({ directory: dir, bm25 });
    expect(reopened.size).toBe(2);
    expect((await reopened.retrieve('cafe', { k: 1, mode: 'bm25' }))[0]?.chunk.sourceId).toBe(
      'cafe.md',
    );

    const error = await createRetriever({
      directory: dir,
      bm25: { ...bm25, language: 'german' },
    }).catch((caught: unknown) => caught);
    expect(AnalyzerMismatchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      path: dir,
      indexAnalyzer: createAnalyzer({ ...bm25, identifiers: true }).descriptor,
      requestedAnalyzer: { language: 'german' },
    });
    expect((error as Error).message).toMatch(
      /built with analyzer \(language french, stemmer snowball-french@.*opened with \(language german.*pass the same analyzer options .* or rebuild the index/,
    );
    await expect(createRetriever({ directory: dir })).rejects.toSatisfy(
      AnalyzerMismatchError.isInstance,
    );
  });

  it('of an index saved before it was recorded is the one asked for, recorded by the next save', async () => {
    const dir = await tempDir();
    // What the retriever and its default embedder were before: light stemmer, no folding.
    const embedder = createLocalEmbedder({ analyzer: { stemming: 'light', folding: false } });
    const retriever = await createRetriever({
      directory: dir,
      embedder,
      bm25: { stemming: 'light', folding: false },
    });
    await retriever.ingest(documents);
    await retriever.save();
    await dropRecordedAnalyzer(dir);

    // Nothing saved depends on the analyzer: the lexical index is built again from the text.
    const upgraded = await createRetriever({ directory: dir, embedder, bm25: { stemming: true } });
    expect(upgraded.size).toBe(2);
    expect((await upgraded.retrieve('compressibility', { mode: 'bm25' })).length).toBeGreaterThan(
      0,
    );

    // The next save records the analyzer, after which other options are refused.
    await upgraded.save();
    await expect(
      createRetriever({ directory: dir, embedder, bm25: { stemming: 'light', folding: false } }),
    ).rejects.toSatisfy(AnalyzerMismatchError.isInstance);
  });

  it('of an index saved before identifier rules were recorded is refused, saying to rebuild it', async () => {
    const dir = await tempDir();
    const retriever = await createRetriever({ directory: dir });
    await retriever.ingest(documents);
    await retriever.save();
    await dropRecordedAnalyzer(dir, 'identifierRules');
    const error = await createRetriever({ directory: dir }).catch((caught: unknown) => caught);
    expect(AnalyzerMismatchError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /identifiers on\) but was opened with \(.*identifiers on \(rules 2\)\).*rebuild the index/,
    );
  });

  it('with spelling, finds a British page by an American query, and reopens only with it', async () => {
    const dir = await tempDir();
    const analysis = { spelling: true };
    const options = {
      directory: dir,
      bm25: analysis,
      embedder: createLocalEmbedder({ analyzer: analysis }),
    };
    const retriever = await createRetriever(options);
    const pages = [
      ...documents,
      { id: 'usage.md', text: '# Usage\n\nProvider usage is normalised by `normaliseUsage`.\n' },
    ];
    await retriever.ingest(pages);
    await retriever.save();
    for (const mode of ['bm25', 'vector'] as const)
      expect((await retriever.retrieve('normalized', { k: 1, mode }))[0]?.chunk.sourceId).toBe(
        'usage.md',
      );
    // Without it, no word of the query is in the page.
    const plain = await createRetriever({});
    await plain.ingest(pages);
    expect(await plain.retrieve('normalized', { mode: 'bm25' })).toEqual([]);
    expect((await createRetriever(options)).size).toBe(3);
    await expect(
      createRetriever({ ...options, bm25: {} }).catch((caught: unknown) => caught),
    ).resolves.toSatisfy(AnalyzerMismatchError.isInstance);
  });

  it('leaves its chunks readable by readSavedChunks, to index them again with other options', async () => {
    const dir = await tempDir();
    expect(await readSavedChunks(dir)).toEqual([]);
    const retriever = await createRetriever({ directory: dir });
    await retriever.ingest(documents);
    await retriever.save();
    const options = { bm25: { spelling: true }, embedder: createLocalEmbedder({ dimensions: 64 }) };
    await expect(createRetriever({ directory: dir, ...options })).rejects.toThrow();

    const chunks = await readSavedChunks(dir);
    expect(chunks.map((chunk) => chunk.sourceId).sort()).toEqual(['cafe.md', 'compress.md']);
    await rm(dir, { recursive: true });
    const rebuilt = await createRetriever({ directory: dir, ...options });
    await rebuilt.ingest(
      documents.map(({ id }) => ({
        id,
        text: chunks
          .filter((chunk) => chunk.sourceId === id)
          .map((chunk) => chunk.text.slice(chunk.overlap))
          .join(''),
      })),
    );
    expect((await rebuilt.retrieve('cafe opens', { k: 1 }))[0]?.chunk.sourceId).toBe('cafe.md');
  });

  it('is not checked for a new directory', async () => {
    const dir = await tempDir();
    const retriever = await createRetriever({ directory: dir, bm25: { stopWords: 'lucene' } });
    expect(retriever.size).toBe(0);
    await retriever.save();
    expect((await createRetriever({ directory: dir, bm25: { stopWords: 'lucene' } })).size).toBe(0);
  });
});
