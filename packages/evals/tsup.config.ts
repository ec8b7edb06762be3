import { keelTsup } from '@keel/tsup-config';

// The library (ESM + CJS), and the `keel-evals` command (ESM only, run by bin/keel-evals.js).
export default [
  keelTsup({ platform: 'node' }),
  keelTsup({ entry: ['src/cli.ts'], format: ['esm'], dts: false, platform: 'node', clean: false }),
];
