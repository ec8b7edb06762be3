/**
 * The document collection when replicas share a PostgreSQL database: the `documents` and
 * `chunks` tables are the truth, and each process keeps its own index (HNSW + BM25, in
 * memory) as a cache of them. An ingest runs under an advisory lock, so each content hash is
 * embedded and written once however many replicas ingest the same files; it NOTIFYs, and every
 * replica brings its cache up to the tables by content hash (on start, on each notification,
 * and after its LISTEN connection comes back).
 */
import { type Chunk, createRetriever, type Retriever } from '@keel/retrieval';
import type { Database, SqlQuery } from './database';
import {
  indexDocuments,
  type Knowledge,
  knowledgeOver,
  type ManifestEntry,
  planIngest,
  reportIngest,
} from './knowledge';

/** The channel an ingest NOTIFYs once its rows are committed. */
const CHANNEL = 'docs_chat_documents';

/** The key of the advisory lock ingests run under ("ingest"). */
const INGEST_LOCK = 0x696e67657374;

/** The shared collection, and what stops its listening. */
export interface SharedKnowledge {
  knowledge: Knowledge;
  close(): Promise<void>;
}

/** A chunk's row metadata: all but what has a column. */
function metadataOf({ id, sourceId, index, text, hash, ...rest }: Chunk): string {
  return JSON.stringify(rest);
}

/** Writes a document's row and its chunk rows, from what the retriever indexed. */
async function storeDocument(
  tx: SqlQuery,
  retriever: Retriever,
  document: { id: string; hash: string; text: string | Uint8Array },
  chunks: number,
): Promise<void> {
  await tx.query(
    `insert into documents (source_id, content_hash, body) values ($1, $2, $3)
     on conflict (source_id) do update
       set content_hash = excluded.content_hash, body = excluded.body, updated_at = now()`,
    [document.id, document.hash, Buffer.from(document.text)],
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
 * Opens the collection over `db`'s tables: builds this process's cache from them and keeps it
 * current.
 *
 * @example
 * ```ts
 * const shared = await openSharedKnowledge(db, { onWarning: (event, error) => log(event, error) });
 * await shared.knowledge.ingest(['./docs']); // once across replicas; the others follow
 * ```
 */
export async function openSharedKnowledge(
  db: Database,
  { onWarning }: { onWarning(event: string, error: Error): void },
): Promise<SharedKnowledge> {
  const retriever = await createRetriever({});
  const manifest = new Map<string, ManifestEntry>();
  // Ingests and syncs change the cache one at a time.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => {});
    return next;
  };

  /** Brings the cache to the tables: documents whose hash differs are read and indexed. */
  async function sync(sql: SqlQuery): Promise<void> {
    const stored = new Map(
      (
        await sql.query<{ source_id: string; content_hash: string }>(
          'select source_id, content_hash from documents',
        )
      ).rows.map((row) => [row.source_id, row.content_hash]),
    );
    for (const id of manifest.keys()) {
      if (!stored.has(id)) {
        retriever.remove(id);
        manifest.delete(id);
      }
    }
    const stale = [...stored].filter(([id, hash]) => manifest.get(id)?.hash !== hash);
    if (stale.length === 0) return;
    const { rows } = await sql.query<{ source_id: string; content_hash: string; body: Buffer }>(
      'select source_id, content_hash, body from documents where source_id = any($1)',
      [stale.map(([id]) => id)],
    );
    await indexDocuments(
      retriever,
      manifest,
      rows.map((row) => ({
        id: row.source_id,
        hash: row.content_hash,
        text: row.body,
      })),
      {},
    );
  }

  let pending: Promise<void> | undefined;
  /** A sync after those already queued; calls made before it starts share it. */
  const resync = (): Promise<void> => {
    pending ??= serially(async () => {
      pending = undefined;
      await sync(db);
    });
    return pending;
  };
  const resyncInBackground = () => {
    resync().catch((error: Error) => onWarning('documents-sync-failed', error));
  };

  const knowledge: Knowledge = knowledgeOver(
    retriever,
    manifest,
    (paths, { onProgress, signal } = {}) =>
      serially(async () => {
        const started = performance.now();
        return db.transaction(async (tx) => {
          await tx.query('select pg_advisory_xact_lock($1)', [INGEST_LOCK]);
          // The cache may lag the tables (a notification not handled yet): catch up first, on
          // this transaction's connection (the pool may have no other).
          await sync(tx);
          const known = new Map([...manifest].map(([id, entry]) => [id, entry.hash]));
          const plan = await planIngest(paths, known);
          const { changed, gone } = plan;
          for (const id of gone) {
            retriever.remove(id);
            manifest.delete(id);
          }
          if (gone.length > 0) {
            await tx.query('delete from documents where source_id = any($1)', [gone]);
          }
          const indexed = await indexDocuments(retriever, manifest, changed, {
            ...(onProgress && { onProgress }),
            ...(signal && { signal }),
          });
          for (const document of changed) {
            const entry = manifest.get(document.id);
            if (entry) await storeDocument(tx, retriever, document, entry.chunks);
            else await tx.query('delete from documents where source_id = $1', [document.id]);
          }
          if (changed.length > 0 || gone.length > 0) {
            await tx.query('select pg_notify($1, $2)', [CHANNEL, '']);
          }
          return reportIngest(plan, indexed, started);
        });
      }).catch(async (error: unknown) => {
        // The transaction rolled back: the cache may hold what the tables do not.
        await resync().catch(() => {});
        throw error;
      }),
  );

  const stop = await db.listen(CHANNEL, {
    onNotify: resyncInBackground,
    onResync: resyncInBackground,
  });
  await resync();
  return {
    knowledge,
    async close() {
      await stop();
      await queue;
    },
  };
}
