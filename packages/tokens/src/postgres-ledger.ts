/**
 * A cost ledger in PostgreSQL: one row per call, written once however often the write is
 * retried, and summed by the database.
 */
import { InvalidArgumentError, type SqlClient, type Usage } from '@keel/core';
import { assertSqlClient, inMigration, runQuery, tableName } from '@keel/core/internal';
import {
  type CostLedger,
  type LedgerCall,
  type LedgerSnapshot,
  type LedgerTotals,
  ledgerEntry,
  ledgerTotals,
} from './cost-ledger';
import type { CostBreakdown, NanoUsd } from './estimate-cost';

/** Options of {@link createPostgresLedger}. */
export interface PostgresLedgerOptions {
  /** A `pg` `Pool` (or `PoolClient`), or a PGlite instance. */
  sql: SqlClient;
  /**
   * The table, created by `migrate()`: lower-case letters, digits and underscores, optionally
   * schema-qualified (`app.keel_ledger`). Default `'keel_ledger'`.
   */
  table?: string;
}

/** Which calls a snapshot sums. */
export interface LedgerSnapshotOptions {
  /** Only calls recorded at or after this moment (database time), e.g. the start of the day. */
  since?: Date;
}

/** The ledger {@link createPostgresLedger} returns. */
export interface PostgresLedger extends CostLedger {
  /**
   * Creates the table and its index when missing; safe to run on every start, and serialised
   * across replicas by an advisory lock.
   */
  migrate(): Promise<void>;
  record(call: LedgerCall): Promise<CostBreakdown>;
  snapshot(options?: LedgerSnapshotOptions): Promise<LedgerSnapshot>;
}

/** Usage fields and their columns. */
const USAGE_COLUMNS = [
  ['inputTokens', 'input_tokens'],
  ['outputTokens', 'output_tokens'],
  ['cacheReadTokens', 'cache_read_tokens'],
  ['cacheWriteTokens', 'cache_write_tokens'],
  ['reasoningTokens', 'reasoning_tokens'],
] as const satisfies readonly (readonly [keyof Usage, string])[];

/** Cost parts and their columns, in integer nano-dollars. */
const COST_COLUMNS = [
  ['input', 'cost_input_nano_usd'],
  ['cachedInput', 'cost_cached_input_nano_usd'],
  ['cacheWrite', 'cost_cache_write_nano_usd'],
  ['output', 'cost_output_nano_usd'],
  ['total', 'cost_total_nano_usd'],
] as const satisfies readonly (readonly [keyof NanoUsd, string])[];

const AMOUNT_COLUMNS = [...USAGE_COLUMNS, ...COST_COLUMNS].map(([, column]) => column);

/** Sums as the database returns them: bigint and numeric arrive as strings. */
type SumRow = Record<string, string | number | null>;

/** The fields of `pairs` read from their columns of `row`. */
function fieldsOf<Field extends string>(
  pairs: readonly (readonly [Field, string])[],
  row: SumRow,
): Record<Field, number> {
  const fields = {} as Record<Field, number>;
  for (const [field, column] of pairs) fields[field] = Number(row[column] ?? 0);
  return fields;
}

function totalsOf(row: SumRow): LedgerTotals {
  return ledgerTotals(
    Number(row.calls ?? 0),
    fieldsOf(USAGE_COLUMNS, row),
    fieldsOf(COST_COLUMNS, row),
  );
}

/**
 * Creates a ledger over PostgreSQL that every replica writes to and that outlives them. Each call
 * is one row (model, user, feature, every usage field, the cost parts in integer nano-dollars,
 * the database's timestamp), keyed by its `callId`: recording an id again writes nothing and
 * returns the cost stored the first time. Calls without an id get a generated one. The cost is
 * the caller's `cost` when given, else `estimateCost`, exactly as in `createCostLedger`, and
 * snapshots match that ledger's for the same calls.
 *
 * Database failures reject with `SharedStateUnavailableError` (`engine: 'postgres'`); time
 * limits are the client's (`pg`'s `connectionTimeoutMillis`, `statement_timeout`).
 *
 * @throws InvalidArgumentError for a missing client or a table name that is not a plain
 * identifier (optionally after a schema and a dot).
 * @example
 * ```ts
 * const ledger = createPostgresLedger({ sql: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await ledger.migrate();
 * await ledger.record({ callId, model: 'gpt-4o', usage, userId: 'u1', feature: 'search' });
 * (await ledger.snapshot({ since: startOfDay })).byUser.u1?.cost.total;
 * ```
 */
