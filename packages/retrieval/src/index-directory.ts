/**
 * Atomic saves of an index directory. Each save writes a complete generation into a fresh
 * folder, renames it into place, then atomically points `CURRENT` at it (write a temporary
 * file, rename). A crash at any step leaves `CURRENT` on the last complete generation, and
 * leftovers of an unfinished save are removed on the next open.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptIndexError } from './corrupt-index-error';

const POINTER = 'CURRENT';
const GENERATION = /^gen-(\d{8})$/;

/** SHA-256 of a file, hex. */
export async function fileDigest(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** The folder of the current generation, or undefined for a new index; cleans leftovers. */
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
  for (const entry of await readdir(directory)) {
    if (entry !== POINTER && entry !== current) {
      await rm(join(directory, entry), { recursive: true, force: true });
    }
  }
  return current === undefined ? undefined : join(directory, current);
}

/**
 * Writes a new generation with `write(folder)` and makes it current.
 * `failAfter` is a test seam that throws after the named step, like a crash there.
 */
export async function saveGeneration(
  directory: string,
  write: (folder: string) => Promise<void>,
  failAfter?: 'write' | 'rename' | 'pointer-temp',
): Promise<void> {
  await mkdir(directory, { recursive: true });
  const generations = (await readdir(directory))
    .map((entry) => GENERATION.exec(entry)?.[1])
    .filter((number) => number !== undefined)
    .map(Number);
  const name = `gen-${String(Math.max(0, ...generations) + 1).padStart(8, '0')}`;
  const temporary = join(directory, `${name}.tmp`);
  await rm(temporary, { recursive: true, force: true });
  await mkdir(temporary);
  await write(temporary);
  if (failAfter === 'write') throw new Error('simulated crash after write');
  await rename(temporary, join(directory, name));
  if (failAfter === 'rename') throw new Error('simulated crash after rename');
  await writeFile(join(directory, `${POINTER}.tmp`), name);
  if (failAfter === 'pointer-temp') throw new Error('simulated crash before the pointer rename');
  await rename(join(directory, `${POINTER}.tmp`), join(directory, POINTER));
  for (const entry of await readdir(directory)) {
    if (entry !== POINTER && entry !== name) {
      await rm(join(directory, entry), { recursive: true, force: true });
    }
  }
}
