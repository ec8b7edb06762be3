/**
 * @keel/memory/postgres: the memory store in PostgreSQL (shared by every replica) or PGlite
 * (embedded in the process).
 */
export {
  createPostgresMemoryStore,
  type PostgresMemoryStoreOptions,
} from './postgres-memory-store';
