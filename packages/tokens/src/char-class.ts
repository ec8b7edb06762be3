/**
 * Unicode character classes as tiktoken's pre-tokenizer patterns see them, one bit per class,
 * computed once per code point and remembered.
 *
 * tiktoken runs its patterns through Rust's regex engines, where `\s` is Unicode's
 * White_Space property. JavaScript's `\s` differs (it includes U+FEFF and leaves out U+0085),
 * so whitespace is listed here explicitly instead of borrowed from the JS regex engine.
 */

/** Uppercase or titlecase letter (Lu, Lt). */
export const UPPER = 1;
/** Lowercase letter (Ll). */
export const LOWER = 2;
/** Modifier or other letter (Lm, Lo): CJK ideographs, kana, Thai, Arabic, ... */
export const OTHER_LETTER = 4;
/** Combining mark (M). Not a letter, yet part of words in o200k_base. */
export const MARK = 8;
/** Number (N). */
export const NUMBER = 16;
/** `\r` or `\n`. */
export const NEWLINE = 32;
/** Any other White_Space character (space, tab, U+0085, U+00A0, U+3000, ...). */
export const SPACE = 64;
/** Everything else: punctuation, symbols, emoji, controls, unassigned code points. */
export const OTHER = 128;

/** `\p{L}` */
export const LETTER = UPPER | LOWER | OTHER_LETTER;
/** `\s` */
export const WHITESPACE = SPACE | NEWLINE;
/** `[^\r\n\p{L}\p{N}]`: the optional character before a word. */
export const WORD_PREFIX = SPACE | MARK | OTHER;
/** `[^\s\p{L}\p{N}]`: punctuation and symbols. */
export const PUNCTUATION = MARK | OTHER;

// Unicode 15 White_Space, minus \r and \n (classed NEWLINE).
const SPACES = [
  0x09, 0x0b, 0x0c, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
  0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];

const UPPER_RE = /[\p{Lu}\p{Lt}]/u;
const LOWER_RE = /\p{Ll}/u;
const OTHER_LETTER_RE = /[\p{Lm}\p{Lo}]/u;
const MARK_RE = /\p{M}/u;
const NUMBER_RE = /\p{N}/u;

// Class bit by code point, 0 until first asked for. Zero-filled memory costs nothing until used.
const table = new Uint8Array(0x110000);

function classify(codePoint: number): number {
  if (codePoint === 0x0a || codePoint === 0x0d) return NEWLINE;
  if (SPACES.includes(codePoint)) return SPACE;
  const char = String.fromCodePoint(codePoint);
  if (UPPER_RE.test(char)) return UPPER;
  if (LOWER_RE.test(char)) return LOWER;
  if (OTHER_LETTER_RE.test(char)) return OTHER_LETTER;
  if (MARK_RE.test(char)) return MARK;
  if (NUMBER_RE.test(char)) return NUMBER;
  return OTHER;
}

/** The class bit of a code point. */
export function classOf(codePoint: number): number {
  const known = table[codePoint] ?? 0;
  if (known !== 0) return known;
  const computed = classify(codePoint);
  table[codePoint] = computed;
  return computed;
}

/**
 * The code point at `index`, reading surrogate pairs. A lone surrogate reads as U+FFFD, the
 * replacement character tiktoken substitutes for it (see README, "Lone surrogates").
 */
export function codePointAt(text: string, index: number): number {
  const unit = text.charCodeAt(index);
  if (unit < 0xd800 || unit > 0xdfff) return unit;
  if (unit <= 0xdbff && index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return ((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return 0xfffd;
}

/** How many UTF-16 code units `codePoint` took in the string it was read from. */
export function widthOf(codePoint: number): number {
  return codePoint > 0xffff ? 2 : 1;
}
