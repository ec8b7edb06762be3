/**
 * The one build recipe for Keel packages: ESM and CJS side by side, `.d.ts` and `.d.cts`
 * for each, source maps, no minification (readable stack traces beat bytes in a library).
 */
import { defineConfig } from 'tsup';

/** @type {import('./index.d.ts').keelTsup} */
export function keelTsup({ entry = ['src/index.ts'], ...overrides } = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: false,
    target: 'node20',
    platform: 'neutral',
    removeNodeProtocol: false,
    ...overrides,
  });
}
