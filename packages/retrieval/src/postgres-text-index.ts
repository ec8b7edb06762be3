/**
 * The lexical side of hybrid search in PostgreSQL: one row per document with its text, JSONB
 * metadata and a `tsvector` (GIN-indexed), queried with `websearch_to_tsquery` or
 * `plainto_tsquery` and ranked by `ts_rank_cd`, under the same metadata filters as every store.
 */
import { InvalidArgumentError, type SqlClient } from '@keel/core';
import {
  assertNumber,
  assertSqlClient,
  inMigration,
  runQuery,
  tableName,
} from '@keel/core/internal';
import { americanWords, identifierWords } from './analyze';
import { assertDocuments, type Bm25Hit } from './bm25-index';
import { rowsById } from './postgres-rows';
import { firstPassing, sqlFilter } from './sql-filter';
import type { TextIndex } from './text-index';
import type { Metadata } from './types';

/** How a query's text becomes a `tsquery`. */
export type TextQuerySyntax = 'any' | 'websearch' | 'plain';

/** Options of {@link createPostgresTextIndex}. */
export interface PostgresTextIndexOptions {
  /** A `pg` Pool. */
  sql: SqlClient;
  /** Table name, optionally schema-qualified: lower-case letters, digits, underscores. */
  table: string;
  /** Text search configuration (stemming and stop words); default `english`. */
  language?: string;
  /**
   * `any` (default): documents holding any of the query's words (stemmed, without stop words),
   * as BM25 finds them; `websearch`: every word unless `or`, quoted phrases and `-word`, never a
   * syntax error; `plain`: every word.
   */
  syntax?: TextQuerySyntax;
  /**
   * Index the words of code identifiers too (`createRedisBudget` also as `create Redis Budget`),
   * and add them to `any` queries, as the retriever's BM25 does; default true. Rows written
   * before get them when their documents are added again.
   */
  identifiers?: boolean;
  /**
   * Index the American spelling of each word British English writes otherwise (`normalised`
   * also as `normalized`), and add it to `any` queries, as the analyzer's `spelling` option
   * reads them; default false. Rows written before get them when their documents are added
   * again.
   */
  spelling?: boolean;
}

/** A PostgreSQL full-text index. */
export interface PostgresTextIndex extends TextIndex {
  /** The table, as given. */
  readonly table: string;
  /**
   * Creates the table and its indexes when missing (idempotent, serialised across replicas by
   * an advisory lock).
   *
   * @throws InvalidArgumentError when the server has no text search configuration `language`.
   */
  migrate(): Promise<void>;
}

/** The `tsquery` of each syntax, from the configuration `$1` and the query text `$2`. */
const PARSERS: Record<TextQuerySyntax, string> = {
  // The query's own lexemes, quoted for the tsquery reader and joined by `|`.
  any: `select coalesce(string_agg(
      '''' || replace(replace(lexeme, '\\', '\\\\'), '''', '''''') || '''', ' | '), '')::tsquery
    from unnest(to_tsvector($1::regconfig, $2))`,
  websearch: 'select websearch_to_tsquery($1::regconfig, $2)',
  plain: 'select plainto_tsquery($1::regconfig, $2)',
};

/**
 * Creates a full-text index on a PostgreSQL table; call `migrate()` once (at start) to create
 * the table. A retriever given it (`createRetriever({ text })`) uses it instead of its
 * in-process BM25.
 *
 * @throws InvalidArgumentError for a bad table name, language or syntax.
 * @example
 * ```ts
 * const text = createPostgresTextIndex({ sql: pool, table: 'chunk_text' });
 * await text.migrate();
 * await text.add([{ id: 'guide.md#0', text: 'Rotate keys monthly', metadata: { tenant: 'acme' } }]);
 * const hits = await text.search('rotate keys', { k: 5, filter: { tenant: 'acme' } });
 * ```
 */
