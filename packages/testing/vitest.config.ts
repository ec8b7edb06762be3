import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Sized for a loaded machine (every package's tests on two shared cores), never a speed
    // check: suites here start servers, databases or Chromium.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
