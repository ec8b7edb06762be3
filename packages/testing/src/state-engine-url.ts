/**
 * The URL of a shared-state engine for tests, from the environment: `.ci/run` sets both, so
 * in CI nothing skips; on a machine without them the suite says why it skipped.
 */

/** The variables Keel's Redis and PostgreSQL tests read. */
export type StateEngineVariable = 'REDIS_URL' | 'DATABASE_URL';

const reported = new Set<StateEngineVariable>();

/**
 * Returns the variable's value, or `undefined` after printing (once per process) why the tests
 * that need it are skipped.
 *
 * @example
 * ```ts
 * const redisUrl = stateEngineUrl('REDIS_URL');
 * describe.skipIf(!redisUrl)('rate limiter on Redis', () => { ... });
 * ```
 */
export function stateEngineUrl(variable: StateEngineVariable): string | undefined {
  const value = process.env[variable];
  if (value) return value;
  if (!reported.has(variable)) {
    reported.add(variable);
    // biome-ignore lint/suspicious/noConsole: the reason a suite skipped belongs in the test output
    console.warn(
      `skipping the tests that need ${variable === 'REDIS_URL' ? 'Redis' : 'PostgreSQL'}: ${variable} is unset (set it, e.g. ${variable === 'REDIS_URL' ? 'redis://127.0.0.1:6379' : 'postgres://postgres@127.0.0.1:5432/test'}; .ci/run does)`,
    );
  }
  return undefined;
}
