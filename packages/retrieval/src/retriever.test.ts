import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type CallObserver,
  type Instrumentation,
  InvalidArgumentError,
  type RetrievalEnd,
  type RetrievalStart,
} from '@keel/core';
import { createFakeClock } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test/temp-dirs';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
import { createExactStore } from './exact-store';
import { DEFAULT_HYBRID } from './hybrid-fusion';
import type { IngestProgress } from './ingest-progress';
import { createLocalEmbedder } from './local-embedder';
import { readFolder } from './read-folder';
import { createRetriever, indexedText } from './retriever';
import type { Chunk, Document } from './types';

const documents: Document[] = [
  {
    id: 'keys.md',
    text: '# API keys\n\nRotate API keys every ninety days. Revoke a leaked key at once.\n',
    metadata: { tenant: 'acme' },
  },
  {
    id: 'billing.md',
    text: '# Billing\n\nInvoices are sent monthly. Update the card on the billing page.\n',
    metadata: { tenant: 'acme' },
  },
  {
    id: 'other-keys.md',
    text: '# Keys\n\nRotate API keys every ninety days. Revoke a leaked key at once.\n',
    metadata: { tenant: 'globex' },
  },
  {
    id: 'deploy.txt',
    text: 'Deploy with the blue-green strategy. Roll back by switching the router.',
    metadata: { tenant: 'globex' },
  },
];

const tempDir = useTempDirs();

