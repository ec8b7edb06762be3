/**
 * Anthropic Message Batches on the mock provider: create, retrieve and results, with the
 * batch's progress driven by the test (it ends after a set number of retrieves, and items past
 * a set index expire).
 */
import type { ServerError } from './provider-errors';
import type { IdSource } from './render/rendered';

/** How the mock's batches progress; set with `MockProvider.planBatches`. */
export interface MockBatchPlan {
  /** Retrieves answered `in_progress` before a batch ends; default 1. */
  pollsBeforeEnd?: number;
  /** Items from this index on expire instead of being answered; default none. */
  expireFrom?: number;
}

/** One batch item's answer: a rendered Message body, or the error the route would send. */
export type BatchItemAnswer = { message: unknown } | { error: ServerError };

/** What the batch routes need from the server: ids, and an answer for one item's params. */
export interface BatchRouteContext {
  ids: IdSource;
  /** The server's base URL, for `results_url`. */
  url(): string;
  answer(params: Record<string, unknown>): Promise<BatchItemAnswer>;
}

/** A batch response: status and either a JSON body or JSON Lines. */
export type BatchResponse =
  | { status: number; body: unknown }
  | { status: number; jsonl: unknown[] }
  | { status: number; error: ServerError };

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

/** The Anthropic batch routes, with their own store; one per mock server. */
export interface MockBatches {
  /** True for the paths these routes serve. */
  serves(path: string): boolean;
  handle(method: string, path: string, body: unknown): Promise<BatchResponse>;
  plan(plan: MockBatchPlan): void;
  reset(): void;
}

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

/** The batch routes of one mock server. */
export function createMockBatches({ ids, url, answer }: BatchRouteContext): MockBatches {
  const batches = new Map<string, StoredBatch>();
  let plan: Required<MockBatchPlan> = { pollsBeforeEnd: 1, expireFrom: Number.POSITIVE_INFINITY };

  async function end(batch: StoredBatch): Promise<void> {
    const results: unknown[] = [];
    for (const [index, { custom_id, params }] of batch.requests.entries()) {
      if (index >= plan.expireFrom) {
        results.push({ custom_id, result: { type: 'expired' } });
        continue;
      }
      const item = await answer(params);
      results.push(
        'message' in item
          ? { custom_id, result: { type: 'succeeded', message: item.message } }
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
    async handle(method, path, body) {
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
        return { status: 200, jsonl: batch.results };
      }
      batch.polls += 1;
      if (batch.results === undefined && batch.polls > plan.pollsBeforeEnd) await end(batch);
      return { status: 200, body: batchObject(batch, url) };
    },
    plan(next) {
      plan = {
        pollsBeforeEnd: next.pollsBeforeEnd ?? 1,
        expireFrom: next.expireFrom ?? Number.POSITIVE_INFINITY,
      };
    },
    reset() {
      batches.clear();
      plan = { pollsBeforeEnd: 1, expireFrom: Number.POSITIVE_INFINITY };
    },
  };
}
