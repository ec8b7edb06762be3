/**
 * Lazy loading of encodings: a rank table is imported the first time it is asked for, so
 * importing @keel/tokens costs nothing until the first count.
 */
import { InvalidArgumentError } from '@keel/core';
import { createEncoding, type Encoding, type EncodingName } from './encoding';
import { cl100kScanner, o200kScanner, type PieceScanner } from './pre-tokenize';
import type { RankData } from './rank-table';

interface EncodingSource {
  load(): Promise<RankData>;
  scanner: PieceScanner;
}

const sources: Record<EncodingName, EncodingSource> = {
  o200k_base: {
    load: async () => (await import('js-tiktoken/ranks/o200k_base')).default,
    scanner: o200kScanner,
  },
  cl100k_base: {
    load: async () => (await import('js-tiktoken/ranks/cl100k_base')).default,
    scanner: cl100kScanner,
  },
};

/**
 * Every encoding name {@link loadEncoding} accepts.
 *
 * @example
 * ```ts
 * ENCODING_NAMES.includes(name as EncodingName);
 * ```
 */
export const ENCODING_NAMES: readonly EncodingName[] = Object.freeze(
  Object.keys(sources) as EncodingName[],
);

const loaded = new Map<EncodingName, Promise<Encoding>>();

/**
 * Loads an encoding once and returns the same {@link Encoding} on every later call. Hold on
 * to it for synchronous counting in hot paths.
 *
 * @throws InvalidArgumentError for an encoding @keel/tokens does not ship.
 * @example
 * ```ts
 * const o200k = await loadEncoding('o200k_base');
 * o200k.count('hello world'); // 2
 * ```
 */
export function loadEncoding(name: EncodingName): Promise<Encoding> {
  const source = Object.hasOwn(sources, name) ? sources[name] : undefined;
  if (source === undefined) {
    return Promise.reject(
      new InvalidArgumentError({
        argument: 'encoding',
        message: `Unknown encoding ${JSON.stringify(name)}; use one of ${ENCODING_NAMES.join(', ')}`,
      }),
    );
  }
  let encoding = loaded.get(name);
  if (encoding === undefined) {
    encoding = source.load().then((data) => createEncoding(name, data, source.scanner));
    encoding.catch(() => loaded.delete(name));
    loaded.set(name, encoding);
  }
  return encoding;
}
