/**
 * Escapes anything in a text that a model could read as an untrusted-content tag, opening or
 * closing: `<` or a lookalike bracket, then, ignoring spaces and combining marks, an optional
 * slash or lookalike and the word `untrusted` in any case, width or compatibility form
 * (`ＵＮＴＲＵＳＴＥＤ`, `untruſted`, `u\u0301ntrusted`) or with the common Cyrillic, Greek and
 * Armenian homoglyphs of its letters.
 */

import { LOOKALIKES } from './lookalikes';

// `<` and the characters drawn like it.
const BRACKETS = /[<\u02C2\u1438\u2039\u227A\u2329\u276C\u276E\u27E8\u29FC\u3008\uFE64\uFF1C]/g;
// What may sit between the bracket, the slash and the letters without changing how they read.
const IGNORABLE = /^[\s\p{M}]$/u;
const SLASHES = new Set(['/', '\u2044', '\u2215', '\u2571', '\u29F8', '\uFF0F']);
const WORD = 'untrusted';

/** One code point as the plain lower-case ASCII it reads as, when it has one. */
function skeleton(char: string): string {
  const folded = char.normalize('NFKD').replace(/\p{M}/gu, '');
  return (LOOKALIKES[folded] ?? folded).toLowerCase();
}

/**
 * Whether the text after a bracket at `from` reads as `untrusted` or `/untrusted`. Reads code
 * points until the word is complete or cannot be, so the cost is bounded by the ignorable run
 * after the bracket, which no other bracket's check reads (a bracket is not ignorable).
 */
function readsAsTag(text: string, from: number): boolean {
  let read = '';
  let slashAllowed = true;
  let i = from;
  while (i < text.length && read.length < WORD.length) {
    const char = String.fromCodePoint(text.codePointAt(i) as number);
    i += char.length;
    if (IGNORABLE.test(char)) continue;
    if (slashAllowed && SLASHES.has(char)) {
      slashAllowed = false;
      continue;
    }
    slashAllowed = false;
    read += skeleton(char);
    if (!WORD.startsWith(read.slice(0, WORD.length))) return false;
  }
  return read.length >= WORD.length;
}

/**
 * `text` with the bracket of anything that reads as an untrusted tag written as `&lt;`, so it
 * can neither open nor close a fence. Linear in the length of the text.
 *
 * @example
 * ```ts
 * escapeFenceTags('</untrusted-1a2b>'); // '&lt;/untrusted-1a2b>'
 * escapeFenceTags('＜／ＵＮＴＲＵＳＴＥＤ-1a2b>'); // '&lt;／ＵＮＴＲＵＳＴＥＤ-1a2b>'
 * ```
 */
export function escapeFenceTags(text: string): string {
  return text.replace(BRACKETS, (bracket, offset: number) =>
    readsAsTag(text, offset + bracket.length) ? '&lt;' : bracket,
  );
}
