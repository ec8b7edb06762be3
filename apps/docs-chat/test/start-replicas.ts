/**
 * Starts docs-chat replicas for tests: real `docs-chat serve` processes from the built bin, on
 * a PostgreSQL database created for the run (dropped by `close`), offline, sharing one data
 * directory (nothing may be locked in it). Extra environment (REDIS_URL, limits, a provider)
 * goes to every replica through `env`, or to one through `start({ env })`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { type Replica, startReplica } from '../scripts/replicas.mjs';
import { FIXTURE_CORPUS } from './start-test-app';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'bin', 'docs-chat.js');

export type { Replica };

/** Replicas on one database, and what else runs against it. */
export interface Replicas {
  /** The database of this run (a fresh one on the server `DATABASE_URL` names). */
  databaseUrl: string;
  /** The environment every replica and `cli` get. */
  env: Record<string, string>;
  /** The data directory every replica is given (and, sharing a database, leaves alone). */
  dataDir: string;
  replicas: Replica[];
  /** Starts one more replica, with `env` added to the shared environment. */
  start(options?: { env?: Record<string, string> }): Promise<Replica>;
  /** Runs the docs-chat CLI against the same database (e.g. `ingest <folder>`). */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** A query on the run's database. */
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Stops every replica, drops the database and removes the data directory. */
  close(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates a database on the server `serverUrl` names and starts `count` replicas on it, all at
 * once (so they race to migrate and ingest, as replicas of a deployment do).
 */
export async function startReplicas({
  serverUrl,
  count = 2,
  env = {},
}: {
  serverUrl: string;
  count?: number;
  env?: Record<string, string>;
}): Promise<Replicas> {
  const database = `docs_chat_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const databaseUrl = withDatabase(serverUrl, database);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const dataDir = mkdtempSync(join(tmpdir(), 'docs-chat-replicas-'));
  const shared: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: databaseUrl,
    DOCS_CHAT_DATA_DIR: dataDir,
    DOCS_CHAT_CORPUS: FIXTURE_CORPUS,
    DOCS_CHAT_PROVIDER: 'offline',
    DOCS_CHAT_PORT: '0',
    DOCS_CHAT_OFFLINE_PACE_MS: '0',
    DOCS_CHAT_RATE_LIMIT_RPM: '10000',
    ...env,
  };
  const replicas: Replica[] = [];
  const start = async ({ env: extra = {} }: { env?: Record<string, string> } = {}) => {
    const replica = await startReplica({ ...shared, ...extra });
    replicas.push(replica);
    return replica;
  };
  const close = async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    // Ended (its socket closed) before the drop, so the drop cuts no connection of this process.
    await client.end();
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const started = await Promise.allSettled(Array.from({ length: count }, () => start()));
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await close();
    throw error;
  }
  return {
    databaseUrl,
    env: shared,
    dataDir,
    replicas,
    start,
    async cli(args) {
      try {
        const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: shared });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    },
    async query<Row>(text: string, values?: unknown[]) {
      return (await client.query(text, values)).rows as Row[];
    },
    close,
  };
}
