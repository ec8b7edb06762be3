import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Sized for a loaded machine (every package's tests on two shared cores), never a speed
    // check: the store contract starts PGlite and talks to PostgreSQL.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
