/**
 * The memory store in PostgreSQL, or in PGlite (PostgreSQL embedded in the process): two tables,
 * facts and summaries, shared by every replica and kept across restarts. Client checks,
 * statements, transactions and migrations go through `@keel/core/internal`, like every Keel
 * PostgreSQL adapter.
 */
import type { SqlClient } from '@keel/core';
import {
  assertSqlClient,
  inMigration,
  inTransaction,
  runQuery,
  tableName,
} from '@keel/core/internal';
import type { ConversationSummary, Fact, FactSource, MemoryScope } from './fact';
import type { FactQuery, FactSelector, MemoryStore, SummarySelector } from './memory-store';

/** Options of {@link createPostgresMemoryStore}. */
export interface PostgresMemoryStoreOptions {
  /** A `pg` `Pool` (or `PoolClient`), or a PGlite instance. */
  sql: SqlClient;
  /**
   * What the two tables' names start with (`<table>_facts`, `<table>_summaries`): lower-case
   * letters, digits and underscores, optionally after a schema and a dot. Default `'keel_memory'`.
   */
  table?: string;
}

interface FactRow {
  id: string;
  tenant_id: string;
  user_id: string | null;
  conversation_id: string | null;
  scope: MemoryScope;
  subject: string;
  statement: string;
  source: FactSource;
  confidence: number;
  created_at: number;
  expires_at: number | null;
  superseded_by: string | null;
}

interface SummaryRow {
  tenant_id: string;
  user_id: string;
  conversation_id: string;
  text: string;
  through_turn: number;
  forgotten_turns: number[];
  prompt_id: string;
  updated_at: number;
}

const FACT_COLUMNS =
  'id, tenant_id, user_id, conversation_id, scope, subject, statement, source, confidence, created_at, expires_at, superseded_by';
const SUMMARY_COLUMNS =
  'tenant_id, user_id, conversation_id, text, through_turn, forgotten_turns, prompt_id, updated_at';

function factOf(row: FactRow): Fact {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    conversationId: row.conversation_id,
    scope: row.scope,
    subject: row.subject,
    statement: row.statement,
    source: typeof row.source === 'string' ? JSON.parse(row.source) : row.source,
    confidence: Number(row.confidence),
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    supersededBy: row.superseded_by,
  };
}

function summaryOf(row: SummaryRow): ConversationSummary {
  const forgotten =
    typeof row.forgotten_turns === 'string' ? JSON.parse(row.forgotten_turns) : row.forgotten_turns;
  return {
    tenantId: row.tenant_id,
    userId: row.user_id,
    conversationId: row.conversation_id,
    text: row.text,
    throughTurn: Number(row.through_turn),
    forgottenTurns: forgotten.map(Number),
    promptId: row.prompt_id,
    updatedAt: Number(row.updated_at),
  };
}

/** A `where` clause and its values, numbered from `$1`. */
function factWhere(query: FactQuery): { where: string; values: unknown[] } {
  const values: unknown[] = [query.tenantId];
  const clauses = ['tenant_id = $1'];
  if (query.userId !== undefined) {
    values.push(query.userId, query.conversationId ?? null);
    clauses.push(
      "(scope = 'tenant' or (user_id = $2 and (scope = 'user' or conversation_id = $3)))",
    );
  }
  if (query.history !== true) clauses.push('superseded_by is null');
  if (query.now !== undefined) {
    values.push(query.now);
    clauses.push(`(expires_at is null or expires_at > $${values.length})`);
  }
  return { where: clauses.join(' and '), values };
}

function selectorWhere(selector: FactSelector): { where: string; values: unknown[] } {
  if ('expiredAt' in selector) {
    return { where: 'expires_at is not null and expires_at <= $1', values: [selector.expiredAt] };
  }
  if ('ids' in selector) {
    return {
      where: 'tenant_id = $1 and id = any($2::text[])',
      values: [selector.tenantId, [...selector.ids]],
    };
  }
  if ('userId' in selector) {
    return {
      where: 'tenant_id = $1 and user_id = $2',
      values: [selector.tenantId, selector.userId],
    };
  }
  return {
    where: 'tenant_id = $1 and (conversation_id = $2 or source_conversation_id = $2)',
    values: [selector.tenantId, selector.conversationId],
  };
}

function summarySelectorWhere(selector: SummarySelector): { where: string; values: unknown[] } {
  if ('updatedBefore' in selector)
    return { where: 'updated_at < $1', values: [selector.updatedBefore] };
  return 'userId' in selector
    ? { where: 'tenant_id = $1 and user_id = $2', values: [selector.tenantId, selector.userId] }
    : {
        where: 'tenant_id = $1 and conversation_id = $2',
        values: [selector.tenantId, selector.conversationId],
      };
}

