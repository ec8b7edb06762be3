import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Property tests against js-tiktoken and the hostile-input tests take a few seconds each,
    // more when CI runs every package at once on two cores; they check correctness, not speed.
    testTimeout: 60_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