export function createPostgresLedger({
  sql,
  table = 'keel_ledger',
}: PostgresLedgerOptions): PostgresLedger {
  assertSqlClient('createPostgresLedger', sql);
  const { quoted: name, bare } = tableName(table);
  const query = <Row>(operation: string, text: string, values?: unknown[]) =>
    runQuery<Row>(sql, operation, text, values);
  const columns = ['call_id', 'model', 'user_id', 'feature', ...AMOUNT_COLUMNS];
  const insert = `insert into ${name} (${columns.join(', ')}) values (${columns.map((_, index) => `$${index + 1}`).join(', ')}) on conflict (call_id) do nothing returning call_id`;
  const sums = AMOUNT_COLUMNS.map((column) => `sum(${column}) as ${column}`).join(', ');
  const stored = `select ${COST_COLUMNS.map(([, column]) => column).join(', ')} from ${name} where call_id = $1`;

  return {
    async migrate() {
      await inMigration(sql, 'ledger.migrate', table, async (connection) => {
        await connection.query(`create table if not exists ${name} (
          call_id text primary key,
          recorded_at timestamptz not null default now(),
          model text not null,
          user_id text,
          feature text,
          ${AMOUNT_COLUMNS.map((column) => `${column} bigint not null`).join(',\n          ')}
        )`);
        await connection.query(
          `create index if not exists "${bare}_recorded_at" on ${name} (recorded_at)`,
        );
      });
    },

    async record(call) {
      const entry = ledgerEntry(call);
      const callId = entry.callId ?? crypto.randomUUID();
      const inserted = await query('ledger.record', insert, [
        callId,
        entry.model,
        entry.userId ?? null,
        entry.feature ?? null,
        ...USAGE_COLUMNS.map(([field]) => entry.usage[field]),
        ...COST_COLUMNS.map(([part]) => entry.cost.nanoUsd[part]),
      ]);
      if (inserted.length > 0) return entry.cost;
      // Recorded before: the cost that counts is the one stored then.
      const [row = {}] = await query<SumRow>('ledger.record', stored, [callId]);
      return totalsOf(row).cost;
    },

    async snapshot({ since } = {}) {
      if (since !== undefined && (!(since instanceof Date) || Number.isNaN(since.getTime()))) {
        throw new InvalidArgumentError({
          argument: 'since',
          message: 'since must be a valid Date, e.g. new Date(Date.UTC(2026, 0, 1))',
        });
      }
      const rows = await query<SumRow & { by: string; key: string | null }>(
        'ledger.snapshot',
        `select case
            when grouping(user_id) = 0 then 'user'
            when grouping(feature) = 0 then 'feature'
            when grouping(model) = 0 then 'model'
            else 'total' end as by,
          coalesce(user_id, feature, model) as key, count(*) as calls, ${sums}
        from ${name}
        where $1::timestamptz is null or recorded_at >= $1::timestamptz
        group by grouping sets ((), (user_id), (feature), (model))`,
        [since?.toISOString() ?? null],
      );
      const snapshot: LedgerSnapshot = {
        total: totalsOf({}),
        byUser: {},
        byFeature: {},
        byModel: {},
      };
      const groups = {
        user: snapshot.byUser,
        feature: snapshot.byFeature,
        model: snapshot.byModel,
      };
      for (const row of rows) {
        if (row.by === 'total') snapshot.total = totalsOf(row);
        else if (row.key !== null) groups[row.by as keyof typeof groups][row.key] = totalsOf(row);
      }
      return snapshot;
    },
  };
}