/**
 * Creates a memory store over PostgreSQL or PGlite. Call `migrate()` once at start (it is safe on
 * every start and serialised across replicas). Failures reject with
 * `SharedStateUnavailableError` (`engine: 'postgres'`).
 *
 * @throws InvalidArgumentError for a missing client or a table name that is not a plain identifier.
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * const store = createPostgresMemoryStore({ sql: new PGlite('./data/memory') });
 * await store.migrate();
 * const memory = createMemory({ store });
 * ```
 */
export function createPostgresMemoryStore({
  sql,
  table = 'keel_memory',
}: PostgresMemoryStoreOptions): MemoryStore {
  assertSqlClient('createPostgresMemoryStore', sql);
  tableName(table);
  const facts = tableName(`${table}_facts`);
  const summaries = tableName(`${table}_summaries`);
  const query = <Row>(operation: string, text: string, values?: unknown[]) =>
    runQuery<Row>(sql, `memory.${operation}`, text, values);

  return {
    migrate() {
      return inMigration(sql, 'memory.migrate', table, async (connection) => {
        await connection.query(`create table if not exists ${facts.quoted} (
          id text primary key,
          tenant_id text not null,
          user_id text,
          conversation_id text,
          scope text not null,
          subject text not null,
          statement text not null,
          source jsonb not null,
          source_conversation_id text,
          confidence double precision not null,
          created_at double precision not null,
          expires_at double precision,
          superseded_by text
        )`);
        await connection.query(
          `create index if not exists ${facts.bare}_owner on ${facts.quoted} (tenant_id, user_id)`,
        );
        await connection.query(
          `create index if not exists ${facts.bare}_conversation on ${facts.quoted} (tenant_id, source_conversation_id)`,
        );
        await connection.query(
          `create index if not exists ${facts.bare}_expiry on ${facts.quoted} (expires_at) where expires_at is not null`,
        );
        await connection.query(`create table if not exists ${summaries.quoted} (
          tenant_id text not null,
          conversation_id text not null,
          user_id text not null,
          text text not null,
          through_turn integer not null,
          forgotten_turns jsonb not null,
          prompt_id text not null,
          updated_at double precision not null,
          primary key (tenant_id, conversation_id)
        )`);
      });
    },
    async addFact(fact, supersedes) {
      await inTransaction(sql, 'memory.addFact', async (connection) => {
        await connection.query(
          `insert into ${facts.quoted} (${FACT_COLUMNS}, source_conversation_id) values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)`,
          [
            fact.id,
            fact.tenantId,
            fact.userId,
            fact.conversationId,
            fact.scope,
            fact.subject,
            fact.statement,
            JSON.stringify(fact.source),
            fact.confidence,
            fact.createdAt,
            fact.expiresAt,
            fact.supersededBy,
            fact.source.type === 'turn' ? fact.source.conversationId : null,
          ],
        );
        if (supersedes.length > 0) {
          await connection.query(
            `update ${facts.quoted} set superseded_by = $1 where tenant_id = $2 and id = any($3::text[]) and id <> $1`,
            [fact.id, fact.tenantId, [...supersedes]],
          );
        }
      });
    },
    async listFacts(factQuery) {
      const { where, values } = factWhere(factQuery);
      const rows = await query<FactRow>(
        'listFacts',
        `select ${FACT_COLUMNS} from ${facts.quoted} where ${where} order by created_at, id collate "C"`,
        values,
      );
      return rows.map(factOf);
    },
    async deleteFacts(selector) {
      const { where, values } = selectorWhere(selector);
      const rows = await query<FactRow>(
        'deleteFacts',
        `delete from ${facts.quoted} where ${where} returning ${FACT_COLUMNS}`,
        values,
      );
      return rows.map(factOf);
    },
    async getSummary(tenantId, conversationId) {
      const [row] = await query<SummaryRow>(
        'getSummary',
        `select ${SUMMARY_COLUMNS} from ${summaries.quoted} where tenant_id = $1 and conversation_id = $2`,
        [tenantId, conversationId],
      );
      return row && summaryOf(row);
    },
    async putSummary(summary) {
      await query(
        'putSummary',
        `insert into ${summaries.quoted} (${SUMMARY_COLUMNS}) values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
         on conflict (tenant_id, conversation_id) do update set user_id = excluded.user_id, text = excluded.text,
           through_turn = excluded.through_turn, forgotten_turns = excluded.forgotten_turns,
           prompt_id = excluded.prompt_id, updated_at = excluded.updated_at`,
        [
          summary.tenantId,
          summary.userId,
          summary.conversationId,
          summary.text,
          summary.throughTurn,
          JSON.stringify(summary.forgottenTurns),
          summary.promptId,
          summary.updatedAt,
        ],
      );
    },
    async deleteSummaries(selector) {
      const { where, values } = summarySelectorWhere(selector);
      const rows = await query(
        'deleteSummaries',
        `delete from ${summaries.quoted} where ${where} returning tenant_id`,
        values,
      );
      return rows.length;
    },
  };
}
