/**
 * A vector store in PostgreSQL with pgvector: one row per vector (id, embedding, JSONB
 * metadata), an HNSW index in the store's space, and a GIN index for the metadata filters.
 * Searches use pgvector's iterative index scans (0.8+) and fall back to an exact scan when the
 * index comes back short, so a filtered search returns k hits whenever k vectors pass.
 */
import { InvalidArgumentError, type SqlClient } from '@keel/core';
import {
  assertNumber,
  assertSqlClient,
  inMigration,
  inTransaction,
  runQuery,
  tableName,
} from '@keel/core/internal';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
import type { Filter } from './filter';
import { rowsById } from './postgres-rows';
import { firstPassing, sqlFilter } from './sql-filter';
import { assertItems, assertStoreShape } from './store-options';
import type { Metadata } from './types';
import { assertVector, type Vector } from './validate-vector';
import {
  type AsyncVectorStore,
  resolveK,
  type Space,
  type VectorHit,
  type VectorItem,
} from './vector-store';

/** Options of {@link createPgVectorStore}. */
export interface PgVectorStoreOptions {
  /**
   * A `pg` Pool (searches and `add` check out one connection for a transaction), or a client:
   * one already in a transaction runs them in a savepoint of it (a search's `hnsw` settings
   * then last until that transaction ends).
   */
  sql: SqlClient;
  /** Table name, optionally schema-qualified: lower-case letters, digits, underscores. */
  table: string;
  dim: number;
  /** Default `cosine`. */
  space?: Space;
  /** HNSW graph degree; default 16 (pgvector's). */
  m?: number;
  /** HNSW build-time candidate list; default 64 (pgvector's). */
  efConstruction?: number;
  /** `hnsw.ef_search` of each search, raised to k (pgvector caps it at 1,000); default 64. */
  ef?: number;
  /**
   * Embedding model of the vectors (`embedder.modelId`): recorded by `migrate` on the table's
   * `embedding` column and checked by `migrate`, every write and every search (in the same
   * statement, no extra round trip), so vectors of two models never meet.
   */
  model?: string;
}

/** A pgvector store. */
export interface PgVectorStore extends AsyncVectorStore {
  /** The table, as given. */
  readonly table: string;
  /** The embedding model of the vectors, as given. */
  readonly model: string | undefined;
  /**
   * Creates the `vector` extension, the table and its indexes when missing, and records the
   * store's embedding model on a table whose column has no comment (idempotent, and serialised
   * across replicas by an advisory lock).
   *
   * @throws DimensionMismatchError when the table exists with another dimension;
   * EmbeddingModelMismatchError when it records another embedding model.
   */
  migrate(): Promise<void>;
}

/** pgvector's distance operator and HNSW operator class of each space. */
const SPACES: Record<Space, { operator: string; opclass: string }> = {
  cosine: { operator: '<=>', opclass: 'vector_cosine_ops' },
  ip: { operator: '<#>', opclass: 'vector_ip_ops' },
  l2: { operator: '<->', opclass: 'vector_l2_ops' },
};

/** pgvector's distances to the scores of {@link VectorHit}: the HNSW store's, in every space. */
const SCORES: Record<Space, (distance: number) => number> = {
  cosine: (distance) => 1 - distance,
  // `<#>` is the negative inner product.
  ip: (distance) => -distance,
  // `<->` is the Euclidean distance; the HNSW store scores minus its square.
  l2: (distance) => -(distance * distance),
};

/** pgvector refuses a larger `hnsw.ef_search`. */
const MAX_EF_SEARCH = 1_000;

/** How the `embedding` column's comment records the model of its vectors. */
const MODEL_COMMENT = 'embedding model: ';

/** The embedding column's dimension and comment, of the table the parameter `table` names. */
const columnSql = (table: string) => `select atttypmod as dim,
    col_description(attrelid, attnum) as comment
  from pg_attribute where attrelid = ${table}::regclass and attname = 'embedding'`;

/** The model a column comment records, if it records one. */
function recordedModel(comment: string | null | undefined): string | undefined {
  return comment?.startsWith(MODEL_COMMENT) ? comment.slice(MODEL_COMMENT.length) : undefined;
}

/**
 * A string literal for DDL, which takes no parameters: the `E''` form reads the same whatever
 * `standard_conforming_strings` says, and a quote is doubled (`backslash_quote` may refuse
 * `\\'`).
 */
