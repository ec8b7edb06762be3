/**
 * Ingestion throughput: chunking, local embedding and indexing (HNSW and BM25) of markdown
 * documents (KEEL_BENCH_FILES, default 500, about 3 KB each), in chunks per second.
 * @keel/retrieval is measured as published (the built dist/).
 */
import { afterAll, bench, describe } from 'vitest';
import { createRetriever } from '../dist/index.js';
import { random, sizeFromEnv, vocabulary } from './corpora';

const files = sizeFromEnv('KEEL_BENCH_FILES', 500);
const words = vocabulary(5_000, 3);
const next = random(5);
const sentence = () =>
  `${Array.from({ length: 8 + Math.floor(next() * 12) }, () => words[Math.floor(next() * words.length)]).join(' ')}.`;
const documents = Array.from({ length: files }, (_, i) => ({
  id: `docs/page-${i}.md`,
  text: Array.from(
    { length: 4 },
    (_, section) =>
      `## Section ${section}\n\n${Array.from({ length: 6 }, sentence).join(' ')}\n\n${Array.from({ length: 6 }, sentence).join(' ')}\n`,
  ).join('\n'),
  metadata: { tenant: `t${i % 10}` },
}));

const rates: number[] = [];

describe(`ingestion of ${files} markdown files`, () => {
  bench(
    '@keel/retrieval ingest (chunk 256 tokens, local embedder, HNSW + BM25)',
    async () => {
      const retriever = await createRetriever({
        cache: false,
        chunking: { maxTokens: 256, overlapTokens: 32 },
      });
      const started = performance.now();
      const { chunks } = await retriever.ingest(documents);
      rates.push(chunks / ((performance.now() - started) / 1000));
    },
    { iterations: 3, warmupIterations: 1 },
  );
});

afterAll(() => {
  const sorted = [...rates].sort((a, b) => a - b);
  console.log(
    `ingestion: median ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} chunks/s over ${rates.length} runs`,
  );
});