export function createPostgresTextIndex({
  sql,
  table,
  language = 'english',
  syntax = 'any',
  identifiers = true,
  spelling = false,
}: PostgresTextIndexOptions): PostgresTextIndex {
  assertSqlClient('createPostgresTextIndex', sql);
  const { quoted, bare } = tableName(table);
  const byId = rowsById(sql, quoted, 'postgres-text-index');
  if (typeof language !== 'string' || !/^[a-z_][a-z0-9_]*$/.test(language)) {
    throw new InvalidArgumentError({
      argument: 'language',
      message: `language must be the name of a text search configuration such as 'english' or 'simple', got ${JSON.stringify(language)}`,
    });
  }
  /**
   * The text given to `to_tsvector`: with identifier words and American spellings after it,
   * positions unchanged.
   */
  const analyzed = (text: string) => {
    const parts = identifiers ? identifierWords(text) : '';
    // A part of an identifier is spelled too (`normaliseUsage` as `normalize`).
    const words = `${parts} ${spelling ? americanWords(`${text} ${parts}`) : ''}`.trim();
    return words === '' ? text : `${text}\n${words}`;
  };
  const parser = PARSERS[syntax];
  if (parser === undefined) {
    throw new InvalidArgumentError({
      argument: 'syntax',
      message: `syntax must be 'any', 'websearch' or 'plain', got ${JSON.stringify(syntax)}`,
    });
  }

  return {
    table,
    count: byId.count,
    has: byId.has,
    remove: byId.remove,
    async migrate() {
      await inMigration(sql, 'postgres-text-index.migrate', table, async (connection) => {
        const { rows } = await connection.query<{ known: boolean }>(
          'select exists (select 1 from pg_ts_config where cfgname = $1) as known',
          [language],
        );
        if (rows[0]?.known !== true) {
          throw new InvalidArgumentError({
            argument: 'language',
            message: `This server has no text search configuration "${language}"; see \\dF in psql (english, simple, ...)`,
          });
        }
        // DDL takes no parameters: the table name is checked and quoted.
        await connection.query(`create table if not exists ${quoted} (
          id text primary key,
          body text not null,
          metadata jsonb not null default '{}'::jsonb,
          terms tsvector not null)`);
        await connection.query(
          `create index if not exists "${bare}_terms" on ${quoted} using gin (terms)`,
        );
        await connection.query(`create index if not exists "${bare}_metadata"
          on ${quoted} using gin (metadata jsonb_path_ops)`);
      });
    },
    async add(documents) {
      assertDocuments(documents);
      // One row per id: the last version in the batch wins, as in the in-process index.
      const latest = [...new Map(documents.map((document) => [document.id, document])).values()];
      if (latest.length === 0) return;
      await runQuery(
        sql,
        'postgres-text-index.add',
        `insert into ${quoted} (id, body, metadata, terms)
          select id, body, metadata, to_tsvector($4::regconfig, analyzed)
            from unnest($1::text[], $2::text[], $3::jsonb[], $5::text[])
              as batch (id, body, metadata, analyzed)
          on conflict (id) do update
            set body = excluded.body, metadata = excluded.metadata, terms = excluded.terms`,
        [
          latest.map((document) => document.id),
          latest.map((document) => document.text),
          latest.map((document) => JSON.stringify(document.metadata ?? {})),
          language,
          latest.map((document) => analyzed(document.text)),
        ],
      );
    },
    async search(query, { k = 10, filter } = {}) {
      assertNumber('k', k, { integer: true, min: 1 });
      if (typeof query !== 'string') {
        throw new InvalidArgumentError({
          argument: 'query',
          message: `query must be a string, got ${typeof query}`,
        });
      }
      // Phrases and exclusions of `websearch` and every word of `plain` stay the user's own.
      const values: unknown[] = [language, syntax === 'any' ? analyzed(query) : query];
      const { where, predicate } = sqlFilter(filter, values);
      const select = `select id, metadata, ts_rank_cd(terms, parsed.query) as score
        from ${quoted}, (${parser}) as parsed (query)
        where terms @@ parsed.query and ${where}
        order by score desc, id limit $${values.length + 1} offset $${values.length + 2}`;
      type Row = { id: string; metadata: Metadata; score: number };
      const rows = await firstPassing(k, predicate, (limit, offset) =>
        runQuery<Row>(sql, 'postgres-text-index.search', select, [...values, limit, offset]),
      );
      return rows.map(
        (row): Bm25Hit => ({ id: row.id, score: Number(row.score), metadata: row.metadata }),
      );
    },
  };
}
