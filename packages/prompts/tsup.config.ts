import { keelTsup } from '@keel/tsup-config';

export default keelTsup({ entry: ['src/index.ts', 'src/node.ts'] });
