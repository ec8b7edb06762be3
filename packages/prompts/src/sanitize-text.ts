/**
 * Cleans text that came from outside: control characters, zero-width characters, bidirectional
 * overrides and Unicode tag characters are removed or made visible, and line breaks are
 * normalised, so what a model reads is what a person reviewing the prompt sees.
 */

/** What to do with invisible and control characters: drop them, or show them as `[U+202E]`. */
export type InvisibleHandling = 'remove' | 'reveal';

/** Code point ranges [first, last] of the characters treated as invisible. */
const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x0008], // C0 controls before tab
  [0x000b, 0x000c], // vertical tab, form feed
  [0x000e, 0x001f], // the rest of C0
  [0x007f, 0x009f], // delete and C1 controls
  [0x00ad, 0x00ad], // soft hyphen
  [0x034f, 0x034f], // combining grapheme joiner
  [0x061c, 0x061c], // Arabic letter mark
  [0x115f, 0x1160], // Hangul fillers
  [0x17b4, 0x17b5], // Khmer inherent vowels
  [0x180b, 0x180f], // Mongolian variation selectors and vowel separator
  [0x200b, 0x200f], // zero-width space, non-joiner, joiner; direction marks
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2060, 0x206f], // word joiner, invisible operators, bidi isolates
  [0x3164, 0x3164], // Hangul filler
  [0xfeff, 0xfeff], // byte-order mark
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0xfff9, 0xfffb], // interlinear annotation
  [0x1d173, 0x1d17a], // musical formatting controls
  [0xe0000, 0xe007f], // tag characters, used to smuggle invisible ASCII
  [0xe0100, 0xe01ef], // variation selectors supplement, used to smuggle bytes
];

const hex = (code: number) => `\\u{${code.toString(16)}}`;
const INVISIBLE = new RegExp(
  `[${INVISIBLE_RANGES.map(([first, last]) => `${hex(first)}-${hex(last)}`).join('')}]`,
  'gu',
);

const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;

function reveal(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return `[U+${code.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/**
 * `text` with CR, CRLF, NEL and the Unicode line and paragraph separators turned into `\n`, and
 * every invisible or control character removed (`'remove'`) or written as `[U+XXXX]`
 * (`'reveal'`). Tabs and line feeds are kept.
 *
 * @example
 * ```ts
 * sanitizeText('pay\u202Eusd', 'reveal'); // 'pay[U+202E]usd'
 * ```
 */
export function sanitizeText(text: string, invisible: InvisibleHandling = 'remove'): string {
  const lines = text.replace(LINE_BREAKS, '\n');
  return invisible === 'remove' ? lines.replace(INVISIBLE, '') : lines.replace(INVISIBLE, reveal);
}
