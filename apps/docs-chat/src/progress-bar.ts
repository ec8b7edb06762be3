/**
 * The ingest progress bar: redrawn in place on a terminal, one line a second otherwise (CI
 * logs), with counts of the changed files embedded so far, chunks and rate. With nothing to
 * embed (an unchanged corpus) it draws nothing.
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
      if (total === 0) return;
      const share = progress.documents / total;
      const filled = Math.round(share * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progress.documents}/${total} changed files · ${progress.chunks} chunks · ${Math.round(progress.chunksPerSecond)} chunks/s · ${(progress.bytesPerSecond / 1_048_576).toFixed(2)} MB/s`;
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
