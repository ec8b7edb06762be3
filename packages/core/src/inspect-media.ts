/**
 * What a file's bytes say it is: the format from its magic bytes, an image's size in pixels
 * and a PDF's page count. Providers refuse a file whose declared type does not match its bytes,
 * and the token estimates need the pixels and pages; both read them here.
 */

/** What {@link inspectMedia} found. */
export interface MediaInfo {
  /** The format the magic bytes name; `undefined` when they match none Keel sends. */
  mediaType:
    | 'image/png'
    | 'image/jpeg'
    | 'image/gif'
    | 'image/webp'
    | 'application/pdf'
    | undefined;
  /** An image's width and height in pixels, when its header gives them. */
  width?: number;
  height?: number;
  /** A PDF's page count (its `/Type /Page` objects); at least 1 for a PDF. */
  pages?: number;
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  prefix.every((byte, index) => bytes[at + index] === byte);

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

const be16 = (bytes: Uint8Array, at: number) => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
const le16 = (bytes: Uint8Array, at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
const le24 = (bytes: Uint8Array, at: number) => le16(bytes, at) | ((bytes[at + 2] ?? 0) << 16);
const be32 = (bytes: Uint8Array, at: number) => be16(bytes, at) * 65_536 + be16(bytes, at + 2);

/** The size in a JPEG's first start-of-frame segment (SOF0 to SOF15, not DHT, JPG or DAC). */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrame) return { height: be16(bytes, at + 5), width: be16(bytes, at + 7) };
    at += 2 + be16(bytes, at + 2);
  }
  return undefined;
}

/** The canvas size of a WebP: lossy (VP8), lossless (VP8L) or extended (VP8X). */
function webpSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (startsWith(bytes, ascii('VP8 '), 12)) {
    return { width: le16(bytes, 26) & 0x3fff, height: le16(bytes, 28) & 0x3fff };
  }
  if (startsWith(bytes, ascii('VP8L'), 12)) {
    const bits = le16(bytes, 21) | (le16(bytes, 23) * 65_536);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (startsWith(bytes, ascii('VP8X'), 12)) {
    return { width: le24(bytes, 24) + 1, height: le24(bytes, 27) + 1 };
  }
  return undefined;
}

/** Page objects in a PDF: `/Type /Page` (not `/Pages`), with or without the space. */
function pdfPages(bytes: Uint8Array): number {
  const text = new TextDecoder('latin1').decode(bytes);
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  return Math.max(1, pages);
}

/**
 * Reads a file's format from its magic bytes, with an image's pixel size and a PDF's pages.
 *
 * @example
 * ```ts
 * inspectMedia(await readFile('chart.png')); // { mediaType: 'image/png', width: 1200, height: 800 }
 * ```
 */
export function inspectMedia(bytes: Uint8Array): MediaInfo {
  if (startsWith(bytes, [0x89, ...ascii('PNG\r\n'), 0x1a, 0x0a])) {
    return { mediaType: 'image/png', width: be32(bytes, 16), height: be32(bytes, 20) };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    return { mediaType: 'image/jpeg', ...jpegSize(bytes) };
  }
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) {
    return { mediaType: 'image/gif', width: le16(bytes, 6), height: le16(bytes, 8) };
  }
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) {
    return { mediaType: 'image/webp', ...webpSize(bytes) };
  }
  if (startsWith(bytes, ascii('%PDF-'))) {
    return { mediaType: 'application/pdf', pages: pdfPages(bytes) };
  }
  return { mediaType: undefined };
}

/**
 * Base64 (standard or URL-safe, padding optional) to bytes; `undefined` when `data` is not
 * base64.
 *
 * @example
 * ```ts
 * decodeBase64('aGk='); // Uint8Array [104, 105]
 * ```
 */
export function decodeBase64(data: string): Uint8Array | undefined {
  const standard = data.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(standard) || standard.replace(/=+$/, '').length % 4 === 1) {
    return undefined;
  }
  const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Bytes encoded per `btoa` call: a multiple of 3. */
const BASE64_CHUNK = 0x6000;

/**
 * Bytes to standard base64.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([104, 105])); // 'aGk='
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Encoded a chunk at a time (a multiple of 3 bytes, so no padding in between): one `btoa` of
  // the whole file as a binary string is several times slower on large files.
  for (let at = 0; at < bytes.length; at += BASE64_CHUNK) {
    const chunk = bytes.subarray(at, at + BASE64_CHUNK);
    let binary = '';
    for (let index = 0; index < chunk.length; index++) {
      binary += String.fromCharCode(chunk[index] as number);
    }
    parts.push(btoa(binary));
  }
  return parts.join('');
}
