import { keelTsup } from '@keel/tsup-config';

export default keelTsup({
  entry: ['src/cli.ts', 'src/index.ts'],
  format: ['esm'],
  dts: false,
  platform: 'node',
});
