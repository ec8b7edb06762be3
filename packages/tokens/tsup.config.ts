import { keelTsup } from '@keel/tsup-config';

// `@keel/tokens/internal` serves other Keel packages, `/redis` and `/postgres` hold budgets and
// the ledger on shared engines; splitting keeps code the entries share in one chunk.
export default keelTsup({
  entry: ['src/index.ts', 'src/internal.ts', 'src/redis.ts', 'src/postgres.ts'],
  splitting: true,
});
