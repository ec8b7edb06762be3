/**
 * The ingest of replicas sharing a PostgreSQL database, whichever side keeps the index (each
 * replica's in-memory cache, or pgvector): one transaction under an advisory lock, so each
 * content hash is embedded and written once however many replicas ingest the same files. It
 * writes the `documents` and `chunks` tables; the index side writes its own part.
 */
import type { Chunk } from '@keel/retrieval';
import type { Database, SqlQuery } from './database';
import type { HashedDocument, ManifestEntry } from './ingest-plan';
import {
  type IndexingRetriever,
  type IndexUpdate,
  type IngestReport,
  indexDocuments,
  reportIngest,
} from './knowledge';

/** The key of the advisory lock ingests run under ("ingest"). */
const INGEST_LOCK = 0x696e67657374;

/** What one ingest indexes into, opened on its transaction under the lock. */
export interface IndexWriter {
  /** Indexes the changed documents; its `chunk(id)` gives what is written to `chunks`. */
  retriever: IndexingRetriever;
  /** What is indexed (content hash and chunks per document), updated by the ingest. */
  manifest: Map<string, ManifestEntry>;
  /** Takes documents out of the index: those gone, and those about to be (re)indexed. */
  forget(gone: readonly string[], changed: readonly string[]): Promise<void>;
  /** The channel to NOTIFY once something changed, when other replicas follow by it. */
  channel?: string;
  /**
   * Stored documents (in `manifest`) whose index entries are missing, indexed again from their
   * stored text by a repairing ingest unless its plan changes or removes them: pgvector's
   * vectors of a new embedding model, or of documents a replica without pgvector wrote.
   */
  stale?(): Promise<HashedDocument[]>;
}

/** A chunk row of the `chunks` table. */
export interface ChunkRow {
  source_id: string;
  seq: number;
  chunk_id: string;
  content_hash: string;
  text: string;
  metadata: Omit<Chunk, 'id' | 'sourceId' | 'index' | 'text' | 'hash'>;
}

/**
 * The chunk a row of the `chunks` table holds.
 *
 * @example
 * ```ts
 * const { rows } = await db.query<ChunkRow>('select * from chunks where source_id = $1', [id]);
 * const chunks = rows.map(chunkOfRow);
 * ```
 */
export function chunkOfRow(row: ChunkRow): Chunk {
  return {
    ...row.metadata,
    id: row.chunk_id,
    sourceId: row.source_id,
    index: row.seq,
    text: row.text,
    hash: row.content_hash,
  };
}

/** A chunk's row metadata: all but what has a column. */
function metadataOf({ id, sourceId, index, text, hash, ...rest }: Chunk): string {
  return JSON.stringify(rest);
}

/** Writes a document's row and its chunk rows, from what the retriever indexed. */
async function storeDocument(
  tx: SqlQuery,
  retriever: IndexingRetriever,
  document: { id: string; hash: string; text: string | Uint8Array },
  { chunks, tenant }: ManifestEntry,
): Promise<void> {
  await tx.query(
    `insert into documents (source_id, content_hash, body, tenant) values ($1, $2, $3, $4)
     on conflict (source_id) do update
       set content_hash = excluded.content_hash, body = excluded.body,
           tenant = excluded.tenant, updated_at = now()`,
    [document.id, document.hash, Buffer.from(document.text), tenant ?? null],
  );
  await tx.query('delete from chunks where source_id = $1', [document.id]);
  const rows = Array.from({ length: chunks }, (_, index) =>
    retriever.chunk(`${document.id}#${index}`),
  ).filter((chunk) => chunk !== undefined);
  if (rows.length === 0) return;
  await tx.query(
    `insert into chunks (source_id, seq, chunk_id, content_hash, text, metadata)
     select $1, seq, chunk_id, content_hash, text, metadata
       from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
         as c(seq, chunk_id, content_hash, text, metadata)`,
    [
      document.id,
      rows.map((chunk) => chunk.index),
      rows.map((chunk) => chunk.id),
      rows.map((chunk) => chunk.hash),
      rows.map((chunk) => chunk.text),
      rows.map(metadataOf),
    ],
  );
}

/**
 * Applies a plan (the corpus's folders, a user's uploads or a removal) to the shared tables and
 * the index `open` gives, in one transaction under the ingest lock: the plan is made against
 * what is indexed, so only documents whose content hash (or cleaning) differs are embedded, and
 * a user's limits are checked against what every replica wrote. `documents.body` holds the
 * cleaned text, so a replica indexing from the table (and the database itself) never holds a
 * redacted secret.
 *
 * @example
 * ```ts
 * const report = await ingestShared(db, (indexed) => planIngest(['./docs'], indexed), {}, async (tx) => writerOn(tx));
 * ```
 */
export function ingestShared(
  db: Database,
  planFor: Parameters<IndexUpdate>[0],
  { onProgress, signal, repair = false }: Parameters<IndexUpdate>[1] = {},
  open: (tx: SqlQuery) => Promise<IndexWriter>,
): Promise<IngestReport> {
  const started = performance.now();
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [INGEST_LOCK]);
    const { retriever, manifest, forget, channel, stale } = await open(tx);
    const plan = await planFor(manifest);
    const { changed, gone } = plan;
    const planned = new Set([...changed.map((document) => document.id), ...gone]);
    const again =
      repair && stale ? (await stale()).filter((document) => !planned.has(document.id)) : [];
    await forget(
      gone,
      [...changed, ...again].map((document) => document.id),
    );
    for (const id of gone) manifest.delete(id);
    if (gone.length > 0) {
      await tx.query('delete from documents where source_id = any($1)', [gone]);
    }
    const progress = {
      ...(onProgress && { onProgress }),
      ...(signal && { signal }),
    };
    const indexed = await indexDocuments(retriever, manifest, changed, progress);
    for (const document of changed) {
      const entry = manifest.get(document.id);
      if (entry) await storeDocument(tx, retriever, document, entry);
      else await tx.query('delete from documents where source_id = $1', [document.id]);
    }
    let reindexed: Parameters<typeof reportIngest>[3];
    if (again.length > 0) {
      reindexed = {
        documents: again.length,
        ...(await indexDocuments(retriever, manifest, again, progress)),
      };
      // A stored document refused keeps its rows: the next repairing ingest tries it again.
      for (const document of again) {
        const entry = manifest.get(document.id);
        if (entry) await storeDocument(tx, retriever, document, entry);
      }
    }
    if (channel !== undefined && (changed.length > 0 || gone.length > 0)) {
      await tx.query('select pg_notify($1, $2)', [channel, '']);
    }
    return reportIngest(plan, indexed, started, reindexed);
  });
}
