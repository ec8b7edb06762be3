import { keelTsup } from '@keel/tsup-config';

// `@keel/tokens/internal` serves other Keel packages; splitting keeps code the two entries share
// in one chunk instead of a copy per entry.
export default keelTsup({ entry: ['src/index.ts', 'src/internal.ts'], splitting: true });
