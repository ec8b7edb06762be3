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
  /** Size of the documents read: bytes for byte input, UTF-16 code units for strings. */
  bytes: number;
  elapsedMs: number;
  chunksPerSecond: number;
  bytesPerSecond: number;
}