describe('createRetriever', () => {
  it('retrieves by vector, BM25 and hybrid, with provenance and filters on every side', async () => {
    const retriever = await createRetriever();
    const { documents: count, chunks, skipped } = await retriever.ingest(documents);
    expect({ count, chunks, skipped }).toEqual({ count: 4, chunks: 4, skipped: [] });
    for (const mode of ['vector', 'bm25', 'hybrid'] as const) {
      const results = await retriever.retrieve('how often should I rotate api keys', {
        k: 2,
        mode,
        dedupe: false,
      });
      expect(results[0]?.chunk.sourceId).toMatch(/keys\.md$/);
      const filtered = await retriever.retrieve('rotate api keys', {
        k: 3,
        mode,
        filter: { tenant: 'globex' },
      });
      expect(filtered.length).toBeGreaterThan(0);
      expect(filtered.every((result) => result.chunk.metadata.tenant === 'globex')).toBe(true);
    }
    const [top] = await retriever.retrieve('billing invoices', { k: 1 });
    expect(top?.chunk).toMatchObject({
      id: 'billing.md#0',
      sourceId: 'billing.md',
      startLine: 1,
      headingPath: ['Billing'],
    });
  });

  it('removes near-duplicates unless asked not to, and diversifies with MMR', async () => {
    const retriever = await createRetriever();
    await retriever.ingest(documents);
    const deduped = await retriever.retrieve('rotate api keys', { k: 4, mode: 'bm25' });
    const ids = deduped.map((result) => result.chunk.sourceId);
    expect(ids.filter((id) => id.endsWith('keys.md'))).toHaveLength(1);
    const all = await retriever.retrieve('rotate api keys', { k: 4, mode: 'bm25', dedupe: false });
    expect(
      all.map((result) => result.chunk.sourceId).filter((id) => id.endsWith('keys.md')),
    ).toHaveLength(2);
    const diverse = await retriever.retrieve('rotate api keys', {
      k: 2,
      mode: 'vector',
      dedupe: false,
      mmr: { lambda: 0.3 },
    });
    expect(diverse).toHaveLength(2);
    expect(
      diverse.map((result) => result.chunk.sourceId).filter((id) => id.endsWith('keys.md')),
    ).toHaveLength(1);
  });

  it('applies a rerank hook given as a function or a model', async () => {
    const retriever = await createRetriever();
    await retriever.ingest(documents);
    const reversed = await retriever.retrieve('rotate api keys', {
      k: 2,
      rerank: (_query, candidates) =>
        [...candidates].reverse().map((result, i) => ({ ...result, score: 10 - i })),
    });
    expect(reversed[0]?.score).toBe(10);
    const byModel = await retriever.retrieve('rotate api keys', {
      k: 1,
      rerank: {
        rerank: async (_query, candidates) =>
          candidates.filter((result) => result.chunk.sourceId === 'deploy.txt'),
      },
    });
    expect(byModel.map((result) => result.chunk.sourceId)).toEqual(['deploy.txt']);
  });

  it('reports through instrumentation and survives instrumentation that throws', async () => {
    const retriever = await createRetriever();
    await retriever.ingest(documents);
    const starts: RetrievalStart[] = [];
    const ends: RetrievalEnd[] = [];
    const instrumentation: Instrumentation = {
      startRetrieval(start): CallObserver<RetrievalEnd> {
        starts.push(start);
        return { end: (end) => ends.push(end) };
      },
    };
    await retriever.retrieve('billing', { k: 2, instrumentation, recordQuery: true });
    expect(starts).toEqual([{ mode: 'hybrid', k: 2, query: 'billing' }]);
    expect(ends[0]).toMatchObject({ outcome: 'ok', resultCount: 2 });
    expect(ends[0]?.topScore).toBeGreaterThan(0);
    await expect(
      retriever.retrieve('x', {
        k: 1,
        instrumentation,
        rerank: () => Promise.reject(new Error('reranker down')),
      }),
    ).rejects.toThrow('reranker down');
    expect(ends[1]).toMatchObject({ outcome: 'error', errorMessage: 'reranker down' });
    const throwing: Instrumentation = {
      startRetrieval() {
        throw new Error('broken instrumentation');
      },
    };
    expect(await retriever.retrieve('billing', { k: 1, instrumentation: throwing })).toHaveLength(
      1,
    );
  });

  it('reports ingestion progress, skips binary files and replaces re-ingested documents', async () => {
    const clock = createFakeClock();
    const retriever = await createRetriever({
      clock,
      chunking: { maxTokens: 32, overlapTokens: 4 },
    });
    const progress: IngestProgress[] = [];
    const long = { id: 'long.txt', text: 'Sentence about retrieval quality. '.repeat(40) };
    const binary = { id: 'image.png', text: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]) };
    const result = await retriever.ingest([long, binary, ...documents], {
      batchSize: 4,
      onProgress: (update) => {
        progress.push(update);
        clock.advance(100);
        throw new Error('a broken progress bar does not stop ingestion');
      },
    });
    expect(result.skipped.map((entry) => [entry.id, entry.error.reason])).toEqual([
      ['image.png', 'binary'],
    ]);
    expect(progress.length).toBeGreaterThan(2);
    const last = progress[progress.length - 1] as IngestProgress;
    expect(last).toMatchObject({
      documents: 6,
      totalDocuments: 6,
      chunks: result.chunks,
      embeddings: result.chunks,
    });
    expect(last.bytes).toBeGreaterThan(long.text.length);
    expect(last.chunksPerSecond).toBeGreaterThan(0);
    await retriever.ingest([
      { id: 'twice.txt', text: 'First version.' },
      { id: 'twice.txt', text: 'Second version.' },
    ]);
    expect(retriever.chunk('twice.txt#0')?.text).toBe('Second version.');
    const sizeBefore = retriever.size;
    await retriever.ingest([{ id: 'long.txt', text: 'Now short.' }]);
    expect(retriever.size).toBeLessThan(sizeBefore);
    expect(retriever.chunk('long.txt#1')).toBeUndefined();
    expect(retriever.remove('billing.md')).toBe(1);
    expect((await retriever.retrieve('invoices', { k: 5, mode: 'bm25' })).length).toBe(0);
  });

  it('saves to a directory, reopens it, and refuses another embedding model', async () => {
    const dir = await tempDir();
    const retriever = await createRetriever({ directory: dir });
    await retriever.ingest(documents);
    await retriever.save();
    const reopened = await createRetriever({ directory: dir });
    expect(reopened.size).toBe(4);
    const [top] = await reopened.retrieve('blue-green deploy', { k: 1 });
    expect(top?.chunk.sourceId).toBe('deploy.txt');
    await expect(
      createRetriever({
        directory: dir,
        embedder: createLocalEmbedder({ dimensions: 384 }),
        store: undefined,
        cache: false,
      }),
    ).resolves.toBeDefined();
    const otherModel = { ...createLocalEmbedder(), modelId: 'text-embedding-3-small' };
    await expect(createRetriever({ directory: dir, embedder: otherModel })).rejects.toSatisfy(
      EmbeddingModelMismatchError.isInstance,
    );
    await expect(createRetriever({ store: createExactStore({ dim: 8 }) })).rejects.toThrow(
      DimensionMismatchError,
    );
    await expect(
      createRetriever({ directory: dir, store: createExactStore({ dim: 384 }) }),
    ).rejects.toThrow(/store that can save/);
  });

  it('saves chunks with their vectors, so a crashed save never pairs new text with old vectors', async () => {
    const dir = await tempDir();
    const retriever = await createRetriever({ directory: dir });
    await retriever.ingest(documents.slice(0, 2));
    await retriever.save();
    const before = retriever.chunk('keys.md#0');
    // The document changes under the same chunk ids; a chunk file written by a save that
    // crashed before its vectors (the layout of a separate chunk file) must not be read.
    await retriever.ingest([
      { ...documents[0], text: '# Keys\n\nKeys never expire.\n' } as Document,
    ]);
    await writeFile(
      join(dir, 'chunks.json'),
      JSON.stringify({ format: 'keel-chunks-1', chunks: [retriever.chunk('keys.md#0')] }),
    );
    const reopened = await createRetriever({ directory: dir });
    expect(reopened.size).toBe(2);
    expect(reopened.chunk('keys.md#0')).toEqual(before);
    await retriever.save();
    const saved = await createRetriever({ directory: dir });
    expect(saved.chunk('keys.md#0')?.text).toContain('never expire');
    expect((await readdir(dir)).sort()).not.toContain('chunks.json');
  });

  it('saves each chunk with the vector of its own text while ingestion goes on', async () => {
    const dir = await tempDir();
    const retriever = await createRetriever({ directory: dir });
    await retriever.ingest(documents);
    const changed = documents.map((document, i) => ({
      ...document,
      text: `# Changed ${i}\n\nEntirely different words number ${i} about gardening.\n`,
    }));
    const saves = [retriever.save()];
    for (const document of changed) {
      await retriever.ingest([document]);
      saves.push(retriever.save());
    }
    await Promise.all(saves);
    const reopened = await createRetriever({ directory: dir });
    expect(reopened.size).toBe(4);
    for (const id of reopened.store.ids()) {
      const chunk = reopened.chunk(id) as Chunk;
      const [vector] = await reopened.embedder.embed([indexedText(chunk)]);
      const [hit] = reopened.store.search(vector as Float32Array, { k: 1 });
      expect(hit?.id).toBe(id);
      expect(hit?.score).toBeCloseTo(1, 4);
    }
  });

  it('keeps a document searchable when its new version fails to embed', async () => {
    const local = createLocalEmbedder();
    let failure: 'throw' | 'nan' | undefined;
    const embedder = {
      modelId: local.modelId,
      dimensions: local.dimensions,
      async embed(texts: readonly string[]) {
        if (failure === 'throw') throw new Error('embedding service down');
        const vectors = await local.embed(texts);
        if (failure !== 'nan') return vectors;
        return vectors.map((vector) => new Float32Array(vector.length).fill(Number.NaN));
      },
    };
    const retriever = await createRetriever({ embedder, cache: false });
    await retriever.ingest(documents.slice(0, 1));
    const changed = { ...documents[0], text: '# Keys\n\nKeys never expire.\n' } as Document;
    failure = 'throw';
    await expect(retriever.ingest([changed])).rejects.toThrow('embedding service down');
    failure = 'nan';
    await expect(retriever.ingest([changed])).rejects.toThrow(/finite numbers/);
    failure = undefined;
    expect(retriever.chunk('keys.md#0')?.text).toContain('ninety days');
    const [hit] = await retriever.retrieve('rotate keys ninety days', { k: 1 });
    expect(hit?.chunk.id).toBe('keys.md#0');
    await retriever.ingest([changed, { id: 'keys.md', text: '' }]);
    expect(retriever.size).toBe(0);
  });

  it('indexes a folder and rejects bad arguments', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'a.md'), '# Alpha\n\nThe alpha document.\n');
    await writeFile(join(dir, 'b.bin'), new Uint8Array([0, 1, 2, 3]));
    const retriever = await createRetriever();
    const result = await retriever.ingest(readFolder(dir, { metadata: { tenant: 'acme' } }));
    expect(result.skipped.map((entry) => entry.id)).toEqual(['b.bin']);
    expect(retriever.chunk('a.md#0')?.metadata.tenant).toBe('acme');
    await expect(retriever.retrieve('alpha', { k: 0 })).rejects.toThrow(/k must be/);
    await expect(retriever.retrieve('alpha', { mode: 'fuzzy' as never })).rejects.toThrow(
      /mode must be/,
    );
    await expect(retriever.save()).rejects.toThrow(/no directory/);
  });
});

