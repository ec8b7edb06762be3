/**
 * @keel/retrieval/postgres: retrieval state in PostgreSQL, shared by every replica: a vector
 * store on pgvector and a full-text index for the lexical side of hybrid search, both with the
 * metadata filters of the in-process stores. They take the application's `pg` Pool.
 */
export {
  createPgVectorStore,
  hasPgVector,
  type PgVectorStore,
  type PgVectorStoreOptions,
} from './pg-vector-store';
export {
  createPostgresTextIndex,
  type PostgresTextIndex,
  type PostgresTextIndexOptions,
  type TextQuerySyntax,
} from './postgres-text-index';
