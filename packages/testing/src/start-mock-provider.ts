/**
 * The mock provider: one HTTP server on loopback that speaks the OpenAI and Anthropic wire
 * protocols, answers scripted or default replies, injects faults and records every request.
 * This module owns the server's state and lifecycle; requests are handled by
 * `handle-request.ts`, scripts kept by `script-book.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler } from './handle-request';
import { anthropicBatchRoutes } from './mock-anthropic-batches';
import { type BatchRouteContext, type MockBatchPlan, resolveBatchPlan } from './mock-batch-plan';
import { openaiBatchRoutes } from './mock-openai-batches';
import type { RecordedRequest } from './recorded-request';
import type { IdSource } from './render/rendered';
import type { MockRoute } from './routes';
import { createScriptBook, type MockScenario, type MockScript } from './script-book';
import { answerBatchItem } from './scripted-answers';

/** Options for {@link startMockProvider}. */
export interface MockProviderOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** Scripts to load at start. */
  scenario?: MockScenario;
  /** Limits reported in rate-limit headers (per minute). */
  rateLimits?: { requests?: number; tokens?: number };
  /** Largest request body accepted before a 413; default 32 MiB, as Anthropic's API. */
  maxBodyBytes?: number;
  /** Called when each request's connection closes (answered, reset or abandoned by the client). */
  onRequestEnd?: (request: RecordedRequest) => void;
}

/** A running mock provider. */
export interface MockProvider {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Pass as `baseURL` to the `openai` client: `<url>/v1`. */
  openaiBaseURL: string;
  /** Pass as `baseURL` to the `@anthropic-ai/sdk` client: `<url>`. */
  anthropicBaseURL: string;
  /** Every request so far, in arrival order (a live array). */
  requests: RecordedRequest[];
  /** Queues replies (or one-shot responders) for a route, answered in order. */
  enqueue(route: MockRoute, ...replies: MockScript[]): void;
  /** Answers every request to `route` that has no queued reply; `undefined` restores the default answer. */
  respondWith(route: MockRoute, script: MockScript | undefined): void;
  /**
   * How batches (OpenAI's Batch API, Anthropic's Message Batches) progress: a batch ends after
   * `pollsBeforeEnd` retrieves (default 1), items from `expireFrom` on expire, and an OpenAI
   * batch fails with `failWith`. Each item is answered by the `openai.chat` or
   * `anthropic.messages` script, so a scripted error becomes a failed item.
   */
  planBatches(plan: MockBatchPlan): void;
  /** How many queued replies `route` has left. */
  pending(route: MockRoute): number;
  /** Clears queues, responders and the request log. */
  reset(): void;
  /** Stops the server, cutting open connections (stalled streams included). */
  close(): Promise<void>;
}

/**
 * Starts the mock provider on 127.0.0.1.
 *
 * @example
 * ```ts
 * const mock = await startMockProvider();
 * mock.enqueue('openai.chat', { text: 'Hello!' }, { error: { status: 429, retryAfter: 1 } });
 * const openai = new OpenAI({ apiKey: 'test', baseURL: mock.openaiBaseURL });
 * const anthropic = new Anthropic({ apiKey: 'test', baseURL: mock.anthropicBaseURL });
 * // ... run the code under test, then:
 * expect(mock.requests).toHaveLength(2);
 * await mock.close();
 * ```
 */
export async function startMockProvider({
  port = 0,
  host = '127.0.0.1',
  scenario = {},
  rateLimits = {},
  maxBodyBytes = 32 * 1024 * 1024,
  onRequestEnd,
}: MockProviderOptions = {}): Promise<MockProvider> {
  const scripts = createScriptBook();
  const requests: RecordedRequest[] = [];
  const active = new Set<AbortController>();
  let sequence = 0;
  let closing = false;
  let url = '';
  const ids: IdSource = { next: (prefix) => `${prefix}mock${String(++sequence).padStart(6, '0')}` };
  const limits = {
    requests: rateLimits.requests ?? 10_000,
    tokens: rateLimits.tokens ?? 2_000_000,
  };

  let batchPlan = resolveBatchPlan();
  const batchContext: BatchRouteContext = {
    ids,
    url: () => url,
    plan: () => batchPlan,
    answer: (route, body) => answerBatchItem({ scripts, ids, route, body }),
  };
  const batchRoutes = [anthropicBatchRoutes(batchContext), openaiBatchRoutes(batchContext)];
  const provider: Omit<MockProvider, 'url' | 'openaiBaseURL' | 'anthropicBaseURL'> = {
    requests,
    planBatches(plan) {
      batchPlan = resolveBatchPlan(plan);
    },
    enqueue: scripts.enqueue,
    respondWith: scripts.respondWith,
    pending: scripts.pending,
    reset() {
      scripts.clear();
      batchPlan = resolveBatchPlan();
      for (const routes of batchRoutes) routes.reset();
      requests.length = 0;
    },
    async close() {
      closing = true;
      for (const controller of active) controller.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  scripts.load(scenario);

  const handle = createRequestHandler({
    requests,
    ids,
    scripts,
    batchRoutes,
    limits,
    maxBodyBytes,
    active,
    closing: () => closing,
    onRequestEnd,
  });
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(
        `keel-mock internal error: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: boundPort } = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  return { ...provider, url, openaiBaseURL: `${url}/v1`, anthropicBaseURL: url };
}
