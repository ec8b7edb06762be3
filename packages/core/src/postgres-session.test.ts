import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from './postgres-session';
import type { SqlClient } from './shared-state';
import { SharedStateUnavailableError } from './shared-state-unavailable-error';

async function names(client: SqlClient): Promise<string[]> {
  return (await client.query<{ name: string }>('select name from items order by name')).rows.map(
    (row) => row.name,
  );
}

function insert(name: string) {
  return async (connection: SqlClient) => {
    await connection.query('insert into items (name) values ($1)', [name]);
  };
}

function failAfter(name: string) {
  return async (connection: SqlClient) => {
    await insert(name)(connection);
    throw new Error('work failed');
  };
}

/** What `inTransaction` must do on one client (not a Pool), in a transaction or not. */
function sessionContract(name: string, client: () => SqlClient) {
  describe(`inTransaction on ${name}`, () => {
    beforeEach(async () => {
      await client().query('create table if not exists items (name text primary key)');
      await client().query('truncate items');
    });

    it('commits its own transaction on a client outside one', async () => {
      await inTransaction(client(), 'test.insert', insert('a'));
      await client()
        .query('rollback')
        .catch(() => {});
      expect(await names(client())).toEqual(['a']);
    });

    it('rolls its own transaction back when the work throws', async () => {
      await expect(inTransaction(client(), 'test.insert', failAfter('a'))).rejects.toThrow(
        SharedStateUnavailableError,
      );
      expect(await names(client())).toEqual([]);
    });

    it("runs in a savepoint on a client in the caller's transaction, which goes on", async () => {
      await client().query('begin');
      await insert('before')(client());
      await inTransaction(client(), 'test.insert', insert('inside'));
      // Still the caller's transaction: its rollback undoes both writes.
      await insert('after')(client());
      await client().query('rollback');
      expect(await names(client())).toEqual([]);
    });

    it("runs in a savepoint after a caller's begin that is sent but not awaited yet", async () => {
      const begun = client().query('begin');
      await inTransaction(client(), 'test.insert', insert('inside'));
      await begun;
      await client().query('rollback');
      expect(await names(client())).toEqual([]);
    });

    it("undoes only its own writes when the work throws, and the caller's commit keeps the rest", async () => {
      await client().query('begin');
      await insert('before')(client());
      await expect(inTransaction(client(), 'test.insert', failAfter('inside'))).rejects.toThrow(
        SharedStateUnavailableError,
      );
      await insert('after')(client());
      await client().query('commit');
      expect(await names(client())).toEqual(['after', 'before']);
    });

    it('nests in itself', async () => {
      await inTransaction(client(), 'test.outer', async (connection) => {
        await insert('outer')(connection);
        await expect(inTransaction(connection, 'test.inner', failAfter('inner'))).rejects.toThrow();
        await inTransaction(connection, 'test.inner', insert('kept'));
      });
      expect(await names(client())).toEqual(['kept', 'outer']);
    });

    it("refuses to run in the caller's failed transaction and leaves it to the caller", async () => {
      await client().query('begin');
      await client()
        .query('select 1/0')
        .catch(() => {});
      const run = inTransaction(client(), 'test.insert', insert('a'));
      await expect(run).rejects.toThrow(SharedStateUnavailableError);
      await expect(run).rejects.toThrow(/test\.insert/);
      await client().query('rollback');
      expect(await names(client())).toEqual([]);
    });
  });
}

describe('on PGlite', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
  });
  afterAll(() => db?.close());
  sessionContract('PGlite', () => db);
  // A client that only has `query` (a wrapper).
  sessionContract('a wrapper of PGlite', () => ({
    query: (text, values) => db.query(text, values),
  }));
});

const url = process.env.DATABASE_URL;

describe.skipIf(!url)('on PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({
      connectionString: url,
      options: `-c search_path=keel_session_${process.pid}`,
    });
    await client.connect();
    await client.query(`create schema if not exists keel_session_${process.pid}`);
  });
  afterAll(async () => {
    await client?.query(`drop schema if exists keel_session_${process.pid} cascade`);
    await client?.end();
  });
  sessionContract('a pg Client', () => client);

  it("commits its own transaction on a Pool's connection, even one left in a transaction", async () => {
    const schema = `keel_session_${process.pid}`;
    const pool = new pg.Pool({
      connectionString: url,
      max: 1,
      options: `-c search_path=${schema}`,
    });
    try {
      await pool.query('truncate items');
      // A connection released in the middle of a transaction (someone else's bug).
      const leaked = await pool.connect();
      await leaked.query('begin');
      leaked.release();
      await inTransaction(pool, 'test.insert', insert('p'));
      expect(await names(client)).toEqual(['p']);
    } finally {
      await pool.end();
    }
  });
});
