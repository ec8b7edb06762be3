/**
 * OpenAI's Batch API on the mock provider: the Files API (multipart upload with purpose
 * `batch`, content download) and batches (create, retrieve), with each batch's progress driven
 * by the test's plan: it runs for a set number of retrieves, then completes, expires (items
 * past a set index) or fails validation.
 */
import type { BatchResponse, BatchRouteContext, MockBatchRoutes } from './mock-batch-plan';
import { errorBody, type ServerError } from './provider-errors';

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  text: string;
  createdAt: number;
}

interface StoredBatch {
  id: string;
  inputFileId: string;
  endpoint: string;
  metadata: unknown;
  createdAt: number;
  polls: number;
  status: 'validating' | 'in_progress' | 'completed' | 'expired' | 'failed';
  outputFileId: string | null;
  errorFileId: string | null;
  counts: { total: number; completed: number; failed: number };
  errors: {
    object: 'list';
    data: Array<{ code: string; message: string; line: number | null }>;
  } | null;
  endedAt?: number;
}

const ENDPOINTS = new Set(['/v1/chat/completions']);
const DAY_S = 24 * 60 * 60;

function invalid(message: string, param: string, status = 400): BatchResponse {
  return {
    status,
    error: { status, type: 'invalid_request_error', message, param, code: null },
  };
}

/** The parts of a `multipart/form-data` body by field name. */
function formFields(
  text: string,
  contentType: string,
): Map<string, { value: string; filename?: string }> {
  const fields = new Map<string, { value: string; filename?: string }>();
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (boundary === undefined) return fields;
  for (const part of text.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split === -1) continue;
    const head = part.slice(0, split);
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (name === undefined) continue;
    const filename = /filename="([^"]*)"/.exec(head)?.[1];
    const value = part.slice(split + 4).replace(/\r\n$/, '');
    fields.set(name, { value, ...(filename !== undefined && { filename }) });
  }
  return fields;
}

/** OpenAI's `File` object. */
function fileObject(file: StoredFile): unknown {
  return {
    id: file.id,
    object: 'file',
    bytes: Buffer.byteLength(file.text),
    created_at: file.createdAt,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    expires_at: null,
    status_details: null,
  };
}

/** OpenAI's `Batch` object. */
function batchObject(batch: StoredBatch): unknown {
  const at = (status: StoredBatch['status']) =>
    batch.status === status ? (batch.endedAt ?? null) : null;
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    errors: batch.errors,
    input_file_id: batch.inputFileId,
    completion_window: '24h',
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: batch.createdAt,
    in_progress_at: batch.polls > 0 ? batch.createdAt : null,
    expires_at: batch.createdAt + DAY_S,
    finalizing_at: batch.endedAt ?? null,
    completed_at: at('completed'),
    failed_at: at('failed'),
    expired_at: at('expired'),
    cancelling_at: null,
    cancelled_at: null,
    request_counts: batch.counts,
    metadata: batch.metadata ?? null,
  };
}

/** One line of an input file, checked as OpenAI checks it. */
type InputLine = { custom_id: string; method: string; url: string; body: Record<string, unknown> };

/** The input file's lines, or the validation errors OpenAI would fail the batch with. */
function readInput(
  text: string,
  endpoint: string,
): { lines: InputLine[] } | { errors: Array<{ code: string; message: string; line: number }> } {
  const lines: InputLine[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    const fail = (code: string, message: string) => ({ errors: [{ code, message, line: i + 1 }] });
    let line: Partial<InputLine>;
    try {
      line = JSON.parse(raw) as Partial<InputLine>;
    } catch {
      return fail('invalid_json_line', 'This line is not parseable as valid JSON.');
    }
    if (typeof line.custom_id !== 'string' || seen.has(line.custom_id)) {
      return fail(
        'duplicate_custom_id',
        'The custom_id for this request is missing or a duplicate.',
      );
    }
    if (line.url !== endpoint || line.method !== 'POST') {
      return fail(
        'mismatched_endpoint',
        `The url of this request must be ${endpoint}, with method POST.`,
      );
    }
    if (line.body === null || typeof line.body !== 'object' || 'stream' in line.body) {
      return fail('invalid_request', 'The body of this request must be an object without stream.');
    }
    seen.add(line.custom_id);
    lines.push(line as InputLine);
  }
  return lines.length === 0
    ? { errors: [{ code: 'empty_file', message: 'The input file is empty.', line: 1 }] }
    : { lines };
}

const jsonl = (lines: unknown[]) => lines.map((line) => `${JSON.stringify(line)}\n`).join('');

