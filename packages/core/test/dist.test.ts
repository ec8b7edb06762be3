/**
 * The built package, as a consumer loads it: `dist/` through the exports map, from a plain
 * `.mjs` and a plain `.cjs` file in separate Node processes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function consume(file: string): Promise<Record<string, unknown>> {
  const path = fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
  const { stdout } = await run(process.execPath, [path]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

const internalExports = [
  'MAX_TIMER_DELAY_MS',
  'REDIS_NOW_MS',
  'assertDelay',
  'assertNumber',
  'assertRedisOptions',
  'assertSqlClient',
  'createRedisValueStore',
  'createStreamAccumulator',
  'decodeBase64',
  'defineRedisScript',
  'describeValue',
  'encodeBase64',
  'inMigration',
  'inTransaction',
  'inspectMedia',
  'linkSignals',
  'normalizeBaseURL',
  'runQuery',
  'sha256',
  'tableName',
];

const runtimeExports = [
  'EMPTY_USAGE',
  'InvalidArgumentError',
  'KeelError',
  'SharedStateUnavailableError',
  'TimeoutError',
  'USAGE_FIELDS',
  'addUsage',
  'deadlineSignal',
  'isAbortError',
  'normalizeAnthropicUsage',
  'normalizeOpenAIChatUsage',
  'normalizeOpenAIResponsesUsage',
  'sleep',
  'systemClock',
  'throwIfAborted',
];

describe('built @keel/core', () => {
  it('loads from an ES module', async () => {
    const result = await consume('consumer.mjs');
    expect(result).toMatchObject({
      format: 'esm',
      inputTokens: 7,
      exports: runtimeExports,
      internalExports,
      internalErrorIsCoreError: true,
    });
  });

  it('loads from a CommonJS module', async () => {
    const result = await consume('consumer.cjs');
    expect(result).toEqual({
      format: 'cjs',
      inputTokens: 7,
      aborted: false,
      exports: runtimeExports,
      internalExports,
      internalErrorIsCoreError: true,
    });
  });

  it('recognises an error from the CJS copy in the ESM copy (dual-package hazard)', async () => {
    const result = await consume('consumer.mjs');
    expect(result.sameClassAcrossFormats).toBe(false);
    expect(result.cjsErrorRecognisedByEsm).toBe(true);
  });
});
