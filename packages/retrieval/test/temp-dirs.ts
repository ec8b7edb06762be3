/**
 * Temporary directories for a test file, removed after each test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** Registers cleanup and returns a function that makes a fresh directory. */
export function useTempDirs(): () => Promise<string> {
  const directories: string[] = [];
  afterEach(async () => {
    await Promise.all(
      directories.splice(0).map((dir) => rm(dir, { recursive: true, force: true })),
    );
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-retrieval-'));
    directories.push(dir);
    return dir;
  };
}
