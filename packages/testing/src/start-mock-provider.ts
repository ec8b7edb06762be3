/**
 * The mock provider: one HTTP server on loopback that speaks the OpenAI and Anthropic wire
 * protocols, answers scripted or default replies, injects faults and records every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '@keel/core';
import { bodySegments } from './body-segments';
import { anthropicBatchRoutes } from './mock-anthropic-batches';
import {
  type BatchItemAnswer,
  type BatchRouteContext,
  type MockBatchPlan,
  resolveBatchPlan,
} from './mock-batch-plan';
import { openaiBatchRoutes } from './mock-openai-batches';
import type { MockFaults, MockReply } from './mock-reply';
import { errorBody, retryHeaders, type ServerError, streamErrorData } from './provider-errors';
import { providerHeaders, rateLimitState } from './provider-headers';
import { type RecordedRequest, redactHeaders } from './recorded-request';
import { defaultEmbeddings } from './render/openai-embeddings';
import type { IdSource } from './render/rendered';
import { checkRequest } from './request-gate';
import { summarizeRequest } from './request-summary';
import { defaultReply, resolveReply } from './resolve-reply';
import { type BodySegment, now, writeResponse } from './response-writer';
import { ROUTE_HANDLERS } from './route-handlers';
import { isMockRoute, type MockRoute, providerForPath, ROUTES, routeForPath } from './routes';
import { validateReply } from './validate-reply';

/** A request as a responder function sees it. */
export interface MockRequest {
  route: MockRoute;
  /** The parsed JSON body. */
  body: Record<string, unknown>;
  /** Request headers, credentials redacted. */
  headers: Record<string, string>;
  /** 0-based count of earlier requests to the same route. */
  callIndex: number;
}

/** Computes a reply from the request. */
export type Responder = (request: MockRequest) => MockReply | Promise<MockReply>;

/** A reply, or a function that computes one. */
export type MockScript = MockReply | Responder;

/**
 * Scripts per route: an array is a queue answered in order (then defaults); a single reply or
 * responder answers every request to that route.
 */
