/**
 * tiktoken's pre-tokenizer patterns for o200k_base and cl100k_base, as hand-written scanners.
 *
 * The patterns are regular expressions in tiktoken. Run through a backtracking JavaScript
 * engine they overflow its stack on long runs of emoji or combining marks, and JavaScript's
 * `\s` is not Unicode's White_Space. These scanners return exactly the pieces the Rust
 * engine does (the first alternative that matches, each quantifier greedy with backtracking),
 * in time linear in the input: every character is looked at a bounded number of times.
 *
 * A scanner takes the text and the start of a piece and returns where the piece ends.
 */
import {
  classOf,
  codePointAt,
  LETTER,
  LOWER,
  MARK,
  NUMBER,
  OTHER_LETTER,
  PUNCTUATION,
  UPPER,
  WHITESPACE,
  WORD_PREFIX,
  widthOf,
} from './char-class';

/** Returns the end (exclusive, in UTF-16 code units) of the piece starting at `start`. */
export type PieceScanner = (text: string, start: number) => number;

const APOSTROPHE = 0x27;
const SLASH = 0x2f;
const SPACE_CHAR = 0x20;
/** U+017F LATIN SMALL LETTER LONG S, which case-folds to "s" under tiktoken's `(?i:...)`. */
const LONG_S = 0x17f;

/** Where the run of characters whose class is in `mask` starting at `index` ends. */
function runEnd(text: string, index: number, mask: number): number {
  const length = text.length;
  let i = index;
  while (i < length) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800) {
      if ((classOf(unit) & mask) === 0) break;
      i++;
    } else {
      const codePoint = codePointAt(text, i);
      if ((classOf(codePoint) & mask) === 0) break;
      i += widthOf(codePoint);
    }
  }
  return i;
}

function classAt(text: string, index: number): number {
  return index < text.length ? classOf(codePointAt(text, index)) : 0;
}

/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at `index`: the end of the contraction, or -1. */
function contractionEnd(text: string, index: number): number {
  if (text.charCodeAt(index) !== APOSTROPHE) return -1;
  const first = text.charCodeAt(index + 1);
  const letter = first | 0x20;
  if (letter === 0x73 || first === LONG_S || letter === 0x74) return index + 2; // s, t
  if (letter === 0x6d || letter === 0x64) return index + 2; // m, d
  const second = text.charCodeAt(index + 2) | 0x20;
  if ((letter === 0x72 || letter === 0x76) && second === 0x65) return index + 3; // re, ve
  if (letter === 0x6c && second === 0x6c) return index + 3; // ll
  return -1;
}

/** Where the whitespace alternatives `\s*[\r\n]+|\s+(?!\S)|\s+` end at `index`. */
function whitespaceEnd(text: string, index: number): number {
  // White_Space characters are all in the BMP, so code units are characters here.
  const end = runEnd(text, index, WHITESPACE);
  for (let i = end - 1; i >= index; i--) {
    const unit = text.charCodeAt(i);
    if (unit === 0x0a || unit === 0x0d) return i + 1;
  }
  if (end === text.length || end - index === 1) return end;
  return end - 1;
}

// o200k_base:
//   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|...)?
// | [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...)?
// | \p{N}{1,3} | ?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+

const CASED_HEAD = UPPER | OTHER_LETTER | MARK;
const CASED_TAIL = LOWER | OTHER_LETTER | MARK;
const IN_BOTH = OTHER_LETTER | MARK;

function withContraction(end: number, text: string): number {
  const contraction = contractionEnd(text, end);
  return contraction === -1 ? end : contraction;
}

