/**
 * Turns a document's text or bytes into a string, refusing binary files and invalid UTF-8.
 */
import type { Document } from './types';
import { UnsupportedDocumentError } from './unsupported-document-error';

const decoder = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab, newline, vertical tab, form feed and carriage return.
const CONTROL = /[\u0000-\u0008\u000e-\u001f]/g;
const SAMPLE = 8_192;

/**
 * The text of `document`.
 *
 * @throws UnsupportedDocumentError for bytes that are not UTF-8, or text that looks binary
 * (a NUL character, or more than 10% control characters in its first 8 KiB).
 */
export function decodeDocument(document: Document): string {
  let text: string;
  if (typeof document.text === 'string') text = document.text;
  else {
    if (document.text.includes(0)) {
      throw new UnsupportedDocumentError({ documentId: document.id, reason: 'binary' });
    }
    try {
      text = decoder.decode(document.text);
    } catch (error) {
      throw new UnsupportedDocumentError({
        documentId: document.id,
        reason: 'invalid-utf8',
        cause: error,
      });
    }
  }
  const sample = text.slice(0, SAMPLE);
  const controls = sample.match(CONTROL)?.length ?? 0;
  if (text.includes('\u0000') || controls > sample.length / 10) {
    throw new UnsupportedDocumentError({ documentId: document.id, reason: 'binary' });
  }
  return text;
}
