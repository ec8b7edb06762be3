import { keelTsup } from '@keel/tsup-config';

// `@keel/resilience/redis` holds the same policies with their state on Redis; splitting keeps
// what it shares with the main entry (errors, events) in one chunk, so `instanceof` holds.
export default keelTsup({ entry: ['src/index.ts', 'src/redis.ts'], splitting: true });