/** The first o200k word alternative from `start`, without its suffix; -1 if it fails. */
function o200kLowerWordEnd(text: string, start: number): number {
  const headEnd = runEnd(text, start, CASED_HEAD);
  if (classAt(text, headEnd) === LOWER) return runEnd(text, headEnd, CASED_TAIL);
  // Backtrack the head until a character the tail also accepts; the tail then ends right
  // after it, because everything the head took after it is an uppercase letter.
  let end = headEnd;
  while (end > start) {
    let charStart = end - 1;
    const unit = text.charCodeAt(charStart);
    if (unit >= 0xdc00 && unit <= 0xdfff && charStart > start) {
      const high = text.charCodeAt(charStart - 1);
      if (high >= 0xd800 && high <= 0xdbff) charStart--;
    }
    if ((classOf(codePointAt(text, charStart)) & IN_BOTH) !== 0) return end;
    end = charStart;
  }
  return -1;
}

/** The second o200k word alternative from `start`, without its suffix; -1 if it fails. */
function o200kUpperWordEnd(text: string, start: number): number {
  const headEnd = runEnd(text, start, CASED_HEAD);
  return headEnd === start ? -1 : runEnd(text, headEnd, CASED_TAIL);
}

/** `\p{N}{1,3}` */
function numberEnd(text: string, start: number): number {
  let i = start;
  for (let n = 0; n < 3 && classAt(text, i) === NUMBER; n++) i += widthOf(codePointAt(text, i));
  return i;
}

/** Punctuation: ` ?[^\s\p{L}\p{N}]+` then a run of `trailing` characters; -1 if none. */
function punctuationEnd(
  text: string,
  start: number,
  isTrailing: (unit: number) => boolean,
): number {
  let i = start;
  if (text.charCodeAt(i) === SPACE_CHAR && (classAt(text, i + 1) & PUNCTUATION) !== 0) i++;
  if ((classAt(text, i) & PUNCTUATION) === 0) return -1;
  i = runEnd(text, i, PUNCTUATION);
  while (i < text.length && isTrailing(text.charCodeAt(i))) i++;
  return i;
}

const isNewline = (unit: number): boolean => unit === 0x0a || unit === 0x0d;
const isNewlineOrSlash = (unit: number): boolean => isNewline(unit) || unit === SLASH;

/** Piece boundaries of o200k_base (GPT-4o, GPT-4.1, GPT-5, o-series). */
export const o200kScanner: PieceScanner = function o200kScanner(text, start) {
  const first = codePointAt(text, start);
  const firstClass = classOf(first);
  const afterPrefix = start + widthOf(first);
  const canPrefix = (firstClass & WORD_PREFIX) !== 0;
  if (canPrefix) {
    const end = o200kLowerWordEnd(text, afterPrefix);
    if (end !== -1) return withContraction(end, text);
  }
  let end = o200kLowerWordEnd(text, start);
  if (end !== -1) return withContraction(end, text);
  if (canPrefix) {
    end = o200kUpperWordEnd(text, afterPrefix);
    if (end !== -1) return withContraction(end, text);
  }
  end = o200kUpperWordEnd(text, start);
  if (end !== -1) return withContraction(end, text);
  if (firstClass === NUMBER) return numberEnd(text, start);
  end = punctuationEnd(text, start, isNewlineOrSlash);
  if (end !== -1) return end;
  return whitespaceEnd(text, start);
};

// cl100k_base:
//   (?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3}
// | ?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+

/** Piece boundaries of cl100k_base (GPT-4, GPT-3.5 Turbo, text-embedding-3). */
export const cl100kScanner: PieceScanner = function cl100kScanner(text, start) {
  const contraction = contractionEnd(text, start);
  if (contraction !== -1) return contraction;
  const first = codePointAt(text, start);
  const firstClass = classOf(first);
  const afterPrefix = start + widthOf(first);
  if ((firstClass & WORD_PREFIX) !== 0 && (classAt(text, afterPrefix) & LETTER) !== 0) {
    return runEnd(text, afterPrefix, LETTER);
  }
  if ((firstClass & LETTER) !== 0) return runEnd(text, start, LETTER);
  if (firstClass === NUMBER) return numberEnd(text, start);
  const end = punctuationEnd(text, start, isNewline);
  if (end !== -1) return end;
  return whitespaceEnd(text, start);
};