export type MockScenario = Partial<Record<MockRoute, MockScript | MockScript[]>>;

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
  const queues = new Map<MockRoute, MockScript[]>();
  const responders = new Map<MockRoute, MockScript>();
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

  const checkRoute = (route: unknown): MockRoute => {
    if (isMockRoute(route)) return route;
    throw new InvalidArgumentError({
      argument: 'route',
      message: `Unknown mock route ${JSON.stringify(route)}; use one of ${Object.keys(ROUTES).join(', ')}`,
    });
  };
  const checkScript = (script: MockScript, argument: string): void => {
    if (typeof script !== 'function') validateReply(script, argument);
  };

  let batchPlan = resolveBatchPlan();
  const batchContext: BatchRouteContext = {
    ids,
    url: () => url,
    plan: () => batchPlan,
    answer: answerBatchItem,
  };
  const batchRoutes = [anthropicBatchRoutes(batchContext), openaiBatchRoutes(batchContext)];
  const provider: Omit<MockProvider, 'url' | 'openaiBaseURL' | 'anthropicBaseURL'> = {
    requests,
    planBatches(plan) {
      batchPlan = resolveBatchPlan(plan);
    },
    enqueue(route, ...replies) {
      checkRoute(route);
      for (const [i, reply] of replies.entries()) checkScript(reply, `replies[${i}]`);
      queues.set(route, [...(queues.get(route) ?? []), ...replies]);
    },
    respondWith(route, script) {
      checkRoute(route);
      if (script === undefined) responders.delete(route);
      else {
        checkScript(script, 'script');
        responders.set(route, script);
      }
    },
    pending: (route) => queues.get(checkRoute(route))?.length ?? 0,
    reset() {
      queues.clear();
      responders.clear();
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
  for (const [route, script] of Object.entries(scenario)) {
    if (Array.isArray(script)) provider.enqueue(checkRoute(route), ...script);
    else if (script !== undefined) provider.respondWith(checkRoute(route), script);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const route = routeForPath(path) ?? null;
    const providerName = route ? ROUTES[route].provider : providerForPath(path);
    const record: RecordedRequest = {
      index: requests.length,
      route,
      method: req.method ?? 'GET',
      path,
      headers: redactHeaders(req.headers),
      body: undefined,
      requestId: ids.next('req_'),
      stream: false,
      status: null,
      timings: { receivedAt: now() },
      bytesWritten: 0,
      eventsWritten: 0,
      stalled: false,
      reset: false,
      clientDisconnected: false,
    };
    requests.push(record);
    const controller = new AbortController();
    active.add(controller);
    res.on('close', () => {
      if (!res.writableFinished && !record.reset && !closing) {
        record.clientDisconnected = true;
        record.disconnectedAt = now();
      }
      controller.abort();
      active.delete(controller);
      onRequestEnd?.(record);
    });

    const send = (
      status: number,
      segments: BodySegment[],
      headers: Record<string, string>,
      faults: MockFaults,
    ) =>
      writeResponse({ res, status, headers, segments, faults, record, signal: controller.signal });
    const standardHeaders = (inputTokens: number, exhausted: boolean) =>
      providerHeaders(providerName, {
        requestId: record.requestId,
        limits: rateLimitState(requests, providerName, {
          limits,
          inputTokens,
          exhausted,
          now: now(),
        }),
        now: Date.now(),
        processingMs: now() - record.timings.receivedAt,
      });
    const sendError = (
      error: ServerError,
      faults: MockFaults = {},
      extraHeaders: Record<string, string> = {},
    ) => {
      const body = errorBody(providerName, error, record.requestId);
      const segments = bodySegments({ kind: 'json', body }, faults, () => ({ data: '' }));
      return send(
        error.status,
        segments,
        {
          ...standardHeaders(0, error.status === 429),
          'content-type': 'application/json',
          'content-length': String(segments[0]?.bytes.length ?? 0),
          ...retryHeaders(error),
          ...extraHeaders,
        },
        faults,
      );
    };

    const raw = await readBody(req, maxBodyBytes);
    if (raw === undefined) {
      return sendError({
        status: 413,
        type: providerName === 'openai' ? 'invalid_request_error' : 'request_too_large',
        message: `Request body exceeds ${maxBodyBytes} bytes.`,
      });
    }
    record.body = parseJson(raw);
    const batchRoute = batchRoutes.find((routes) => routes.serves(path));
    if (batchRoute !== undefined) {
      const answer = await batchRoute.handle({
        method: record.method,
        path,
        body: record.body,
        contentType: req.headers['content-type'] ?? '',
      });
      if ('error' in answer) return sendError(answer.error);
      const bytes = Buffer.from('text' in answer ? answer.text : JSON.stringify(answer.body));
      return send(
        answer.status,
        [{ bytes, content: false }],
        {
          ...standardHeaders(0, false),
          'content-type': 'text' in answer ? answer.contentType : 'application/json',
          'content-length': String(bytes.length),
        },
        {},
      );
    }
    const checked = checkRequest({
      route,
      provider: providerName,
      method: record.method,
      path,
      headers: req.headers,
      body: record.body,
    });
    if ('error' in checked) return sendError(checked.error);
    const { body } = checked;
    record.stream = body.stream === true;

    const summary = summarizeRequest(checked.route, body);
    let reply: MockReply;
    try {
      const callIndex = requests.filter((r) => r.route === checked.route).length - 1;
      reply = await nextReply(
        checked.route,
        { route: checked.route, body, headers: record.headers, callIndex },
        summary,
      );
    } catch (error) {
      const cause = error instanceof Error ? error.message : String(error);
      return sendError({
        status: 500,
        message: `keel-mock: the script for ${checked.route} failed: ${cause}`,
      });
    }
    const faults = reply.faults ?? {};
    if (reply.error) return sendError(reply.error, faults, reply.headers);

    const resolved = resolveReply(reply, summary);
    const handler = ROUTE_HANDLERS[checked.route];
    const rendered = handler.render({
      body,
      reply: resolved,
      ids,
      created: Math.floor(Date.now() / 1000),
      embeddings: reply.embeddings ?? defaultEmbeddings(summary),
    });
    const streamError = streamErrorData(
      providerName,
      faults.streamError?.type,
      faults.streamError?.message,
    );
    const segments = bodySegments(rendered, faults, (sequenceNumber) =>
      handler.streamError(streamError, sequenceNumber),
    );
    const contentHeaders: Record<string, string> =
      rendered.kind === 'sse'
        ? {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
            connection: 'keep-alive',
          }
        : {
            'content-type': 'application/json',
            'content-length': String(segments[0]?.bytes.length ?? 0),
          };
    await send(
      200,
      segments,
      {
        ...standardHeaders(resolved.usage.inputTokens, false),
        ...contentHeaders,
        ...reply.headers,
      },
      faults,
    );
  }

  /** One batch item answered as a non-streaming request to `route`, by that route's script. */
  async function answerBatchItem(
    route: MockRoute,
    params: Record<string, unknown>,
  ): Promise<BatchItemAnswer> {
    const summary = summarizeRequest(route, params);
    const reply = await nextReply(
      route,
      { route, body: params, headers: {}, callIndex: 0 },
      summary,
    );
    if (reply.error) return { error: reply.error };
    const rendered = ROUTE_HANDLERS[route].render({
      body: params,
      reply: resolveReply(reply, summary),
      ids,
      created: Math.floor(Date.now() / 1000),
      embeddings: [],
    });
    return { body: rendered.kind === 'json' ? rendered.body : undefined };
  }

  async function nextReply(
    route: MockRoute,
    request: MockRequest,
    summary: ReturnType<typeof summarizeRequest>,
  ): Promise<MockReply> {
    const script = queues.get(route)?.shift() ?? responders.get(route);
    if (script === undefined) return defaultReply(summary);
    const reply = typeof script === 'function' ? await script(request) : script;
    validateReply(reply, `reply for ${route}`);
    return reply;
  }

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

/** The parsed JSON body, or the raw text when it is not JSON (undefined when empty). */
function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** The request body as text, or undefined when it exceeds `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
