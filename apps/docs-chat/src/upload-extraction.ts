/**
 * What an uploaded file holds, decided by its content, never by its name: PDF by its
 * signature, other binary formats by theirs (gzip, zip, images, executables...) and by bytes
 * that are not UTF-8 text; HTML by its opening tags. Text is read as markdown, code or plain
 * text by the file's extension. HTML becomes text with html-to-text (a parser: scripts,
 * styles, frames and embedded objects are dropped, nothing runs), PDF its text layer with
 * unpdf (PDF.js without eval; a PDF's scripts and actions are never run).
 */
import type { DocumentFormat } from '@keel/retrieval';
import { convert } from 'html-to-text';
import { extractText, getDocumentProxy } from 'unpdf';
import { INGESTED_EXTENSIONS } from './ingest-plan';

/** What a file turned into: text to index, or why it was left out. */
export type ExtractedUpload =
  | { kind: 'text'; text: string; format: DocumentFormat; type: UploadType }
  | { kind: 'skipped'; reason: string };

/** The kinds of file an upload may be. */
export type UploadType = 'markdown' | 'text' | 'code' | 'html' | 'pdf';

/** Signatures of binary formats, named in the reason a file is skipped. */
const SIGNATURES: ReadonlyArray<{ name: string; bytes: readonly number[] }> = [
  { name: 'gzip', bytes: [0x1f, 0x8b] },
  { name: 'zip (or docx, xlsx, jar)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'ELF executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'Windows executable', bytes: [0x4d, 0x5a] },
  { name: 'WebAssembly module', bytes: [0x00, 0x61, 0x73, 0x6d] },
  { name: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: '7-Zip', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'RAR', bytes: [0x52, 0x61, 0x72, 0x21] },
  { name: 'Java class or Mach-O', bytes: [0xca, 0xfe, 0xba, 0xbe] },
];

const PDF = Buffer.from('%PDF-');
const HTML_START = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html|head|body)\b/i;
const MARKDOWN = ['.md', '.mdx', '.markdown'];
const CODE = INGESTED_EXTENSIONS.filter(
  (extension) => !MARKDOWN.includes(extension) && !['.txt', '.rst'].includes(extension),
);

/** html-to-text: no wrapping, headings as written, link text without its address. */
const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    ...['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'img'].map(
      (selector) => ({ selector, format: 'skip' }),
    ),
    { selector: 'a', options: { ignoreHref: true } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
      selector,
      options: { uppercase: false },
    })),
  ],
};

function extensionOf(name: string): string {
  const match = /\.[^./\\]+$/.exec(name);
  return match ? match[0].toLowerCase() : '';
}

/** How the text of a file named `name` is read: markdown, code or plain text, by its extension. */
export function formatOf(name: string): DocumentFormat {
  const extension = extensionOf(name);
  if (MARKDOWN.includes(extension)) return 'markdown';
  return CODE.includes(extension) ? 'code' : 'text';
}

/** The binary format `bytes` starts with, if any. */
function signatureOf(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find(({ bytes: signature }) =>
    signature.every((byte, index) => bytes[index] === byte),
  )?.name;
}

/** Control bytes text may hold: tab, line feed, vertical tab, form feed, carriage return, escape. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b]);

/** The UTF-8 text of `bytes` (without a BOM), or undefined when it is not text. */
function decodeText(bytes: Uint8Array): string | undefined {
  // NUL and the other C0 controls do not occur in text.
  if (bytes.some((byte) => byte < 0x20 && !TEXT_CONTROLS.has(byte))) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

async function pdfText(bytes: Uint8Array): Promise<ExtractedUpload> {
  try {
    const pdf = await getDocumentProxy(new Uint8Array(bytes), {
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      enableXfa: false,
      // Errors only: a PDF naming a standard font (Helvetica) would warn that none is loaded.
      verbosity: 0,
    });
    try {
      const { text } = await extractText(pdf, { mergePages: false });
      const joined = text.join('\n\n').trim();
      if (joined === '') {
        return { kind: 'skipped', reason: 'the PDF has no text layer (a scan?); upload its text' };
      }
      return { kind: 'text', text: joined, format: 'text', type: 'pdf' };
    } finally {
      await pdf.destroy();
    }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { kind: 'skipped', reason: `the PDF could not be read (${why})` };
  }
}

/**
 * What the file `name` with content `bytes` holds, as text to index.
 *
 * @example
 * ```ts
 * await extractUpload('notes.md', bytes); // { kind: 'text', text, format: 'markdown', type: 'markdown' }
 * await extractUpload('notes.md', gzipped); // { kind: 'skipped', reason: 'the content is gzip, ...' }
 * ```
 */
export async function extractUpload(name: string, bytes: Uint8Array): Promise<ExtractedUpload> {
  if (bytes.length === 0) return { kind: 'skipped', reason: 'the file is empty' };
  if (PDF.every((byte, index) => bytes[index] === byte)) return pdfText(bytes);
  const binary = signatureOf(bytes);
  const text = binary ? undefined : decodeText(bytes);
  if (text === undefined) {
    return {
      kind: 'skipped',
      reason: `the content is ${binary ?? 'binary, not UTF-8 text'}, whatever its name says; upload markdown, text, code, HTML or PDF`,
    };
  }
  const extension = extensionOf(name);
  if (HTML_START.test(text) || ['.html', '.htm'].includes(extension)) {
    let converted: string;
    try {
      converted = convert(text, HTML_OPTIONS).trim();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { kind: 'skipped', reason: `the HTML could not be read (${why})` };
    }
    if (converted === '') return { kind: 'skipped', reason: 'the HTML page has no text' };
    return { kind: 'text', text: converted, format: 'text', type: 'html' };
  }
  if (text.trim() === '') return { kind: 'skipped', reason: 'the file holds only white space' };
  const format = formatOf(name);
  return { kind: 'text', text, format, type: format };
}
