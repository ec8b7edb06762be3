/**
 * The engines the app can be pointed at: the Redis client REDIS_URL gives it (lazy, closed
 * with the app, an outage logged rather than thrown), a PostgreSQL that cannot be reached
 * (the start fails with the reason), and the embedded database of an older data directory
 * (migrated in place, its rows kept).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { stateEngineUrl } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/database';
import { MIGRATIONS } from '../src/migrations';
import { FIXTURE_CORPUS, useTestApps } from './start-test-app';

const redisUrl = stateEngineUrl('REDIS_URL');
const start = useTestApps();

describe('REDIS_URL', () => {
  it.skipIf(!redisUrl)(
    'gives the app one client, connected on first use and closed with it',
    async () => {
      const test = await start({ env: { REDIS_URL: redisUrl as string }, listen: false });
      const redis = test.app.redis;
      expect(redis?.status).toBe('wait');
      expect(await redis?.ping()).toBe('PONG');
      await test.close();
      expect(redis?.status).toBe('end');
    },
  );

  it('an unreachable Redis stops neither the start nor a command for long; the outage is logged once', async () => {
    const test = await start({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(test.app.redis).toBeDefined();
    await expect(test.app.redis?.ping()).rejects.toThrow();
    expect((await fetch(`${test.url}/healthz`)).status).toBe(200);
    await expect(test.app.redis?.ping()).rejects.toThrow();
    expect(test.logs.filter((line) => line.includes('"redis-unavailable"'))).toHaveLength(1);
  });

  it('is not opened without the variable', async () => {
    const test = await start({ listen: false });
    expect(test.app.redis).toBeUndefined();
    expect(test.app.db.engine).toBe('embedded');
  });
});

describe('DATABASE_URL', () => {
  it('a server that cannot be reached stops the start with the reason, locking nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'docs-chat-unreachable-'));
    try {
      const config = loadConfig({
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/docs',
        DOCS_CHAT_DATA_DIR: dataDir,
        DOCS_CHAT_CORPUS: FIXTURE_CORPUS,
        DOCS_CHAT_PROVIDER: 'offline',
      });
      await expect(createApp({ config, write: false })).rejects.toThrow(/ECONNREFUSED/);
      expect(existsSync(join(dataDir, 'docs-chat.lock'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the embedded database', () => {
  it('migrates a data directory from before migrations in place, keeping its rows', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'docs-chat-old-db-'));
    try {
      const old = await PGlite.create(directory);
      await old.exec(`
        create table conversations (id text primary key, user_id text not null,
          created_at timestamptz not null default now());
        create table turns (conversation_id text not null references conversations(id),
          seq integer not null, turn_id text not null, role text not null, text text not null,
          citations jsonb not null default '[]', usage jsonb, outcome text, agent_state jsonb,
          created_at timestamptz not null default now(), primary key (conversation_id, seq));
        insert into conversations (id, user_id) values ('kept', 'u');
        insert into turns (conversation_id, seq, turn_id, role, text) values ('kept', 1, 't', 'user', 'hi');
      `);
      await old.close();
      const db = await openDatabase(directory);
      try {
        const versions = await db.query<{ version: number }>(
          'select version from schema_migrations order by version',
        );
        expect(versions.rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
        const turns = await db.query('select text, tools from turns');
        expect(turns.rows).toEqual([{ text: 'hi', tools: [] }]);
      } finally {
        await db.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
