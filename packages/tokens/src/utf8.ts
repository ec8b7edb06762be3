/**
 * UTF-8 both ways, with lone surrogates read as U+FFFD (as `TextEncoder` and tiktoken do).
 */

// A reused output buffer; pieces needing more than RETAINED_BYTES get a buffer of their own,
// so that one huge input does not pin its memory.
const RETAINED_BYTES = 1 << 20;
let scratch = new Uint8Array(1024);

/**
 * Writes the UTF-8 bytes of `text[start, end)` into a buffer and returns it with the byte
 * count. The buffer may be reused, and overwritten, by the next call.
 */
export function utf8Bytes(text: string, start: number, end: number): [Uint8Array, number] {
  let needed = (end - start) * 3;
  if (needed > RETAINED_BYTES) needed = utf8Length(text, start, end);
  if (needed > scratch.length && needed <= RETAINED_BYTES) scratch = new Uint8Array(needed);
  const bytes = needed > scratch.length ? new Uint8Array(needed) : scratch;
  let length = 0;
  for (let i = start; i < end; i++) {
    let unit = text.charCodeAt(i);
    if (unit < 0x80) {
      bytes[length++] = unit;
    } else if (unit < 0x800) {
      bytes[length++] = 0xc0 | (unit >> 6);
      bytes[length++] = 0x80 | (unit & 0x3f);
    } else {
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const low = i + 1 < end ? text.charCodeAt(i + 1) : 0;
        if (unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
          const codePoint = ((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          bytes[length++] = 0xf0 | (codePoint >> 18);
          bytes[length++] = 0x80 | ((codePoint >> 12) & 0x3f);
          bytes[length++] = 0x80 | ((codePoint >> 6) & 0x3f);
          bytes[length++] = 0x80 | (codePoint & 0x3f);
          i++;
          continue;
        }
        unit = 0xfffd;
      }
      bytes[length++] = 0xe0 | (unit >> 12);
      bytes[length++] = 0x80 | ((unit >> 6) & 0x3f);
      bytes[length++] = 0x80 | (unit & 0x3f);
    }
  }
  return [bytes, length];
}

/** The exact UTF-8 length of `text[start, end)`, for sizing buffers of huge pieces. */
function utf8Length(text: string, start: number, end: number): number {
  let length = 0;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (
      unit >= 0xd800 &&
      unit <= 0xdbff &&
      i + 1 < end &&
      (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      length += 4;
      i++;
    } else length += 3;
  }
  return length;
}

const decoder = new TextDecoder();

/** Decodes Latin-1 "binary" strings of UTF-8 bytes; invalid sequences become U+FFFD. */
export function decodeBinary(binary: string): string {
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return decoder.decode(bytes);
}
