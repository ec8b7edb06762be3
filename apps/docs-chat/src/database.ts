/**
 * The embedded database (PGlite: PostgreSQL compiled to WebAssembly, stored in a folder), and
 * its schema. Conversations, turns, notes and the cost ledger live here and survive restarts.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

/** The database handle the stores share. */
export type Database = PGlite;

const SCHEMA = `
create table if not exists conversations (
  id text primary key,
  user_id text not null,
  created_at timestamptz not null default now()
);
create table if not exists turns (
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
);
create table if not exists ledger (
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
);
alter table turns add column if not exists tools jsonb not null default '[]';
create index if not exists ledger_user_day on ledger (user_id, at);
create table if not exists notes (
  id bigserial primary key,
  user_id text not null,
  conversation_id text,
  title text not null,
  body text not null,
  created_at timestamptz not null default now()
);
create table if not exists approvals (
  token text primary key,
  approval jsonb not null
);
`;

/** Opens (creating on first use) the database in `directory`, or in memory when omitted. */
export async function openDatabase(directory?: string): Promise<Database> {
  if (directory) mkdirSync(directory, { recursive: true });
  const db = await PGlite.create(directory);
  await db.exec(SCHEMA);
  return db;
}
