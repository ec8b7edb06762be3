/**
 * Keel's light English stemmer, kept by name for indexes built with it.
 */

/** Name and version of the light stemmer in an analyzer descriptor. */
export const LIGHT_STEMMER = { name: 'keel-light', version: '1' } as const;

const SUFFIXES: Array<[string, string]> = [
  ['ational', 'ate'],
  ['ization', 'ize'],
  ['fulness', 'ful'],
  ['iveness', 'ive'],
  ['ations', 'ate'],
  ['ation', 'ate'],
  ['ement', ''],
  ['ness', ''],
  ['ment', ''],
  ['ings', ''],
  ['ing', ''],
  ['ies', 'y'],
  ['ied', 'y'],
  ['edly', ''],
  ['ly', ''],
  ['ed', ''],
  ['es', ''],
  ['s', ''],
];

/**
 * Keel's light English stemmer (`stemming: 'light'`, what `stemming: true` meant before the
 * Snowball stemmers): strips one common suffix when at least three letters remain, then
 * undoubles a final consonant (`running` to `run`). Deterministic and cheap; not Porter.
 *
 * @example
 * ```ts
 * lightStem('indexing'); // 'index'
 * ```
 */
export function lightStem(word: string): string {
  if (word.length <= 3) return word;
  for (const [suffix, replacement] of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      if (suffix === 's' && (word.endsWith('ss') || word.endsWith('us'))) return word;
      let base = word.slice(0, word.length - suffix.length) + replacement;
      const last = base[base.length - 1];
      if (
        replacement === '' &&
        base.length > 3 &&
        last === base[base.length - 2] &&
        last !== undefined &&
        !'aeiouls'.includes(last)
      ) {
        base = base.slice(0, -1);
      }
      return base;
    }
  }
  return word;
}
