/**
 * Pieces for reading provider events whose layout is fixed byte for byte with a regular
 * expression instead of `JSON.parse`: the exact JSON grammar of the values such a pattern
 * captures or skips, and the decoding of a captured string.
 */

/** The characters of a JSON string between its quotes, escapes included (RFC 8259). */
export const JSON_STRING_BODY = String.raw`(?:[^"\\\x00-\x1f]|\\(?:["\\/bfnrt]|u[\dA-Fa-f]{4}))*`;

/** A JSON number (RFC 8259). */
export const JSON_NUMBER = String.raw`-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?`;

/** The value of a JSON string from its body, as matched by {@link JSON_STRING_BODY}. */
export function unescapeJsonString(body: string): string {
  return body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body;
}
