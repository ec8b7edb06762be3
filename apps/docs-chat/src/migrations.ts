/**
 * The schema, as numbered steps shared by the embedded database and PostgreSQL. Each start runs
 * the steps a database has not seen, in one transaction under an advisory lock, and records
 * them in `schema_migrations`: replicas starting together migrate once, the others wait and
 * find nothing left to do. A step is never edited once released; a change is a new step.
 */
import type { Database } from './database';

/** One schema change. */
export interface Migration {
  version: number;
  name: string;
  /** Run in order, in the migration's transaction. */
  statements: string[];
}

/** The key of the advisory lock migrations run under (any constant bigint; "docs-chat"). */
const MIGRATION_LOCK = 0x646f63732d63;

/** Every step, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    // Written with `if not exists`: data directories from before migrations already hold it.
    name: 'conversations, turns, ledger, notes, approvals',
    statements: [
      `create table if not exists conversations (
        id text primary key,
        user_id text not null,
        created_at timestamptz not null default now()
      )`,
      `create table if not exists turns (
        conversation_id text not null references conversations(id),
        seq integer not null,
        turn_id text not null,
        role text not null check (role in ('user', 'assistant')),
        text text not null,
        citations jsonb not null default '[]',
        usage jsonb,
        outcome text,
        agent_state jsonb,
        created_at timestamptz not null default now(),
        primary key (conversation_id, seq)
      )`,
      `create table if not exists ledger (
        id bigserial primary key,
        at timestamptz not null default now(),
        user_id text not null,
        conversation_id text,
        feature text not null,
        provider text not null,
        model text not null,
        outcome text not null,
        input_tokens integer not null,
        output_tokens integer not null,
        cache_read_tokens integer not null,
        cost_usd double precision not null
      )`,
      `alter table turns add column if not exists tools jsonb not null default '[]'`,
      'create index if not exists ledger_user_day on ledger (user_id, at)',
      `create table if not exists notes (
        id bigserial primary key,
        user_id text not null,
        conversation_id text,
        title text not null,
        body text not null,
        created_at timestamptz not null default now()
      )`,
      `create table if not exists approvals (
        token text primary key,
        approval jsonb not null
      )`,
    ],
  },
  {
    version: 2,
    name: 'documents, chunks and conversation leases, for replicas sharing one database',
    statements: [
      `create table documents (
        source_id text primary key,
        content_hash text not null,
        body bytea not null,
        updated_at timestamptz not null default now()
      )`,
      `create table chunks (
        source_id text not null references documents(source_id) on delete cascade,
        seq integer not null,
        chunk_id text not null unique,
        content_hash text not null,
        text text not null,
        metadata jsonb not null,
        primary key (source_id, seq)
      )`,
      `create table conversation_leases (
        conversation_id text primary key,
        holder text not null,
        expires_at timestamptz not null
      )`,
    ],
  },
  {
    version: 3,
    name: 'documents uploaded by a user belong to that user',
    statements: [
      'alter table documents add column tenant text',
      'create index documents_tenant on documents (tenant)',
    ],
  },
];

/**
 * Brings `db` up to the last of {@link MIGRATIONS}; returns the versions it applied.
 *
 * @example
 * ```ts
 * const applied = await migrate(db); // [] when the database is current
 * ```
 */
export async function migrate(db: Pick<Database, 'transaction'>): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('select version from schema_migrations')).rows.map(
        (row) => row.version,
      ),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}
