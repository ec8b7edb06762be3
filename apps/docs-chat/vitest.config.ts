import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // CI runs every package's suite at once on two cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
