/**
 * A user's own documents, added while the server runs: POST /api/documents takes a multipart
 * upload and streams its progress as server-sent events (each file read or skipped with why,
 * the indexing's progress, then what was added); GET lists the user's documents and what they
 * may still add; DELETE removes one. Documents belong to the user who uploaded them: searches
 * and the `get_document` tool see the corpus and the asking user's own only.
 */
import { ChatError } from './chat-error';
import { namedUser } from './chat-request';
import type { Config } from './config';
import { writeEventStream } from './event-stream-response';
import { sendJson } from './http-responses';
import { type UploadedDocument, uploadId } from './ingest-plan';
import type { Knowledge, TenantDocument } from './knowledge';
import { readMultipartFiles } from './multipart-upload';
import type { Route } from './route-table';
import { extractUpload, type UploadType } from './upload-extraction';

/** The most files one upload takes. */
const MAX_FILES = 20;

/** An event of an upload's stream. */
export type UploadEventBody =
  | { type: 'file'; name: string; id: string; status: 'read'; kind: UploadType }
  | { type: 'file'; name: string; status: 'skipped'; reason: string }
  | { type: 'progress'; documents: number; totalDocuments: number; chunks: number }
  | {
      type: 'done';
      /** Documents indexed (new or changed). */
      added: string[];
      unchanged: number;
      /** Every file left out, with why. */
      skipped: Array<{ name: string; reason: string }>;
      /** The user's documents now. */
      documents: TenantDocument[];
    }
  | { type: 'error'; message: string };

/** An upload event as sent: numbered from 1. */
export type UploadEvent = UploadEventBody & { seq: number };

/** Uploads belong to someone: an anonymous caller would share them with every other one. */
const owner = (userId: string) => namedUser(userId, 'Documents belong to a user', 'documents');

/** Creates the three document routes. */
export function documentRoutes({
  config,
  knowledge,
}: {
  config: Config;
  knowledge: Knowledge;
}): Route[] {
  const limits = { maxDocuments: config.upload.maxDocuments, maxBytes: config.upload.maxBytes };

  /** Reads, extracts and indexes the files, saying what happens as it happens. */
  async function* upload(
    files: Awaited<ReturnType<typeof readMultipartFiles>>,
    tenant: string,
    signal: AbortSignal,
  ): AsyncGenerator<UploadEventBody> {
    const documents: UploadedDocument[] = [];
    const names = new Map<string, string>();
    const skipped: Array<{ name: string; reason: string }> = [];
    for (const file of files) {
      const extracted =
        'reason' in file
          ? { kind: 'skipped' as const, reason: file.reason }
          : await extractUpload(file.name, file.bytes);
      if (extracted.kind === 'skipped') {
        skipped.push({ name: file.name, reason: extracted.reason });
        yield { type: 'file', name: file.name, status: 'skipped', reason: extracted.reason };
        continue;
      }
      const id = uploadId(tenant, file.name);
      names.set(id, file.name);
      documents.push({ id, text: extracted.text, format: extracted.format });
      yield { type: 'file', name: file.name, id, status: 'read', kind: extracted.type };
    }
    // The index reports its progress through a callback: its events wait here to be sent.
    const progress: UploadEventBody[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    const indexing = knowledge
      .upload(documents, {
        tenant,
        limits,
        signal,
        onProgress: (p) => {
          progress.push({
            type: 'progress',
            documents: p.documents,
            totalDocuments: p.totalDocuments ?? documents.length,
            chunks: p.chunks,
          });
          wake?.();
        },
      })
      .finally(() => {
        finished = true;
        wake?.();
      });
    while (!finished || progress.length > 0) {
      const next = progress.shift();
      if (next) yield next;
      else await new Promise<void>((resolve) => (wake = resolve));
    }
    const report = await indexing;
    for (const { id, reason } of report.skipped) {
      const name = names.get(id) ?? id;
      skipped.push({ name, reason });
      yield { type: 'file', name, status: 'skipped', reason };
    }
    yield {
      type: 'done',
      added: report.indexed,
      unchanged: report.unchanged,
      skipped,
      documents: await knowledge.documentsOf(tenant),
    };
  }

  return [
    {
      method: 'POST',
      path: '/api/documents',
      auth: 'user',
      async handler({ request, response, userId, traceId }) {
        const tenant = owner(userId);
        const files = await readMultipartFiles(request, {
          maxFileBytes: config.upload.maxFileBytes,
          maxFiles: MAX_FILES,
        });
        const controller = new AbortController();
        const onClose = () => {
          if (!response.writableFinished) controller.abort(new Error('The client went away'));
        };
        response.on('close', onClose);
        async function* numbered(): AsyncGenerator<UploadEvent> {
          let seq = 0;
          try {
            for await (const event of upload(files, tenant, controller.signal)) {
              yield { ...event, seq: ++seq };
            }
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            yield { type: 'error', message: `The upload failed: ${message}`, seq: ++seq };
          }
        }
        try {
          await writeEventStream(response, numbered(), { traceId, controller });
        } finally {
          response.off('close', onClose);
        }
      },
    },
    {
      method: 'GET',
      path: '/api/documents',
      auth: 'user',
      async handler({ response, userId }) {
        const documents = await knowledge.documentsOf(owner(userId));
        sendJson(response, 200, {
          documents,
          used: {
            documents: documents.length,
            bytes: documents.reduce((sum, document) => sum + document.bytes, 0),
          },
          limits: { ...limits, maxFileBytes: config.upload.maxFileBytes, maxFiles: MAX_FILES },
        });
      },
    },
    {
      method: 'DELETE',
      path: '/api/documents/:id',
      auth: 'user',
      async handler({ response, params, userId }) {
        const id = params.id ?? '';
        if (!(await knowledge.remove(id, owner(userId)))) {
          throw new ChatError({
            code: 'not_found',
            message: `You have no document ${id}; GET /api/documents lists yours`,
          });
        }
        sendJson(response, 200, { removed: id });
      },
    },
  ];
}
