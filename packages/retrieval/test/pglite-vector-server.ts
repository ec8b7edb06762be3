/**
 * PGlite with pgvector served over the Postgres wire protocol on a random loopback port, and a
 * real `pg` Pool connected to it, so the pgvector store runs the same driver code as against a
 * production server (the PostgreSQL on DATABASE_URL has no pgvector).
 *
 * pglite-socket serves one connection at a time by default; with more it multiplexes them onto
 * PGlite's single session, so settings and transactions of one would leak into another. The
 * Pool therefore holds one connection (`max: 1`), and the store's transactions queue on it.
 */
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** Starts the server before the file's tests and stops it after; `pool()` is the Pool. */
export function usePgliteVectorServer(): { pool: () => pg.Pool } {
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    db = await PGlite.create({ extensions: { vector } });
    server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
    await server.start();
    pool = new pg.Pool({
      connectionString: `postgres://postgres@${server.getServerConn()}/postgres`,
      max: 1,
    });
  });
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
    await db?.close();
  });
  return {
    pool: () => {
      if (pool === undefined) throw new Error('the PGlite server is not started yet');
      return pool;
    },
  };
}
