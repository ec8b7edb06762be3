/**
 * The ingest progress bar: redrawn in place on a terminal, one line a second otherwise (CI
 * logs), with document counts, chunks and rate.
 */
import type { IngestProgress } from '@keel/retrieval';

/** A progress bar writing to `stream`. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr) {
  let lastLine = 0;
  let lastDocuments = -1;
  const width = 24;
  return {
    update(progress: IngestProgress): void {
      const total = progress.totalDocuments ?? progress.documents;
      const share = total === 0 ? 1 : progress.documents / total;
      const filled = Math.round(share * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.documents}/${total} files · ${progress.chunks} chunks · ${Math.round(progress.chunksPerSecond)} chunks/s · ${(progress.bytesPerSecond / 1_048_576).toFixed(2)} MB/s`;
      if (stream.isTTY) {
        stream.write(`\r${line}`);
      } else if (
        progress.documents !== lastDocuments &&
        (Date.now() - lastLine >= 1_000 || progress.documents === total)
      ) {
        lastLine = Date.now();
        lastDocuments = progress.documents;
        stream.write(`${line}\n`);
      }
    },
    done(): void {
      if (stream.isTTY) stream.write('\n');
    },
  };
}
