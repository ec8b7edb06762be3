import { keelTsup } from '@keel/tsup-config';

// `@keel/llm/redis` is the response cache on Redis; splitting keeps shared code in one chunk.
export default keelTsup({
  entry: ['src/index.ts', 'src/redis.ts'],
  platform: 'node',
  splitting: true,
});
