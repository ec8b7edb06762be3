/**
 * Base64 of a string's UTF-8 bytes with web-standard APIs only, in slices so that megabyte
 * inputs never build an argument list too long for `String.fromCharCode`.
 */

const SLICE = 0x8000;

/** The base64 of `text`'s UTF-8 bytes. */
export function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let start = 0; start < bytes.length; start += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(start, start + SLICE));
  }
  return btoa(binary);
}