function ddlLiteral(text: string): string {
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** The text form pgvector reads: `[1,2,3]`. */
function vectorLiteral(vector: Vector): string {
  return `[${Array.from(vector).join(',')}]`;
}

/**
 * Whether the server can store vectors: the pgvector extension is installed there (created in
 * this database or available to `create extension`).
 *
 * @example
 * ```ts
 * const store = (await hasPgVector(pool))
 *   ? createPgVectorStore({ sql: pool, table: 'chunk_vectors', dim: 384 })
 *   : await createHnswStore({ dim: 384 });
 * ```
 */
export async function hasPgVector(sql: SqlClient): Promise<boolean> {
  const [row] = await runQuery<{ available: boolean }>(
    sql,
    'pg-vector-store.hasPgVector',
    `select exists (select 1 from pg_available_extensions where name = 'vector') as available`,
  );
  return row?.available === true;
}

/**
 * Creates a vector store on a PostgreSQL table with pgvector; call `migrate()` once (at start)
 * to create the table. Nothing is cached in process: every replica sees every write.
 *
 * @throws InvalidArgumentError for a bad table name, dimension, space or HNSW parameter.
 * @example
 * ```ts
 * const store = createPgVectorStore({ sql: pool, table: 'chunk_vectors', dim: 384 });
 * await store.migrate();
 * await store.upsert([{ id: 'guide.md#0', vector, metadata: { tenant: 'acme' } }]);
 * const hits = await store.search(query, { k: 5, filter: { tenant: 'acme' } });
 * ```
 */
export function createPgVectorStore({
  sql,
  table,
  dim,
  space = 'cosine',
  m = 16,
  efConstruction = 64,
  ef = 64,
  model,
}: PgVectorStoreOptions): PgVectorStore {
  assertSqlClient('createPgVectorStore', sql);
  const { quoted, bare } = tableName(table);
  const byId = rowsById(sql, quoted, 'pg-vector-store');
  assertStoreShape(dim, space);
  assertNumber('dim', dim, { integer: true, min: 1, max: 2_000 });
  assertNumber('m', m, { integer: true, min: 2, max: 100 });
  assertNumber('efConstruction', efConstruction, { integer: true, min: 4, max: 1_000 });
  assertNumber('ef', ef, { integer: true, min: 1 });
  if (
    model !== undefined &&
    (typeof model !== 'string' || !/^[^\p{Cc}\p{Cs}]{1,200}$/u.test(model))
  ) {
    throw new InvalidArgumentError({
      argument: 'model',
      message: `model must be an embedding model id of 1 to 200 characters without control characters or lone surrogates (embedder.modelId), got ${JSON.stringify(model)}`,
    });
  }
  const { operator, opclass } = SPACES[space];
  const score = SCORES[space];

  function rows(items: readonly VectorItem[]): unknown[] {
    return [
      items.map((item) => item.id),
      items.map((item) => vectorLiteral(item.vector)),
      items.map((item) => JSON.stringify(item.metadata ?? {})),
    ];
  }
  // pgvector before 0.8 has no iterative scans and refuses unknown `hnsw.` settings: ask once.
  let iterative: Promise<boolean> | undefined;
  function iterativeScans(connection: SqlClient): Promise<boolean> {
    if (iterative === undefined) {
      const asked = connection
        .query<{ version: string | null }>(
          `select extversion as version from pg_extension where extname = 'vector'`,
        )
        .then(({ rows }) => {
          const [major = 0, minor = 0] = (rows[0]?.version ?? '0.0').split('.').map(Number);
          return major > 0 || minor >= 8;
        });
      // A failed question is asked again by the next search.
      asked.catch(() => {
        iterative = undefined;
      });
      iterative = asked;
    }
    return iterative;
  }

  /** The comment recording the store's model, compared in SQL by every write. */
  const expected = model === undefined ? null : MODEL_COMMENT + model;
  /** Throws when `comment` records another model than the store's (none recorded passes). */
  function assertModel(comment: string | null | undefined): void {
    const recorded = recordedModel(comment);
    if (model !== undefined && recorded !== undefined && recorded !== model) {
      throw new EmbeddingModelMismatchError({
        path: table,
        indexModel: recorded,
        requestedModel: model,
        message: `Table ${table} holds vectors of embedding model "${recorded}" but this store embeds with "${model}"; use the same model, or another table and embed the documents again`,
      });
    }
  }

  /**
   * Writes the items in one statement, unless the table records another model: the insert
   * locks the table before the statement's snapshot, so the model it reads is the one it
   * writes under. Resolves to the ids written.
   */
  async function write(
    connection: SqlClient,
    operation: string,
    conflict: string,
    items: readonly VectorItem[],
  ): Promise<Set<string>> {
    const [row] = await runQuery<{ comment: string | null; ids: string[] }>(
      connection,
      operation,
      `with recorded as (select comment from (${columnSql('$4')}) as col),
        written as (
          insert into ${quoted} (id, embedding, metadata)
          select * from unnest($1::text[], $2::vector[], $3::jsonb[])
           -- nothing when the table records another model
           where $5::text is null or not exists (select from recorded
             where starts_with(comment, '${MODEL_COMMENT}') and comment <> $5)
          ${conflict} returning id)
      select (select comment from recorded) as comment,
        array(select id from written) as ids`,
      [...rows(items), quoted, expected],
    );
    assertModel(row?.comment);
    return new Set(row?.ids);
  }

  async function search(
    connection: SqlClient,
    vector: Vector,
    k: number,
    filter: Filter | undefined,
  ): Promise<VectorHit[]> {
    const values: unknown[] = [vectorLiteral(vector)];
    const { where, predicate } = sqlFilter(filter, values);
    const select = `select id, metadata, embedding ${operator} $1::vector as distance
      from ${quoted} where ${where}`;
    const limit = `$${values.length + 1}`;
    type Row = { id: string; metadata: Metadata; distance: number };
    const hit = (row: Row): VectorHit => ({
      id: row.id,
      score: score(Number(row.distance)),
      metadata: row.metadata,
    });
    if (predicate === undefined) {
      const found = await connection.query<Row>(
        `${select} order by embedding ${operator} $1::vector limit ${limit}`,
        [...values, k],
      );
      if (found.rows.length === k) return found.rows.map(hit);
    }
    // Exact: the index came back short (or fewer than k match), or a function filter reads
    // rows in distance order until k pass.
    await connection.query(`select set_config('enable_indexscan', 'off', true)`);
    const exact = `${select} order by distance, id limit ${limit} offset $${values.length + 2}`;
    const found = await firstPassing(k, predicate, async (size, offset) => {
      return (await connection.query<Row>(exact, [...values, size, offset])).rows;
    });
    return found.map(hit);
  }

  return {
    dim,
    space,
    table,
    count: byId.count,
    has: byId.has,
    delete: byId.remove,
    model,
    async migrate() {
      await inMigration(sql, 'pg-vector-store.migrate', table, async (connection) => {
        if (!(await hasPgVector(connection))) {
          throw new Error(
            'the pgvector extension is not installed on this server; install it (https://github.com/pgvector/pgvector) or use createHnswStore',
          );
        }
        await connection.query('create extension if not exists vector');
        // DDL takes no parameters: the table name is checked and quoted, the numbers are
        // checked integers.
        await connection.query(`create table if not exists ${quoted} (
          id text primary key,
          embedding vector(${dim}) not null,
          metadata jsonb not null default '{}'::jsonb)`);
        const { rows: columns } = await connection.query<{ dim: number; comment: string | null }>(
          columnSql('$1'),
          [quoted],
        );
        const existing = Number(columns[0]?.dim);
        if (existing !== dim) {
          throw new DimensionMismatchError({
            expected: dim,
            actual: existing,
            message: `Table ${table} holds ${existing}-dimensional vectors but ${dim} were requested; use dim: ${existing} or another table`,
          });
        }
        const comment = columns[0]?.comment;
        assertModel(comment);
        // A comment of the user's own is left as it is (and records no model).
        if (expected !== null && comment === null) {
          await connection.query(
            `comment on column ${quoted}.embedding is ${ddlLiteral(expected)}`,
          );
        }
        await connection.query(`create index if not exists "${bare}_hnsw_${space}"
          on ${quoted} using hnsw (embedding ${opclass})
          with (m = ${m}, ef_construction = ${efConstruction})`);
        await connection.query(`create index if not exists "${bare}_metadata"
          on ${quoted} using gin (metadata jsonb_path_ops)`);
      });
    },
    async add(items) {
      assertItems(items, dim);
      await inTransaction(sql, 'pg-vector-store.add', async (connection) => {
        const added = await write(
          connection,
          'pg-vector-store.add',
          'on conflict (id) do nothing',
          items,
        );
        const stored = items.find((item) => !added.has(item.id));
        if (stored !== undefined) {
          throw new InvalidArgumentError({
            argument: 'items',
            message: `id "${stored.id}" is already stored; use upsert to replace it`,
          });
        }
      });
    },
    async upsert(items) {
      assertItems(items, dim);
      await write(
        sql,
        'pg-vector-store.upsert',
        `on conflict (id) do update
          set embedding = excluded.embedding, metadata = excluded.metadata`,
        items,
      );
    },
    async ids() {
      const found = await runQuery<{ id: string }>(
        sql,
        'pg-vector-store.ids',
        `select id from ${quoted}`,
      );
      return found.map((row) => row.id);
    },
    async search(vector, { k, filter, ef: searchEf = ef } = {}) {
      const wanted = resolveK(k);
      assertVector(vector, dim, 'query');
      assertNumber('ef', searchEf, { integer: true, min: 1 });
      return inTransaction(sql, 'pg-vector-store.search', async (connection) => {
        const iterativeSetting = (await iterativeScans(connection))
          ? `, set_config('hnsw.iterative_scan', 'strict_order', true)`
          : '';
        // The recorded model is read in the same round trip. Naming the table takes its share
        // lock before the statement's snapshot: the model read is the one searched.
        const { rows: settings } = await connection.query<{ comment: string | null }>(
          `select set_config('hnsw.ef_search', $1, true)${iterativeSetting},
            (select 1 from ${quoted} limit 0) as locked,
            (select comment from (${columnSql('$2')}) as col) as comment`,
          [String(Math.min(Math.max(searchEf, wanted), MAX_EF_SEARCH)), quoted],
        );
        assertModel(settings[0]?.comment);
        return search(connection, vector, wanted, filter);
      });
    },
  };
}
