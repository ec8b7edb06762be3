import { keelTsup } from '@keel/tsup-config';

// `@keel/core/internal` serves the other Keel packages. Splitting keeps what both entries use
// (the error classes above all) in one shared chunk, so `instanceof` holds across the two.
export default keelTsup({ entry: ['src/index.ts', 'src/internal.ts'], splitting: true });
