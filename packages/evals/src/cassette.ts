/**
 * A cassette: recorded results on disk, one JSON line per key, so a rerun replays them instead
 * of paying for them again. The runner records whole cases in it; `cassetteModel` records
 * single model calls (a judge's, say).
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@keel/core';
import { CassetteMissError } from './cassette-miss-error';

/** `auto` replays what is recorded and records the rest; `replay` never calls through. */
export type CassetteMode = 'auto' | 'replay';

/** Options of {@link createCassette}. */
export interface CassetteOptions {
  /** The JSONL file; created on the first recording. */
  path: string;
  /** Default `'auto'`. In CI, `'replay'` guarantees that no provider is called. */
  mode?: CassetteMode;
}

/** A cassette. */
export interface Cassette {
  readonly path: string;
  readonly mode: CassetteMode;
  /**
   * The recording of `key`, or else the value of `produce()`, recorded (when it resolves).
   * `replayed` tells which.
   *
   * @throws CassetteMissError in `replay` mode when `key` was never recorded.
   */
  through<T>(key: string, produce: () => Promise<T>): Promise<{ value: T; replayed: boolean }>;
}

/**
 * Opens a cassette file (read once, on first use).
 *
 * @example
 * ```ts
 * const cassette = createCassette({ path: 'eval/cassette.jsonl', mode: process.env.CI ? 'replay' : 'auto' });
 * await runEval({ name: 'baseline', cases, task, cassette });
 * ```
 */
export function createCassette({ path, mode = 'auto' }: CassetteOptions): Cassette {
  if (mode !== 'auto' && mode !== 'replay') {
    throw new InvalidArgumentError({
      argument: 'mode',
      message: `mode must be 'auto' or 'replay', got ${JSON.stringify(mode)}`,
    });
  }
  let loaded: Promise<Map<string, unknown>> | undefined;
  let writes: Promise<void> = Promise.resolve();

  async function load(): Promise<Map<string, unknown>> {
    const entries = new Map<string, unknown>();
    if (!existsSync(path)) return entries;
    for (const line of (await readFile(path, 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      try {
        const { key, value } = JSON.parse(line) as { key: string; value: unknown };
        entries.set(key, value);
      } catch {
        // A line cut short by an interrupted run: its key is simply recorded again.
      }
    }
    return entries;
  }

  return {
    path,
    mode,
    async through<T>(key: string, produce: () => Promise<T>) {
      loaded ??= load();
      const entries = await loaded;
      if (entries.has(key)) return { value: entries.get(key) as T, replayed: true };
      if (mode === 'replay') throw new CassetteMissError({ key, path });
      const value = await produce();
      entries.set(key, value);
      const line = `${JSON.stringify({ key, value })}\n`;
      writes = writes.then(() => appendFile(path, line, 'utf8'));
      await writes;
      return { value, replayed: false };
    },
  };
}
