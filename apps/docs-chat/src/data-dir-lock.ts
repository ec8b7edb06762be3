/**
 * One process per data directory: the embedded database and the HNSW index both assume a
 * single writer. The lock is a file holding the owner's pid, taken atomically; a lock left by
 * a process that died is taken over.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLockedError } from './data-dir-locked-error';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `dataDir` (creating the folder); returns the function that releases it.
 *
 * @throws DataDirLockedError when another live process holds it.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'docs-chat.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(pid) && alive(pid)) {
        throw new DataDirLockedError({ dataDir, pid });
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError({ dataDir, pid: Number.NaN });
}
