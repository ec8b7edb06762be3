/**
 * Unicode folding of the analyzer: compatibility forms to their plain letters (NFKC: `ﬁ` is
 * `fi`, full-width `Ａ` is `A`), and diacritics off Latin and Greek letters (`café` is `cafe`).
 * Marks that are letters of their own in other scripts (Cyrillic `й`, Devanagari vowel signs)
 * are kept.
 */

const NON_ASCII = /\P{ASCII}/u;
/** Combining diacritics right after a Latin or Greek letter, once decomposed. */
const DIACRITICS = /([\p{Script=Latin}\p{Script=Greek}])[\u0300-\u036f]+/gu;
/** Lower-case Latin letters that carry no combining mark to strip, and their ASCII spelling. */
const LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ħ: 'h',
  ı: 'i',
};
const LETTER = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'gu');

/**
 * Text in NFKC, the form the analyzer tokenises; ASCII text is returned as it is.
 *
 * @example
 * ```ts
 * normalizeText('ﬁle Ｖ２'); // 'file V2'
 * ```
 */
export function normalizeText(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFKC') : text;
}

/**
 * A lower-case word without its Latin and Greek diacritics; idempotent
 * (`foldWord(foldWord(w)) === foldWord(w)`).
 *
 * @example
 * ```ts
 * foldWord('café'); // 'cafe'
 * foldWord('straße'); // 'strasse'
 * foldWord('йогурт'); // 'йогурт'
 * ```
 */
export function foldWord(word: string): string {
  if (!NON_ASCII.test(word)) return word;
  return word
    .normalize('NFD')
    .replace(DIACRITICS, '$1')
    .replace(LETTER, (letter) => LETTERS[letter] as string)
    .normalize('NFC');
}
