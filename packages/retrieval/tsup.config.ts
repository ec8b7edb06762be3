import { keelTsup } from '@keel/tsup-config';

export default [
  keelTsup({ platform: 'node' }),
  keelTsup({ entry: ['src/cli.ts'], format: ['esm'], dts: false, platform: 'node', clean: false }),
];
