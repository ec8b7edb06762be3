/**
 * A PostgreSQL schema of its own for a test file, on the server `DATABASE_URL` names: created
 * before the file's tests, dropped after. Tests connect with `url`, whose search_path is it.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** The schema's connection URL and an admin connection to the server (for cutting others). */
export interface TestSchema {
  readonly name: string;
  readonly url: string;
  readonly admin: pg.Client;
}

/** Creates the schema in `beforeAll` and drops it in `afterAll`. */
export function useSchema(serverUrl: string | undefined): TestSchema {
  const schema = `docs_chat_test_${randomBytes(6).toString('hex')}`;
  const url = new URL(serverUrl ?? 'postgres://unset');
  url.searchParams.set('options', `-c search_path=${schema}`);
  const state = { name: schema, url: url.toString() } as TestSchema & { admin: pg.Client };
  beforeAll(async () => {
    if (!serverUrl) return;
    state.admin = new pg.Client({ connectionString: serverUrl });
    await state.admin.connect();
    await state.admin.query(`create schema ${schema}`);
  });
  afterAll(async () => {
    if (!state.admin) return;
    await state.admin.query(`drop schema if exists ${schema} cascade`);
    await state.admin.end();
  });
  return state;
}
