/**
 * The mock provider: one HTTP server on loopback that speaks the OpenAI and Anthropic wire
 * protocols, answers scripted or default replies, injects faults and records every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '@keel/core';
import { bodySegments } from './body-segments';
import type { MockFaults, MockReply } from './mock-reply';
import { errorBody, retryHeaders, type ServerError, streamErrorData } from './provider-errors';
import { providerHeaders } from './provider-headers';
import { type RecordedRequest, redactHeaders } from './recorded-request';
import { defaultEmbeddings } from './render/openai-embeddings';
import type { IdSource } from './render/rendered';
import { summarizeRequest } from './request-summary';
import { defaultReply, resolveReply } from './resolve-reply';
import { now, writeResponse } from './response-writer';
import { ROUTE_HANDLERS, requestProblem } from './route-handlers';
import {
  isMockRoute,
  type MockProviderName,
  type MockRoute,
  providerForPath,
  ROUTES,
  routeForPath,
} from './routes';
import { wordChunks } from './text-chunks';
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
  /** How many queued replies `route` has left. */
  pending(route: MockRoute): number;
  /** Clears queues, responders and the request log. */
  reset(): void;
  /** Stops the server, cutting open connections (stalled streams included). */
  close(): Promise<void>;
}

const NO_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.";
const BAD_JSON_MESSAGE = {
  openai:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  anthropic: 'There was an error parsing the body of your request: expected a JSON object.',
};

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

  const provider: Omit<MockProvider, 'url' | 'openaiBaseURL' | 'anthropicBaseURL'> = {
    requests,
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

  const rateLimitState = (
    providerName: MockProviderName,
    inputTokens: number,
    exhausted: boolean,
  ) => {
    const windowStart = now() - 60_000;
    const recent = requests.filter(
      (r) =>
        r.timings.receivedAt > windowStart &&
        (r.route ? ROUTES[r.route].provider : providerForPath(r.path)) === providerName,
    );
    const oldest = recent[0]?.timings.receivedAt ?? now();
    return {
      requestsLimit: limits.requests,
      requestsRemaining: exhausted ? 0 : Math.max(0, limits.requests - recent.length),
      tokensLimit: limits.tokens,
      tokensRemaining: exhausted ? 0 : Math.max(0, limits.tokens - inputTokens),
      resetMs: Math.max(1, oldest + 60_000 - now()),
    };
  };

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

    const sendError = (
      error: ServerError,
      faults: MockFaults = {},
      extraHeaders: Record<string, string> = {},
    ) => {
      const segments = bodySegments(
        { kind: 'json', body: errorBody(providerName, error, record.requestId) },
        faults,
        () => ({ data: '' }),
      );
      const headers = {
        ...providerHeaders(providerName, {
          requestId: record.requestId,
          limits: rateLimitState(providerName, 0, error.status === 429),
          now: Date.now(),
          processingMs: now() - record.timings.receivedAt,
        }),
        'content-type': 'application/json',
        'content-length': String(segments[0]?.bytes.length ?? 0),
        ...retryHeaders(error),
        ...extraHeaders,
      };
      return writeResponse({
        res,
        status: error.status,
        headers,
        segments,
        faults,
        record,
        signal: controller.signal,
      });
    };

    const raw = await readBody(req, maxBodyBytes);
    if (raw === undefined) {
      return sendError({
        status: 413,
        type: providerName === 'openai' ? 'invalid_request_error' : 'request_too_large',
        message: `Request body exceeds ${maxBodyBytes} bytes.`,
      });
    }
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
      record.body = body;
    } catch {
      record.body = raw;
    }
    if (!route || req.method !== 'POST') {
      return sendError({
        status: 404,
        message: providerName === 'openai' ? `Invalid URL (${record.method} ${path})` : 'Not Found',
        ...(providerName === 'openai' && { type: 'invalid_request_error', code: 'unknown_url' }),
      });
    }
    const authorization = req.headers.authorization ?? '';
    if (providerName === 'openai' && !/^Bearer \S+/.test(authorization)) {
      return sendError({
        status: 401,
        message: NO_KEY_MESSAGE,
        type: 'invalid_request_error',
        code: null,
      });
    }
    if (providerName === 'anthropic') {
      if (!req.headers['x-api-key'] && !/^Bearer \S+/.test(authorization)) {
        return sendError({ status: 401, message: 'x-api-key header is required' });
      }
      if (!req.headers['anthropic-version']) {
        return sendError({ status: 400, message: 'anthropic-version: header is required' });
      }
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      return sendError({ status: 400, message: BAD_JSON_MESSAGE[providerName] });
    }
    const request = body as Record<string, unknown>;
    const problem = requestProblem(route, providerName, request);
    if (problem) return sendError({ status: 400, ...problem });
    record.stream = request.stream === true;

    const summary = summarizeRequest(route, request);
    let reply: MockReply;
    try {
      reply = await nextReply(
        route,
        {
          route,
          body: request,
          headers: record.headers,
          callIndex: requests.filter((r) => r.route === route).length - 1,
        },
        summary,
      );
    } catch (error) {
      const message = `keel-mock: the script for ${route} failed: ${error instanceof Error ? error.message : String(error)}`;
      return sendError({ status: 500, message });
    }
    const faults = reply.faults ?? {};
    if (reply.error) return sendError(reply.error, faults, reply.headers);

    if (faults.oversizedEventBytes) {
      reply = {
        ...reply,
        chunks: [
          'x'.repeat(faults.oversizedEventBytes),
          ...(reply.chunks ?? wordChunks(reply.text ?? '')),
        ],
      };
    }
    const resolved = resolveReply(reply, summary);
    const handler = ROUTE_HANDLERS[route];
    const rendered = handler.render({
      body: request,
      reply: resolved,
      ids,
      created: Math.floor(Date.now() / 1000),
      embeddings: reply.embeddings ?? defaultEmbeddings(summary),
    });
    const headers = {
      ...providerHeaders(providerName, {
        requestId: record.requestId,
        limits: rateLimitState(providerName, resolved.usage.inputTokens, false),
        now: Date.now(),
        processingMs: now() - record.timings.receivedAt,
      }),
      ...(rendered.kind === 'sse'
        ? {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
            connection: 'keep-alive',
          }
        : { 'content-type': 'application/json' }),
      ...reply.headers,
    };
    const error = faults.streamError;
    const segments = bodySegments(rendered, faults, (sequenceNumber) =>
      handler.streamError(
        streamErrorData(providerName, error?.type, error?.message),
        sequenceNumber,
      ),
    );
    if (rendered.kind === 'json')
      Object.assign(headers, { 'content-length': String(segments[0]?.bytes.length ?? 0) });
    await writeResponse({
      res,
      status: 200,
      headers,
      segments,
      faults,
      record,
      signal: controller.signal,
    });
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
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  return { ...provider, url, openaiBaseURL: `${url}/v1`, anthropicBaseURL: url };
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