describe('query embeddings', () => {
  it('are not written to the embedding cache, and repeated questions are embedded once', async () => {
    const directory = await tempDir();
    {
      const base = createLocalEmbedder();
      let embedded = 0;
      const embedder = {
        modelId: base.modelId,
        dimensions: base.dimensions,
        embed: (texts: readonly string[]) => {
          embedded += texts.length;
          return base.embed(texts);
        },
      };
      const retriever = await createRetriever({ embedder, directory });
      await retriever.ingest([{ id: 'a.md', text: 'Budgets cap spend.\n\nRetries back off.' }]);
      await retriever.save();
      const cacheBytes = (await stat(join(directory, 'embeddings.bin'))).size;
      const chunkEmbeddings = embedded;
      for (let i = 0; i < 20; i++) await retriever.retrieve(`question number ${i}`);
      await retriever.retrieve('question number 3');
      expect(embedded - chunkEmbeddings).toBe(20);
      expect((await stat(join(directory, 'embeddings.bin'))).size).toBe(cacheBytes);
    }
  });
});

describe('code identifiers and headings', () => {
  const library: Document[] = [
    {
      id: 'tokens.md',
      text: '# Tokens\n\n## Budgets\n\n### `createRedisBudget(options)`\n\nShares one spending limit across replicas; throws BudgetExceededError once spent.\n',
    },
    {
      id: 'llm.md',
      text: '# Client\n\n## Caching\n\nA Redis cache keeps answers; create it once per process and pass a budget to each call.\n',
    },
    {
      id: 'breaker.md',
      text: '# Circuit breaker\n\nOpens after repeated errors, then admits one trial call; while open, every call fails fast without reaching the provider.\n',
    },
    {
      id: 'retry.md',
      text: '# Retry\n\nRetries calls after failures, unless the breaker is open: the breaker stops them.\n',
    },
  ];

  it('finds the chunk defining an identifier, by name or by its words, over a distractor', async () => {
    const retriever = await createRetriever({ cache: false });
    await retriever.ingest(library);
    for (const query of [
      'What does createRedisBudget do?',
      'what is the create redis budget function',
      'When is BudgetExceededError thrown?',
    ]) {
      for (const mode of ['hybrid', 'bm25', 'vector'] as const) {
        const [top] = await retriever.retrieve(query, { k: 1, mode });
        expect([query, mode, top?.chunk.sourceId]).toEqual([query, mode, 'tokens.md']);
      }
    }
    // Off, the identifier is one opaque word that the question's words never match.
    const plain = await createRetriever({
      cache: false,
      embedder: createLocalEmbedder({ identifiers: false }),
      bm25: { identifiers: false },
    });
    await plain.ingest(library);
    const [top] = await plain.retrieve('create redis budget', { k: 1, mode: 'bm25' });
    expect(top?.chunk.sourceId).toBe('llm.md');
  });

  it('ranks the chunk whose heading names the question above one that only mentions it', async () => {
    const retriever = await createRetriever({ cache: false });
    await retriever.ingest(library);
    const query = 'what does the breaker do after failures';
    const boosted = await retriever.retrieve(query, { k: 2 });
    expect(boosted[0]?.chunk.sourceId).toBe('breaker.md');
    const unboosted = await retriever.retrieve(query, { k: 2, headingWeight: 0 });
    expect(unboosted[0]?.chunk.sourceId).toBe('retry.md');
    await expect(retriever.retrieve(query, { headingWeight: -1 })).rejects.toThrow(/headingWeight/);
  });

  it('fuses with the constant and weights it was created with, the heading weight per query too', async () => {
    const query = 'what does the breaker do after failures';
    const lexical = await createRetriever({
      cache: false,
      hybrid: { vectorWeight: 0, headingWeight: 0 },
    });
    await lexical.ingest(library);
    const ids = (results: Array<{ chunk: Chunk }>) => results.map((result) => result.chunk.id);
    expect(ids(await lexical.retrieve(query, { k: 4 }))).toEqual(
      ids(await lexical.retrieve(query, { k: 4, mode: 'bm25' })),
    );
    expect((await lexical.retrieve(query, { k: 1, headingWeight: 1 }))[0]?.chunk.sourceId).toBe(
      'breaker.md',
    );
    const [top] = await lexical.retrieve(query, { k: 1 });
    expect(top?.score).toBeCloseTo(1 / (DEFAULT_HYBRID.k + 1));
    const sharp = await createRetriever({ cache: false, hybrid: { k: 0, headingWeight: 0 } });
    await sharp.ingest(library);
    // At k = 0 the top of one list alone scores 1.
    expect((await sharp.retrieve(query, { k: 1 }))[0]?.score).toBeGreaterThanOrEqual(1);
    await expect(createRetriever({ hybrid: { k: -1 } })).rejects.toThrow(InvalidArgumentError);
    await expect(createRetriever({ hybrid: { vectorWeight: 0, bm25Weight: 0 } })).rejects.toThrow(
      /hybrid\.vectorWeight and hybrid\.bm25Weight are both 0/,
    );
  });
});
