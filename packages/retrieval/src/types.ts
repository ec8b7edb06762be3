/**
 * The data that flows through retrieval: documents in, chunks with provenance out, and the
 * hits a search returns.
 */
import type { JsonValue } from '@keel/core';

/** User metadata carried by a document onto each of its chunks (tenant, ACL, timestamps...). */
export type Metadata = { [key: string]: JsonValue };

/** How a document is split: by headings and paragraphs, paragraphs and sentences, or symbols. */
export type DocumentFormat = 'markdown' | 'text' | 'code';

/** A document to chunk and index. Bytes are decoded as strict UTF-8. */
export interface Document {
  /** Stable id of the source, e.g. a path or URL; citations are `[id#n]`. */
  id: string;
  text: string | Uint8Array;
  /** Default: from the id's extension (`.md` markdown, known code extensions code), else text. */
  format?: DocumentFormat;
  metadata?: Metadata;
}

/** One piece of a document, sized in tokens, with where it came from. */
export interface Chunk {
  /** `<sourceId>#<index>`, stable for the same document and options. */
  id: string;
  sourceId: string;
  /** 0-based position of the chunk in its document. */
  index: number;
  /** The chunk's text; its first `overlap` characters repeat the end of the previous chunk. */
  text: string;
  /** Leading characters of `text` shared with the previous chunk. */
  overlap: number;
  /** UTF-16 offsets of `text` in the document, `[start, end)`; `start` includes the overlap. */
  start: number;
  end: number;
  /** 1-based line numbers of the first and last character of `text`. */
  startLine: number;
  endLine: number;
  /** Tokens in `text`. */
  tokens: number;
  /** Hash of `text` (16 hex digits), the key of the embedding cache. */
  hash: string;
  /** Markdown: the headings the chunk sits under, outermost first. */
  headingPath?: string[];
  /** Code: the import lines of the file, so a symbol keeps its context. */
  imports?: string;
  metadata: Metadata;
}

/** A chunk found by a search, with its score (higher is better). */
export interface RetrievedChunk {
  chunk: Chunk;
  score: number;
}
