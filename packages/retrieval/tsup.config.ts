import { keelTsup } from '@keel/tsup-config';

export default keelTsup({ platform: 'node' });
