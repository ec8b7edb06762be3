/**
 * The HTTP API and the page, on node:http: POST /api/chat streams a turn as server-sent
 * events (written with backpressure, so a slow reader only ever holds its own turn), the JSON
 * endpoints, /healthz, /metrics and the static page. A client that goes away aborts its turn
 * and the upstream model call. Every request gets a trace and one redacted log line.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { toSSEStream } from '@keel/streaming';
import type { Answerer } from './answerer';
import type { AppObservability } from './app-observability';
import type { ChatEngine } from './chat-engine';
import { ChatError } from './chat-error';
import type { ChatEvent } from './chat-events';
import { parseChatBody, parseUserId } from './chat-request';
import type { Config } from './config';
import type { ConversationStore } from './conversation-store';
import type { Knowledge } from './knowledge';
import type { LedgerStore } from './ledger-store';
import { sampleQuestion } from './sample-question';
import { loadStaticFiles } from './static-files';

/** What the server serves from. */
export interface HttpDependencies {
  config: Config;
  engine: ChatEngine;
  conversations: ConversationStore;
  ledger: LedgerStore;
  knowledge: Knowledge;
  answerer: Answerer;
  observability: AppObservability;
  publicDir: string;
}

/** The status logged for a client that left before its answer began (nginx's 499). */
const CLIENT_CLOSED_REQUEST = 499;

/** How long a stream may wait for a client to read before it is cut. */
const WRITE_STALL_MS = 30_000;

/** The CSP, with images from `allowedHosts` (and their subdomains) allowed beside the page's own. */
function contentSecurityPolicy(allowedHosts: readonly string[]): string {
  const images = ["'self'", 'data:', ...allowedHosts.flatMap((host) => [host, `*.${host}`])];
  return `default-src 'self'; script-src 'self'; style-src 'self'; img-src ${images.join(' ')}; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

const SECURITY_HEADERS = {
  'content-security-policy': contentSecurityPolicy([]),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The route a path is counted, traced and logged under, known before the request is handled so
 * a refused request is counted under its route.
 */
function routeOf(path: string, files: ReadonlyMap<string, unknown>): string {
  if (files.has(path) || path === '/favicon.ico') return '/static';
  if (path.startsWith('/api/conversations/')) return '/api/conversations/:id';
  if (['/api/chat', '/api/config', '/api/usage', '/healthz', '/metrics'].includes(path))
    return path;
  return 'unknown';
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...headers,
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: unknown): number {
  if (ChatError.isInstance(error)) {
    const headers: Record<string, string> = {};
    if (error.retryAfterMs !== undefined) {
      headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1_000)));
    }
    sendJson(
      response,
      error.status,
      {
        error: {
          code: error.code,
          message: error.message,
          ...(error.fields && { fields: error.fields }),
        },
      },
      headers,
    );
    return error.status;
  }
  sendJson(response, 500, {
    error: { code: 'internal_error', message: 'Something went wrong on the server; it is logged' },
  });
  return 500;
}

/** Reads a JSON body of at most `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ChatError({
      code: 'unsupported_media_type',
      message: 'Send the body as JSON with Content-Type: application/json',
    });
  }
  const declared = Number(request.headers['content-length']);
  const tooLarge = () =>
    new ChatError({
      code: 'payload_too_large',
      message: `The body is larger than ${limit} bytes; send a shorter message`,
    });
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves when `response` can take more, or false when it closed or stalled. */
function drained(response: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), WRITE_STALL_MS);
    response.on('drain', onDrain);
    response.on('close', onClose);
  });
}

