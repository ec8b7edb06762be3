/**
 * The labelled set of the quality benches: the repository's markdown docs (README, docs/ and
 * every package README, frozen in `corpus/`), chunked as the retriever chunks them by default,
 * and 153 questions with the chunks that answer them (`queries.jsonl`, judged at chunk level).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Chunk, chunkDocument, type Document, type EvalQuery, type Qrels } from '../../src';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const CORPUS = join(HERE, 'corpus');

/** One judged question: its relevant chunk ids (`<path>#<index>`, default chunking). */
interface JudgedQuery extends EvalQuery {
  type: string;
  relevant: string[];
}

/** What a quality bench runs on. */
export interface LabelledSet {
  documents: Document[];
  chunks: Chunk[];
  queries: JudgedQuery[];
  qrels: Qrels;
}

function markdownFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/**
 * Loads the corpus and the judgements, and checks that every judged chunk exists: a change to
 * the default chunking moves chunk boundaries, and the judgements must then be redone.
 */
export async function loadLabelledSet(): Promise<LabelledSet> {
  const documents = markdownFiles(CORPUS)
    .sort()
    .map((path) => ({ id: relative(CORPUS, path), text: readFileSync(path, 'utf8') }));
  const chunks = (await Promise.all(documents.map((document) => chunkDocument(document)))).flat();
  const queries = readFileSync(join(HERE, 'queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as JudgedQuery);
  const known = new Set(chunks.map((chunk) => chunk.id));
  const stale = queries.flatMap((query) => query.relevant.filter((id) => !known.has(id)));
  if (stale.length > 0) {
    throw new Error(
      `Judged chunks not in the corpus (${stale.join(', ')}): the default chunking changed; judge queries.jsonl again`,
    );
  }
  const qrels: Qrels = Object.fromEntries(
    queries.map((query) => [query.id, Object.fromEntries(query.relevant.map((id) => [id, 1]))]),
  );
  return { documents, chunks, queries, qrels };
}
