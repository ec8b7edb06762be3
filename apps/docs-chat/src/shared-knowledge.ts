/**
 * The document collection when replicas share a PostgreSQL database: the `documents` and
 * `chunks` tables are the truth. When the server has pgvector the index lives there too
 * (`pgvector-knowledge.ts`): every replica searches the same tables. Otherwise each process
 * keeps its own index (HNSW + BM25, in memory) as a cache of the tables: an ingest NOTIFYs,
 * and every replica brings its cache up to the tables by content hash (on start, on each
 * notification, and after its LISTEN connection comes back). Both ingest through
 * `ingestShared`: once per content hash across replicas.
 */
import { createRetriever } from '@keel/retrieval';
import { hasPgVector } from '@keel/retrieval/postgres';
import type { Database, SqlQuery } from './database';
import type { ManifestEntry } from './ingest-plan';
import {
  answerRetrieval,
  indexDocuments,
  type Knowledge,
  knowledgeOver,
  localCatalog,
} from './knowledge';
import { openPgVectorKnowledge } from './pgvector-knowledge';
import { ingestShared } from './shared-ingest';

/** The channel an ingest NOTIFYs once its rows are committed. */
const CHANNEL = 'docs_chat_documents';

/** The shared collection, where its index lives, and what stops its listening. */
export interface SharedKnowledge {
  knowledge: Knowledge;
  /** `pgvector`: in the database; `cache`: each replica's own, kept current by LISTEN/NOTIFY. */
  index: 'pgvector' | 'cache';
  close(): Promise<void>;
}

/**
 * Opens the collection over `db`'s tables: in pgvector when the server has it, else as this
 * process's cache of the tables, kept current.
 *
 * @example
 * ```ts
 * const shared = await openSharedKnowledge(db, { onWarning: (event, error) => log(event, error) });
 * await shared.knowledge.ingest(['./docs']); // once across replicas; the others see it
 * ```
 */
export async function openSharedKnowledge(
  db: Database,
  { onWarning }: { onWarning(event: string, error: Error): void },
): Promise<SharedKnowledge> {
  if (db.pool && (await hasPgVector(db.pool))) {
    const knowledge = await openPgVectorKnowledge(db, db.pool);
    return { knowledge, index: 'pgvector', close: async () => {} };
  }
  return openCachedKnowledge(db, onWarning);
}

/** Each process's index as a cache of the tables, kept current through LISTEN/NOTIFY. */
async function openCachedKnowledge(
  db: Database,
  onWarning: (event: string, error: Error) => void,
): Promise<SharedKnowledge> {
  const retriever = await createRetriever(answerRetrieval());
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
    const { rows } = await sql.query<{
      source_id: string;
      content_hash: string;
      body: Buffer;
      tenant: string | null;
    }>('select source_id, content_hash, body, tenant from documents where source_id = any($1)', [
      stale.map(([id]) => id),
    ]);
    await indexDocuments(
      retriever,
      manifest,
      rows.map((row) => ({
        id: row.source_id,
        hash: row.content_hash,
        text: row.body,
        ...(row.tenant !== null && { metadata: { tenant: row.tenant } }),
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
    localCatalog(retriever, manifest),
    (planFor, options) =>
      serially(() =>
        ingestShared(db, planFor, options, async (tx) => {
          // The cache may lag the tables (a notification not handled yet): catch up first, on
          // this transaction's connection (the pool may have no other).
          await sync(tx);
          return {
            retriever,
            manifest,
            channel: CHANNEL,
            async forget(gone) {
              // Documents indexed again are replaced by the retriever's own ingest.
              for (const id of gone) retriever.remove(id);
            },
          };
        }),
      ).catch(async (error: unknown) => {
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
    index: 'cache',
    async close() {
      await stop();
      await queue;
    },
  };
}
