/**
 * Cleans text that came from outside: control characters, zero-width characters, bidirectional
 * overrides and Unicode tag characters are removed or made visible, and line breaks are
 * normalised, so what a model reads is what a person reviewing the prompt sees.
 */

/** What to do with invisible and control characters: drop them, or show them as `[U+202E]`. */
export type InvisibleHandling = 'remove' | 'reveal';

/** Code point ranges [first, last] of the characters treated as invisible. */
export const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
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
  [0x2800, 0x2800], // Braille pattern blank
  [0x3164, 0x3164], // Hangul filler
  [0xfe00, 0xfe0f], // variation selectors, used to smuggle bytes (an emoji keeps its look)
  [0xfeff, 0xfeff], // byte-order mark
  [0xffa0, 0xffa0], // halfwidth Hangul filler
  [0xfff9, 0xfffb], // interlinear annotation
  [0x1d173, 0x1d17a], // musical formatting controls
  [0xe0000, 0xe007f], // tag characters, used to smuggle invisible ASCII
  [0xe0100, 0xe01ef], // variation selectors supplement, used to smuggle bytes
];

// One flag per BMP code unit, and the few astral ranges, so cleaning is a single pass over the
// text: a regular expression with this many ranges runs about ten times slower in V8.
const BMP_INVISIBLE = new Uint8Array(0x10000);
const ASTRAL_INVISIBLE: Array<readonly [number, number]> = [];
for (const range of INVISIBLE_RANGES) {
  if (range[0] >= 0x10000) ASTRAL_INVISIBLE.push(range);
  else BMP_INVISIBLE.fill(1, range[0], range[1] + 1);
}

/**
 * Blank characters that stand where a space would (Hangul fillers, the Braille blank): removed,
 * they would glue the words around them into one (`Ignore\u3164previous` read as `Ignoreprevious`,
 * which no reader of the words would see), so they become a space.
 */
const BLANKS = new Set([0x115f, 0x1160, 0x2800, 0x3164, 0xffa0]);

function reveal(code: number): string {
  return `[U+${code.toString(16).toUpperCase().padStart(4, '0')}]`;
}

/** How many code units at `i` are an invisible character (0, 1 or 2), line breaks excluded. */
function invisibleWidth(text: string, i: number, code: number): number {
  if (code >= 0xd800 && code <= 0xdbff) {
    const point = text.codePointAt(i) as number;
    return point > 0xffff &&
      ASTRAL_INVISIBLE.some(([first, last]) => point >= first && point <= last)
      ? 2
      : 0;
  }
  return BMP_INVISIBLE[code] ?? 0;
}

/**
 * `text` with CR, CRLF, NEL and the Unicode line and paragraph separators turned into `\n`, and
 * every invisible or control character removed (`'remove'`; a blank standing for a space, such
 * as the Hangul filler, becomes a space) or written as `[U+XXXX]` (`'reveal'`). Tabs and line
 * feeds are kept.
 *
 * @example
 * ```ts
 * sanitizeText('pay\u202Eusd', 'reveal'); // 'pay[U+202E]usd'
 * ```
 */
export function sanitizeText(text: string, invisible: InvisibleHandling = 'remove'): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let width: number;
    let replacement = '\n';
    if (code === 0x0d) width = text.charCodeAt(i + 1) === 0x0a ? 2 : 1;
    else if (code === 0x85 || code === 0x2028 || code === 0x2029) width = 1;
    else {
      width = invisibleWidth(text, i, code);
      if (width === 0) continue;
      replacement =
        invisible === 'reveal'
          ? reveal(text.codePointAt(i) as number)
          : BLANKS.has(code)
            ? ' '
            : '';
    }
    out += text.slice(from, i) + replacement;
    i += width - 1;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}
