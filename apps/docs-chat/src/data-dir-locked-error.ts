/**
 * The error of a second process opening a data directory that another docs-chat process holds.
 */
import { KeelError } from '@keel/core';

const marker = 'docs-chat.error.DataDirLockedError';
const symbol = Symbol.for(marker);

/** Another live process holds the data directory (the embedded database allows one). */
export class DataDirLockedError extends KeelError {
  protected readonly [symbol] = true;

  readonly dataDir: string;
  readonly pid: number;

  constructor({ dataDir, pid }: { dataDir: string; pid: number }) {
    super({
      name: 'DataDirLockedError',
      message: `${dataDir} is in use by docs-chat process ${pid}: stop it (or use its HTTP API: docs-chat ingest sends files to it), or set DOCS_CHAT_DATA_DIR to another folder`,
    });
    this.dataDir = dataDir;
    this.pid = pid;
  }

  static override isInstance(error: unknown): error is DataDirLockedError {
    return KeelError.hasMarker(error, marker);
  }
}
