/**
 * @keel/tokens/postgres: a cost ledger in PostgreSQL, durable and shared by every replica.
 */
export {
  createPostgresLedger,
  type LedgerSnapshotOptions,
  type PostgresLedger,
  type PostgresLedgerOptions,
} from './postgres-ledger';
