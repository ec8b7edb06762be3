/**
 * Turns a document's text or bytes into a string, refusing binary files and invalid UTF-8.
 */
import type { Document } from './types';
import { UnsupportedDocumentError } from './unsupported-document-error';

const decoder = new TextDecoder('utf-8', { fatal: true });
/** Whether a UTF-16 code is a control character other than tab, newline, VT, FF and CR. */
const isControl = (code: number) => code < 0x09 || (code > 0x0d && code < 0x20);
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
  let controls = 0;
  for (let i = 0; i < sample.length; i++) if (isControl(sample.charCodeAt(i))) controls++;
  if (text.includes('\u0000') || controls > sample.length / 10) {
    throw new UnsupportedDocumentError({ documentId: document.id, reason: 'binary' });
  }
  return text;
}
