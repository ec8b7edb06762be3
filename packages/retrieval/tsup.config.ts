import { keelTsup } from '@keel/tsup-config';

// `/redis` (the embedding cache) and `/postgres` (pgvector and full-text stores) share code with
// the main entry; splitting keeps it in one chunk, so error classes stay one class.
export default [
  keelTsup({
    entry: ['src/index.ts', 'src/redis.ts', 'src/postgres.ts'],
    platform: 'node',
    splitting: true,
  }),
  keelTsup({ entry: ['src/cli.ts'], format: ['esm'], dts: false, platform: 'node', clean: false }),
];
