/**
 * Anthropic Message Batches on the mock provider: create, retrieve and results, with the
 * batch's progress driven by the test's plan (it ends after a set number of retrieves, and
 * items past a set index expire).
 */
import type { BatchResponse, BatchRouteContext, MockBatchRoutes } from './mock-batch-plan';
import type { ServerError } from './provider-errors';

interface StoredBatch {
  id: string;
  createdAt: string;
  requests: Array<{ custom_id: string; params: Record<string, unknown> }>;
  polls: number;
  results?: unknown[];
  endedAt?: string;
}

const BATCHES_PATH = '/v1/messages/batches';
const DAY_MS = 24 * 60 * 60 * 1000;

function notFound(id: string): BatchResponse {
  return {
    status: 404,
    error: { status: 404, type: 'not_found_error', message: `No batch with id ${id}.` },
  };
}

/** Anthropic's `MessageBatch` object for `batch`. */
function batchObject(batch: StoredBatch, url: () => string): unknown {
  const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  if (batch.results === undefined) counts.processing = batch.requests.length;
  for (const line of batch.results ?? []) {
    const type = (line as { result: { type: keyof typeof counts } }).result.type;
    counts[type] += 1;
  }
  const ended = batch.results !== undefined;
  return {
    id: batch.id,
    type: 'message_batch',
    processing_status: ended ? 'ended' : 'in_progress',
    request_counts: counts,
    created_at: batch.createdAt,
    expires_at: new Date(Date.parse(batch.createdAt) + DAY_MS).toISOString(),
    ended_at: batch.endedAt ?? null,
    archived_at: null,
    cancel_initiated_at: null,
    results_url: ended ? `${url()}${BATCHES_PATH}/${batch.id}/results` : null,
  };
}

/** Checks a create body as Anthropic does, or returns the error to answer. */
function createProblem(body: unknown): ServerError | undefined {
  const requests = (body as { requests?: unknown } | undefined)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return { status: 400, type: 'invalid_request_error', message: 'requests: Field required' };
  }
  const seen = new Set<string>();
  for (const [i, request] of requests.entries()) {
    const { custom_id: id, params } = (request ?? {}) as { custom_id?: unknown; params?: unknown };
    if (typeof id !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(id)) {
      return {
        status: 400,
        type: 'invalid_request_error',
        message: `requests.${i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`,
      };
    }
    if (seen.has(id)) {
      return {
        status: 400,
        type: 'invalid_request_error',
        message: `Duplicate custom_id ${id}; each request in a batch needs its own.`,
      };
    }
    seen.add(id);
    if (params === null || typeof params !== 'object' || 'stream' in params) {
      return {
        status: 400,
        type: 'invalid_request_error',
        message: `requests.${i}.params: a Messages request without stream is required`,
      };
    }
  }
  return undefined;
}

/** The Anthropic batch routes of one mock server. */
export function anthropicBatchRoutes({
  ids,
  url,
  plan,
  answer,
}: BatchRouteContext): MockBatchRoutes {
  const batches = new Map<string, StoredBatch>();

  async function end(batch: StoredBatch): Promise<void> {
    const results: unknown[] = [];
    for (const [index, { custom_id, params }] of batch.requests.entries()) {
      if (index >= plan().expireFrom) {
        results.push({ custom_id, result: { type: 'expired' } });
        continue;
      }
      const item = await answer('anthropic.messages', params);
      results.push(
        'body' in item
          ? { custom_id, result: { type: 'succeeded', message: item.body } }
          : {
              custom_id,
              result: {
                type: 'errored',
                error: {
                  type: 'error',
                  error: {
                    type: item.error.type ?? 'invalid_request_error',
                    message: item.error.message ?? 'The request failed.',
                  },
                },
              },
            },
      );
    }
    batch.results = results;
    batch.endedAt = new Date().toISOString();
  }

  return {
    serves: (path) => path.split('?')[0]?.startsWith(BATCHES_PATH) ?? false,
    async handle({ method, path, body }) {
      const [id, action] = (path.split('?')[0] ?? '').slice(BATCHES_PATH.length + 1).split('/');
      if (method === 'POST' && (id === '' || id === undefined)) {
        const problem = createProblem(body);
        if (problem !== undefined) return { status: problem.status, error: problem };
        const batch: StoredBatch = {
          id: ids.next('msgbatch_'),
          createdAt: new Date().toISOString(),
          requests: (body as { requests: StoredBatch['requests'] }).requests,
          polls: 0,
        };
        batches.set(batch.id, batch);
        return { status: 200, body: batchObject(batch, url) };
      }
      const batch = id === undefined ? undefined : batches.get(id);
      if (batch === undefined || method !== 'GET') return notFound(id ?? '');
      if (action === 'results') {
        if (batch.results === undefined) {
          return {
            status: 400,
            error: {
              status: 400,
              type: 'invalid_request_error',
              message: `Batch ${batch.id} is still in_progress; results are available once it has ended.`,
            },
          };
        }
        return {
          status: 200,
          text: batch.results.map((line) => `${JSON.stringify(line)}\n`).join(''),
          contentType: 'application/binary',
        };
      }
      batch.polls += 1;
      if (batch.results === undefined && batch.polls > plan().pollsBeforeEnd) await end(batch);
      return { status: 200, body: batchObject(batch, url) };
    },
    reset() {
      batches.clear();
    },
  };
}
