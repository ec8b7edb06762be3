/**
 * A fast non-cryptographic 64-bit hash of text (two independent 32-bit FNV-1a style lanes),
 * used as a content fingerprint. Pure JavaScript, so chunking runs on edge runtimes too.
 */

/**
 * 16 hex digits identifying `text`.
 *
 * @example
 * ```ts
 * contentHash('hello') === contentHash('hello'); // true
 * ```
 */
export function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= text.length;
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