/** Creates the HTTP server (not listening yet). */
export function createHttpServer(
  deps: HttpDependencies,
): Server & { openStreams(): number; streamsEnded(): Promise<void> } {
  const { config, engine, conversations, ledger, knowledge, answerer, observability, publicDir } =
    deps;
  const { metrics, tracer, log } = observability;
  const files = loadStaticFiles(publicDir);
  /** The page's headers: the CSP lets images from the allowed hosts load, as answers may show them. */
  const pageHeaders = {
    ...SECURITY_HEADERS,
    'content-security-policy': contentSecurityPolicy(config.allowedHosts),
  };
  const startedAt = Date.now();
  const adminToken = config.adminToken ? Buffer.from(`Bearer ${config.adminToken}`) : undefined;
  let openStreams = 0;
  const whenNoStreams: Array<() => void> = [];

  async function chat(request: IncomingMessage, response: ServerResponse, traceId: string) {
    const userId = parseUserId(request.headers['x-user-id']);
    const body = parseChatBody(await readBody(request, config.maxBodyBytes));
    if (openStreams >= config.maxStreams) {
      throw new ChatError({
        code: 'overloaded',
        message: `The server has ${config.maxStreams} chats open; retry shortly`,
        retryAfterMs: 1_000,
      });
    }
    const controller = new AbortController();
    const onClose = () => {
      if (!response.writableFinished) controller.abort(new Error('The client went away'));
    };
    response.on('close', onClose);
    openStreams++;
    metrics.set('docs_chat.streams.open', openStreams, {});
    const started = performance.now();
    try {
      const events = engine.turn({
        userId,
        ...(body.conversationId && { conversationId: body.conversationId }),
        ...(body.message !== undefined && { message: body.message }),
        ...(body.approvals && { approvals: body.approvals }),
        signal: controller.signal,
        traceId,
      });
      let first: IteratorResult<ChatEvent>;
      try {
        first = await events.next();
      } catch (error) {
        // The client left while the turn waited for its conversation or for retrieval.
        if (!controller.signal.aborted) throw error;
        response.statusCode = CLIENT_CLOSED_REQUEST;
        response.destroy();
        metrics.add('docs_chat.streams', 1, { outcome: 'cancelled' });
        return;
      }
      if (first.done) throw new Error('The turn produced no events');
      async function* all(): AsyncGenerator<ChatEvent> {
        yield first.value as ChatEvent;
        yield* events;
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        'x-trace-id': traceId,
        ...SECURITY_HEADERS,
      });
      response.flushHeaders();
      const reader = toSSEStream(all(), {
        event: (event) => event.type,
        id: (event) => String(event.seq),
      }).getReader();
      let firstEvent = true;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          // After a disconnect the turn still runs to its end, quickly, to record itself as
          // cancelled; its last events are read and dropped.
          if (controller.signal.aborted) continue;
          if (firstEvent) {
            firstEvent = false;
            metrics.record(
              'docs_chat.time_to_first_event',
              (performance.now() - started) / 1_000,
              {},
            );
          }
          const accepted = response.write(value);
          // Node corks a chunked response until the next tick, and the turn's own work (the
          // model call being set up, a burst of parts) can hold that tick for milliseconds:
          // each event is sent now.
          response.socket?.uncork();
          if (!accepted && !(await drained(response))) {
            controller.abort(new Error('The client stopped reading'));
          }
        }
      } finally {
        await reader.cancel().catch(() => {});
        if (!response.writableEnded) response.end();
        metrics.add('docs_chat.streams', 1, {
          outcome: controller.signal.aborted ? 'cancelled' : 'completed',
        });
      }
    } finally {
      openStreams--;
      metrics.set('docs_chat.streams.open', openStreams, {});
      if (openStreams === 0) {
        for (const resolve of whenNoStreams.splice(0)) resolve();
      }
      response.off('close', onClose);
    }
  }

  /** With DOCS_CHAT_ADMIN_TOKEN set, the operator routes need it as a bearer token. */
  function authorize(request: IncomingMessage): void {
    if (!adminToken) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== adminToken.length || !timingSafeEqual(given, adminToken)) {
      throw new ChatError({
        code: 'unauthorized',
        message: 'This route needs Authorization: Bearer <DOCS_CHAT_ADMIN_TOKEN>',
      });
    }
  }

  /** Handles a request to `path`, which {@link routeOf} put under `name`. */
  async function route(
    request: IncomingMessage,
    response: ServerResponse,
    { path, name }: { path: string; name: string },
    traceId: string,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    const only = (allowed: string) => {
      if (method !== allowed) {
        throw new ChatError({ code: 'method_not_allowed', message: `Use ${allowed} for ${path}` });
      }
    };
    switch (name) {
      case '/static': {
        const file = files.get(path);
        if (!file) {
          response.writeHead(204, SECURITY_HEADERS);
          response.end();
          return;
        }
        if (method !== 'GET' && method !== 'HEAD')
          throw new ChatError({ code: 'method_not_allowed', message: 'Use GET' });
        response.writeHead(200, {
          'content-type': file.type,
          'content-length': file.body.length,
          'cache-control': 'no-cache',
          ...(path === '/' ? pageHeaders : SECURITY_HEADERS),
        });
        response.end(method === 'HEAD' ? undefined : file.body);
        return;
      }
      case '/api/chat':
        only('POST');
        await chat(request, response, traceId);
        return;
      case '/api/config': {
        only('GET');
        // What the page needs to render answers: the hosts their links and images may point
        // to, and a question about these documents for the empty input.
        const placeholder = await sampleQuestion(knowledge);
        sendJson(response, 200, {
          allowedHosts: config.allowedHosts,
          ...(placeholder !== undefined && { placeholder }),
        });
        return;
      }
      case '/api/conversations/:id': {
        only('GET');
        const userId = parseUserId(request.headers['x-user-id']);
        let id: string;
        try {
          id = decodeURIComponent(path.slice('/api/conversations/'.length));
        } catch {
          throw new ChatError({ code: 'not_found', message: 'No such conversation for this user' });
        }
        const view = await conversations.view(id, userId);
        if (!view)
          throw new ChatError({
            code: 'not_found',
            message: `No conversation ${id} for this user`,
          });
        sendJson(response, 200, view);
        return;
      }
      case '/api/usage':
        only('GET');
        authorize(request);
        sendJson(response, 200, await ledger.report());
        return;
      case '/healthz': {
        only('GET');
        const { documents, chunks } = await knowledge.count();
        sendJson(response, 200, {
          status: 'ok',
          mode: answerer.mode,
          model: answerer.model,
          documents,
          chunks,
          openStreams,
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1_000),
        });
        return;
      }
      case '/metrics': {
        only('GET');
        authorize(request);
        const text = metrics.prometheus();
        response.writeHead(200, {
          'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          ...SECURITY_HEADERS,
        });
        response.end(text);
        return;
      }
      default:
        throw new ChatError({ code: 'not_found', message: `Nothing at ${path}` });
    }
  }

  // Idle and slow connections are checked every second (Node's default is 30 s), so a
  // slowloris socket is cut soon after headersTimeout.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (request, response) => {
    const started = performance.now();
    const span = tracer.startSpan(`HTTP ${request.method ?? 'GET'}`, { kind: 1 });
    const traceId = span.spanContext().traceId;
    let routeName = 'unknown';
    tracer
      .withSpan(span, async () => {
        try {
          const path = new URL(request.url ?? '/', 'http://localhost').pathname;
          routeName = routeOf(path, files);
          await route(request, response, { path, name: routeName }, traceId);
        } catch (error) {
          if (response.headersSent) {
            if (!response.writableEnded) response.end();
          } else {
            sendError(response, error);
          }
          if (!ChatError.isInstance(error)) {
            log({
              time: new Date().toISOString(),
              level: 'error',
              event: 'http-error',
              msg: error instanceof Error ? error.message : String(error),
              trace_id: traceId,
            });
          }
        }
      })
      .finally(() => {
        const status = response.statusCode;
        const durationMs = performance.now() - started;
        span.setAttributes({
          'http.request.method': request.method ?? 'GET',
          'http.route': routeName,
          'http.response.status_code': status,
        });
        span.end();
        const labels = { route: routeName, status: String(status) };
        metrics.add('docs_chat.http.requests', 1, labels);
        metrics.record('docs_chat.http.duration', durationMs / 1_000, { route: routeName });
        if (routeName !== '/metrics' && routeName !== '/healthz' && routeName !== '/static') {
          log({
            time: new Date().toISOString(),
            level: status >= 500 ? 'error' : 'info',
            event: 'http-request',
            msg: `${request.method} ${routeName} ${status}`,
            route: routeName,
            status,
            duration_ms: Math.round(durationMs),
            trace_id: traceId,
          });
        }
      });
  });
  // Slowloris: headers must arrive within 10 s and a whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return Object.assign(server, {
    openStreams: () => openStreams,
    /** Resolves once no turn is streaming (cut turns record themselves first). */
    streamsEnded: () =>
      openStreams === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            whenNoStreams.push(resolve);
          }),
  });
}
