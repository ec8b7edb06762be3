/**
 * Atomic saves of an index directory. Each save writes a complete generation into a temporary
 * folder, renames it into place, then atomically points `CURRENT` at it (write a temporary
 * file, rename) and removes every other generation and leftover. A crash at any step leaves
 * `CURRENT` on the last complete generation; the next save removes what the crash left.
 * Files and directories are flushed before each rename, so this holds across a power loss.
 * Saves and loads of one directory are serialised within the process, so concurrent saves
 * cannot interleave and a load never reads a generation a save is removing.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CorruptIndexError } from './corrupt-index-error';

const POINTER = 'CURRENT';
const GENERATION = /^gen-(\d{8})$/;

/** The tail of the queue of saves and loads of each directory. */
const queues = new Map<string, Promise<unknown>>();

/** Runs `task` once every earlier task on `directory` in this process has settled. */
export function withDirectoryLock<T>(directory: string, task: () => Promise<T>): Promise<T> {
  const key = resolve(directory);
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

/** Flushes a file or a directory to disk, so a rename after it survives a power loss. */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** SHA-256 of text or bytes, hex. */
export function digestOf(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of a file, hex. */
export async function fileDigest(path: string): Promise<string> {
  return digestOf(await readFile(path));
}

/**
 * The folder of the current generation, or undefined for a new index. Call it under
 * {@link withDirectoryLock}, and read the generation before releasing the lock.
 */
export async function openGeneration(directory: string): Promise<string | undefined> {
  await mkdir(directory, { recursive: true });
  const pointer = await readFile(join(directory, POINTER), 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    },
  );
  const current = pointer?.trim();
  if (current !== undefined && !GENERATION.test(current)) {
    throw new CorruptIndexError({ path: directory, reason: `CURRENT names "${current}"` });
  }
  return current === undefined ? undefined : join(directory, current);
}

/**
 * Writes a new generation with `write(folder)` and makes it current. `write` should take
 * its snapshot of the index synchronously, before its first `await`.
 * `failAfter` is a test seam that throws after the named step, like a crash there.
 */
export function saveGeneration(
  directory: string,
  write: (folder: string) => Promise<void>,
  failAfter?: 'mkdir' | 'write' | 'rename' | 'pointer-temp' | 'pointer',
): Promise<void> {
  const crash = (step: typeof failAfter) => {
    if (failAfter === step) throw new Error(`simulated crash after ${step}`);
  };
  return withDirectoryLock(directory, async () => {
    await mkdir(directory, { recursive: true });
    const generations = (await readdir(directory))
      .map((entry) => /^gen-(\d{8})/.exec(entry)?.[1])
      .filter((number) => number !== undefined)
      .map(Number);
    const name = `gen-${String(Math.max(0, ...generations) + 1).padStart(8, '0')}`;
    const temporary = join(directory, `${name}.tmp`);
    await mkdir(temporary);
    crash('mkdir');
    await write(temporary);
    for (const file of await readdir(temporary)) await syncPath(join(temporary, file));
    await syncPath(temporary);
    crash('write');
    await rename(temporary, join(directory, name));
    crash('rename');
    await writeFile(join(directory, `${POINTER}.tmp`), name);
    await syncPath(join(directory, `${POINTER}.tmp`));
    crash('pointer-temp');
    await rename(join(directory, `${POINTER}.tmp`), join(directory, POINTER));
    await syncPath(directory);
    crash('pointer');
    for (const entry of await readdir(directory)) {
      if (entry !== POINTER && entry !== name) {
        await rm(join(directory, entry), { recursive: true, force: true });
      }
    }
  });
}
