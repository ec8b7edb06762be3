/**
 * Ingestion progress, reported after each batch so applications can draw a progress bar.
 */

/** Totals so far, and rates since ingestion started. */
export interface IngestProgress {
  /** Documents chunked so far, skipped ones included. */
  documents: number;
  /** Documents in the input, when it is an array. */
  totalDocuments?: number;
  chunks: number;
  embeddings: number;
  /** Characters of document text read, as UTF-16 code units. */
  bytes: number;
  elapsedMs: number;
  chunksPerSecond: number;
  bytesPerSecond: number;
}
