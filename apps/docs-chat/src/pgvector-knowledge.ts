/**
 * The document collection with its index in PostgreSQL, when the server has pgvector: vectors
 * in a pgvector table (HNSW), the lexical side in a full-text table, chunk texts read from the
 * `chunks` table. Every replica searches the same tables, so none keeps an index of its own or
 * listens for changes. An ingest writes the vectors and text rows in the transaction that
 * writes the documents and chunks, so all four change together or not at all.
 */
import { createHash } from 'node:crypto';
import { type Chunk, createRetriever, type Embedder, type SharedRetriever } from '@keel/retrieval';
import { createPgVectorStore, createPostgresTextIndex } from '@keel/retrieval/postgres';
import type pg from 'pg';
import type { Database, SqlQuery } from './database';
import type { ManifestEntry } from './ingest-plan';
import {
  ANSWER_ANALYSIS,
  answerRetrieval,
  type Knowledge,
  knowledgeOver,
  storedDocument,
} from './knowledge';
import { type ChunkRow, chunkOfRow, ingestShared } from './shared-ingest';

/** The full-text table of the index, beside `documents` and `chunks`. */
const TEXT_TABLE = 'chunk_text';

/**
 * The vectors table of `embedder`'s model, `chunk_vectors_<12 hex of its id's SHA-256>`: an
 * upgrade that changes the embedder writes a table of its own, so replicas still on the
 * earlier one keep searching theirs (the store records and checks the model as well).
 */
export function vectorsTable(embedder: Pick<Embedder, 'modelId'>): string {
  return `chunk_vectors_${createHash('sha256').update(embedder.modelId).digest('hex').slice(0, 12)}`;
}

/** The two stores of the index over `sql` (the pool, or an ingest's transaction). */
function storesOn(sql: SqlQuery | pg.Pool, embedder: Embedder) {
  return {
    store: createPgVectorStore({
      sql,
      table: vectorsTable(embedder),
      dim: embedder.dimensions,
      model: embedder.modelId,
    }),
    text: createPostgresTextIndex({ sql, table: TEXT_TABLE, ...ANSWER_ANALYSIS }),
  };
}

/** The chunks of `ids` from the `chunks` table. */
async function fetchChunks(db: SqlQuery, ids: readonly string[]): Promise<Chunk[]> {
  const { rows } = await db.query<ChunkRow>('select * from chunks where chunk_id = any($1)', [
    [...ids],
  ]);
  return rows.map(chunkOfRow);
}

/**
 * Opens the collection whose index lives in `db` (a PostgreSQL server with pgvector; `pool` is
 * its `pg` Pool), creating the vector and text tables when missing.
 *
 * @throws SharedStateUnavailableError when the server fails or has no pgvector.
 * @example
 * ```ts
 * if (db.pool && (await hasPgVector(db.pool))) knowledge = await openPgVectorKnowledge(db, db.pool);
 * ```
 */
export async function openPgVectorKnowledge(db: Database, pool: pg.Pool): Promise<Knowledge> {
  const { embedder, hybrid } = answerRetrieval();
  const { store, text } = storesOn(pool, embedder);
  // Idempotent, each under an advisory lock: replicas starting together create them once.
  await store.migrate();
  await text.migrate();
  // It never ingests, so it keeps no chunk texts: every hit's text comes from the table.
  const retriever: SharedRetriever = await createRetriever({
    embedder,
    hybrid,
    store,
    text,
    cache: false,
    fetchChunks: (ids) => fetchChunks(db, ids),
  });

  return knowledgeOver(
    retriever,
    {
      async count() {
        const { rows } = await db.query<{ documents: number; chunks: number }>(
          `select (select count(*) from documents)::int as documents,
                  (select count(*) from chunks)::int as chunks`,
        );
        return rows[0] ?? { documents: 0, chunks: 0 };
      },
      async document(sourceId, tenant) {
        const { rows } = await db.query<ChunkRow>(
          `select c.* from chunks c join documents d on d.source_id = c.source_id
            where c.source_id = $1 and (d.tenant is null or d.tenant = $2) order by c.seq`,
          [sourceId, tenant ?? null],
        );
        return rows.length === 0 ? undefined : storedDocument(sourceId, rows.map(chunkOfRow));
      },
      async sourceIds() {
        const { rows } = await db.query<{ source_id: string }>(
          'select source_id from documents where tenant is null order by source_id',
        );
        return rows.map((row) => row.source_id);
      },
      async documentsOf(tenant) {
        const { rows } = await db.query<{ source_id: string; bytes: number; chunks: number }>(
          `select d.source_id, octet_length(d.body)::int as bytes,
                  (select count(*) from chunks c where c.source_id = d.source_id)::int as chunks
             from documents d where d.tenant = $1 order by d.source_id`,
          [tenant],
        );
        return rows.map((row) => ({
          sourceId: row.source_id,
          bytes: row.bytes,
          chunks: row.chunks,
        }));
      },
    },
    (planFor, options) =>
      ingestShared(db, planFor, options, async (tx) => {
        // A document whose chunks lack vectors in this model's table (stored before the server
        // had pgvector, by a replica without it, or by one on another embedder) is stale.
        const { rows } = await tx.query<{
          source_id: string;
          content_hash: string;
          chunks: number;
          tenant: string | null;
          bytes: number;
          embedded: boolean;
        }>(
          `select d.source_id, d.content_hash, count(c.chunk_id)::int as chunks, d.tenant,
                  octet_length(d.body)::int as bytes, count(c.chunk_id) = count(v.id) as embedded
             from documents d
             left join chunks c on c.source_id = d.source_id
             left join ${store.table} v on v.id = c.chunk_id
            group by d.source_id, d.content_hash, d.tenant, d.body`,
        );
        const manifest = new Map<string, ManifestEntry>(
          rows.map((row) => [
            row.source_id,
            {
              hash: row.content_hash,
              chunks: row.chunks,
              bytes: row.bytes,
              ...(row.tenant !== null && { tenant: row.tenant }),
            },
          ]),
        );
        // Written in the ingest's transaction; a retriever of this ingest only, so no process
        // keeps chunk texts that another replica's later ingest could make stale.
        const stores = storesOn(tx, embedder);
        return {
          retriever: await createRetriever({ embedder, ...stores }),
          manifest,
          // Their texts are read only by an ingest that repairs.
          async stale() {
            const { rows: stale } = await tx.query<{ source_id: string; body: Buffer }>(
              'select source_id, body from documents where source_id = any($1)',
              [rows.filter((row) => !row.embedded).map((row) => row.source_id)],
            );
            return stale.map(({ source_id: id, body }) => {
              const { hash, tenant } = manifest.get(id) as ManifestEntry;
              return {
                id,
                hash,
                text: body,
                ...(tenant !== undefined && { metadata: { tenant } }),
              };
            });
          },
          async forget(gone, changed) {
            const { rows: chunks } = await tx.query<{ chunk_id: string }>(
              'select chunk_id from chunks where source_id = any($1)',
              [[...gone, ...changed]],
            );
            const ids = chunks.map((row) => row.chunk_id);
            if (ids.length === 0) return;
            await stores.store.delete(ids);
            await stores.text.remove(ids);
          },
        };
      }),
  );
}
