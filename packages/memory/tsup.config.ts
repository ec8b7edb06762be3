import { keelTsup } from '@keel/tsup-config';

// `@keel/memory/postgres` (the PGlite and PostgreSQL store) shares the fact types and errors with
// the main entry; splitting keeps them in one chunk, so `instanceof` holds across the two.
export default keelTsup({ entry: ['src/index.ts', 'src/postgres.ts'], splitting: true });