/** The OpenAI batch and file routes of one mock server. */
export function openaiBatchRoutes({ ids, plan, answer }: BatchRouteContext): MockBatchRoutes {
  const files = new Map<string, StoredFile>();
  const batches = new Map<string, StoredBatch>();
  const now = () => Math.floor(Date.now() / 1000);

  function addFile(filename: string, purpose: string, text: string): StoredFile {
    const file = { id: ids.next('file-'), filename, purpose, text, createdAt: now() };
    files.set(file.id, file);
    return file;
  }

  /** Runs every item of `batch` and writes its output and error files. */
  async function end(batch: StoredBatch): Promise<void> {
    batch.endedAt = now();
    const { failWith, expireFrom } = plan();
    const input = readInput(files.get(batch.inputFileId)?.text ?? '', batch.endpoint);
    if (failWith !== undefined || 'errors' in input) {
      batch.status = 'failed';
      batch.errors = {
        object: 'list',
        data:
          failWith !== undefined
            ? [{ ...failWith, line: null }]
            : 'errors' in input
              ? input.errors
              : [],
      };
      return;
    }
    const output: unknown[] = [];
    const errors: unknown[] = [];
    for (const [index, line] of input.lines.entries()) {
      const id = ids.next('batch_req_');
      if (index >= expireFrom) {
        errors.push({
          id,
          custom_id: line.custom_id,
          response: null,
          error: {
            code: 'batch_expired',
            message: 'This request could not be executed before the completion window expired.',
          },
        });
        continue;
      }
      const requestId = ids.next('req_');
      const item = await answer('openai.chat', line.body);
      const response =
        'body' in item
          ? { status_code: 200, request_id: requestId, body: item.body }
          : {
              status_code: item.error.status,
              request_id: requestId,
              body: errorBody('openai', item.error as ServerError, requestId),
            };
      ('body' in item ? output : errors).push({
        id,
        custom_id: line.custom_id,
        response,
        error: null,
      });
    }
    batch.counts = { total: input.lines.length, completed: output.length, failed: errors.length };
    batch.status = input.lines.length > expireFrom ? 'expired' : 'completed';
    if (output.length > 0)
      batch.outputFileId = addFile(`${batch.id}_output.jsonl`, 'batch_output', jsonl(output)).id;
    if (errors.length > 0)
      batch.errorFileId = addFile(`${batch.id}_error.jsonl`, 'batch_output', jsonl(errors)).id;
  }

  function upload(body: unknown, contentType: string): BatchResponse {
    const fields = formFields(typeof body === 'string' ? body : '', contentType);
    const purpose = fields.get('purpose')?.value;
    const file = fields.get('file');
    if (file === undefined) return invalid("Missing required parameter: 'file'.", 'file');
    if (purpose !== 'batch') {
      return invalid(
        `The mock takes purpose 'batch' only, got ${JSON.stringify(purpose)}.`,
        'purpose',
      );
    }
    return {
      status: 200,
      body: fileObject(addFile(file.filename ?? 'upload.jsonl', purpose, file.value)),
    };
  }

  function create(body: unknown): BatchResponse {
    const {
      input_file_id: fileId,
      endpoint,
      completion_window: window,
      metadata,
    } = (body ?? {}) as Record<string, unknown>;
    const file = typeof fileId === 'string' ? files.get(fileId) : undefined;
    if (file === undefined || file.purpose !== 'batch') {
      return invalid(`No batch input file with id ${JSON.stringify(fileId)}.`, 'input_file_id');
    }
    if (typeof endpoint !== 'string' || !ENDPOINTS.has(endpoint)) {
      return invalid(`The mock batches ${[...ENDPOINTS].join(', ')} only.`, 'endpoint');
    }
    if (window !== '24h') return invalid("completion_window must be '24h'.", 'completion_window');
    const batch: StoredBatch = {
      id: ids.next('batch_'),
      inputFileId: file.id,
      endpoint,
      metadata,
      createdAt: now(),
      polls: 0,
      status: 'validating',
      outputFileId: null,
      errorFileId: null,
      counts: { total: 0, completed: 0, failed: 0 },
      errors: null,
    };
    batches.set(batch.id, batch);
    return { status: 200, body: batchObject(batch) };
  }

  return {
    serves: (path) => /^\/v1\/(files|batches)(\/|$|\?)/.test(path),
    async handle({ method, path, body, contentType }) {
      const [collection, id, action] = (path.split('?')[0] ?? '').split('/').slice(2);
      if (collection === 'files') {
        if (method === 'POST' && id === undefined) return upload(body, contentType);
        const file = id === undefined ? undefined : files.get(id);
        if (file === undefined || method !== 'GET') {
          return invalid(`No such File object: ${id}`, 'id', 404);
        }
        if (action === 'content') {
          return { status: 200, text: file.text, contentType: 'application/octet-stream' };
        }
        return { status: 200, body: fileObject(file) };
      }
      if (method === 'POST' && id === undefined) return create(body);
      const batch = id === undefined ? undefined : batches.get(id);
      if (batch === undefined || method !== 'GET' || action !== undefined) {
        return invalid(`No batch found with id '${id}'.`, 'id', 404);
      }
      if (batch.status === 'validating' || batch.status === 'in_progress') {
        batch.polls += 1;
        if (batch.polls > plan().pollsBeforeEnd) await end(batch);
        else batch.status = 'in_progress';
      }
      return { status: 200, body: batchObject(batch) };
    },
    reset() {
      files.clear();
      batches.clear();
    },
  };
}
