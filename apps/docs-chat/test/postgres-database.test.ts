/**
 * The database on a PostgreSQL server: migrations run once however many replicas connect
 * together, transactions commit or roll back whole, LISTEN survives its connection being cut
 * (subscribers are told to resync), and an unreachable server fails the start instead of
 * hanging it.
 */
import { randomBytes } from 'node:crypto';
import { stateEngineUrl } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/database';
import { MIGRATIONS } from '../src/migrations';
import { connectDatabase } from '../src/postgres-database';
import { useSchema } from './postgres-schema';

const serverUrl = stateEngineUrl('DATABASE_URL');

async function until(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200 && !check(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!check()) throw new Error(`Never happened: ${what}`);
}

describe.skipIf(!serverUrl)('connectDatabase', () => {
  const schema = useSchema(serverUrl);
  const warnings: string[] = [];
  const connect = () =>
    connectDatabase(schema.url, { poolSize: 2, onWarning: (event) => warnings.push(event) });

  it('migrates once when several replicas connect at the same moment', async () => {
    const dbs = await Promise.all([connect(), connect(), connect()]);
    try {
      const { rows } = await (dbs[0] as Database).query<{ version: number; name: string }>(
        'select version, name from schema_migrations order by version',
      );
      expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
      expect(dbs.map((db) => db.engine)).toEqual(['postgres', 'postgres', 'postgres']);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it('commits a transaction whole, or rolls it back whole', async () => {
    const db = await connect();
    try {
      await db.transaction(async (tx) => {
        await tx.query("insert into conversations (id, user_id) values ('c1', 'u')");
        await tx.query("insert into conversations (id, user_id) values ('c2', 'u')");
      });
      await expect(
        db.transaction(async (tx) => {
          await tx.query("insert into conversations (id, user_id) values ('c3', 'u')");
          await tx.query("insert into conversations (id, user_id) values ('c1', 'u')");
        }),
      ).rejects.toThrow(/duplicate key/);
      const { rows, rowCount } = await db.query<{ id: string }>(
        'select id from conversations order by id',
      );
      expect(rows).toEqual([{ id: 'c1' }, { id: 'c2' }]);
      expect(rowCount).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('keeps listening after its connection is cut, and says to resync', async () => {
    const db = await connect();
    const channel = `docs_chat_test_${randomBytes(4).toString('hex')}`;
    const payloads: string[] = [];
    let resyncs = 0;
    try {
      await db.listen(channel, {
        onNotify: (payload) => payloads.push(payload),
        onResync: () => resyncs++,
      });
      await db.query('select pg_notify($1, $2)', [channel, 'before']);
      await until(() => payloads.includes('before'), 'the first notification');
      await schema.admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where query = $1',
        [`listen "${channel}"`],
      );
      await until(() => resyncs === 1, 'a resync after the cut');
      expect(warnings).toContain('database-listen-lost');
      await db.query('select pg_notify($1, $2)', [channel, 'after']);
      await until(() => payloads.includes('after'), 'a notification after the cut');
    } finally {
      await db.close();
    }
  });

  it('refuses a pool of no connections before connecting', async () => {
    await expect(connectDatabase(schema.url, { poolSize: 0, onWarning: () => {} })).rejects.toThrow(
      /poolSize/,
    );
  });

  it('fails to start, with the reason, when the server cannot be reached', async () => {
    await expect(
      connectDatabase('postgres://postgres@127.0.0.1:1/test', { poolSize: 1, onWarning: () => {} }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
