/**
 * Small files for tests of image and document parts: the bytes a format check and a token
 * estimate read, without shipping binary fixtures.
 */

/**
 * The signature and header chunk of a PNG of `width` x `height` pixels: enough for a
 * magic-byte check and for reading its size (no pixel data follows).
 *
 * @example
 * ```ts
 * const part = { type: 'image', source: { type: 'bytes', data: samplePng(1024, 768) } };
 * ```
 */
export function samplePng(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

/**
 * A PDF with `pages` page objects (and the page tree, which is not a page).
 *
 * @example
 * ```ts
 * const part = { type: 'file', source: { type: 'bytes', data: samplePdf(3) }, filename: 'a.pdf' };
 * ```
 */
export function samplePdf(pages: number): Uint8Array {
  const body = '<< /Type /Page >>\n'.repeat(pages);
  return new TextEncoder().encode(`%PDF-1.7\n<< /Type /Pages /Count ${pages} >>\n${body}%%EOF\n`);
}
