#!/usr/bin/env node
/**
 * keel-retrieval-eval: prints retrieval metrics for a golden queries JSONL against a folder of
 * documents (indexed on the fly) or a saved index.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { evaluateRetrieval, formatEvaluation } from './evaluate-retrieval';
import { parseGolden } from './parse-golden';
import { readFolder } from './read-folder';
import { createRetriever } from './retriever';
import type { RetrievalMode } from './retriever-options';

const usage = `Usage: keel-retrieval-eval --golden queries.jsonl (--docs <folder> | --index <directory>)
                           [--k 10] [--mode hybrid|vector|bm25] [--json]

Each line of queries.jsonl is {"id": "q1", "query": "...", "relevant": ["docs/a.md", ...]}
or with graded relevance {"relevant": {"docs/a.md": 2, "docs/b.md": 1}}. Results are compared
by document id (the file's path relative to --docs).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      golden: { type: 'string' },
      docs: { type: 'string' },
      index: { type: 'string' },
      k: { type: 'string', default: '10' },
      mode: { type: 'string', default: 'hybrid' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (
    values.help ||
    values.golden === undefined ||
    (values.docs === undefined) === (values.index === undefined)
  ) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const k = Number(values.k);
  const { queries, qrels } = parseGolden(await readFile(values.golden, 'utf8'));
  const retriever = await createRetriever(
    values.index === undefined ? { cache: false } : { directory: values.index },
  );
  if (values.docs !== undefined) {
    const { skipped } = await retriever.ingest(readFolder(values.docs));
    for (const { id, error } of skipped) process.stderr.write(`skipped ${id}: ${error.message}\n`);
  }
  const report = await evaluateRetrieval({
    queries,
    qrels,
    k,
    retrieve: async ({ query }) =>
      (await retriever.retrieve(query, { k: k * 3, mode: values.mode as RetrievalMode })).map(
        (result) => result.chunk.sourceId,
      ),
  });
  process.stdout.write(
    values.json ? `${JSON.stringify(report, null, 2)}\n` : formatEvaluation(report),
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `keel-retrieval-eval: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
