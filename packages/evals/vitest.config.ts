import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Sized for a loaded machine (every package's tests on two shared cores), never a speed
    // check: property tests are bounded by their runs and input sizes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
