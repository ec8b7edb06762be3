/**
 * The HTTP server on node:http: the static page, then the route table ({@link Route}: the
 * chat's server-sent events, the JSON routes and whatever the app adds), each request matched
 * before it is handled so a refused one is counted under its route. Every request gets a
 * trace and one redacted log line.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Memory } from '@keel/memory';
import type { Answerer } from './answerer';
import { apiRoutes } from './api-routes';
import type { AppObservability } from './app-observability';
import type { ChatEngine } from './chat-engine';
import { ChatError } from './chat-error';
import { parseUserId } from './chat-request';
import { createChatRoute } from './chat-route';
import type { Config } from './config';
import type { ConversationStore } from './conversation-store';
import { contentSecurityPolicy, SECURITY_HEADERS, sendError } from './http-responses';
import type { KeyedMutex } from './keyed-mutex';
import type { Knowledge } from './knowledge';
import type { LedgerStore } from './ledger-store';
import { matchRoute, type Route, type RouteContext } from './route-table';
import { loadStaticFiles, type StaticFile } from './static-files';

/** What the server serves from. */
export interface HttpDependencies {
  config: Config;
  engine: ChatEngine;
  conversations: ConversationStore;
  ledger: LedgerStore;
  knowledge: Knowledge;
  answerer: Answerer;
  observability: AppObservability;
  memory: Memory;
  /** The lock the engine's turns hold on their conversation. */
  conversationLock: KeyedMutex;
  publicDir: string;
  /** More routes, beside the chat and the JSON routes (documents, the dashboard). */
  routes?: readonly Route[];
}

/** Creates the HTTP server (not listening yet). */
export function createHttpServer(
  deps: HttpDependencies,
): Server & { openStreams(): number; streamsEnded(): Promise<void> } {
  const { config, engine, observability, publicDir } = deps;
  const { metrics, tracer, log } = observability;
  const files = loadStaticFiles(publicDir);
  /** The page's headers: the CSP lets images from the allowed hosts load, as answers may show them. */
  const pageHeaders = {
    ...SECURITY_HEADERS,
    'content-security-policy': contentSecurityPolicy(config.allowedHosts),
  };
  const adminToken = config.adminToken ? Buffer.from(`Bearer ${config.adminToken}`) : undefined;
  const chat = createChatRoute({ config, engine, metrics });
  const routes: readonly Route[] = [
    chat.route,
    ...apiRoutes({ ...deps, openStreams: chat.openStreams }),
    ...(deps.routes ?? []),
  ];

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

  function sendStatic(request: IncomingMessage, response: ServerResponse, path: string): void {
    const file: StaticFile | undefined = files.get(path);
    if (!file) {
      response.writeHead(204, SECURITY_HEADERS);
      response.end();
      return;
    }
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD')
      throw new ChatError({ code: 'method_not_allowed', message: 'Use GET' });
    response.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': 'no-cache',
      ...(path === '/' ? pageHeaders : SECURITY_HEADERS),
    });
    response.end(method === 'HEAD' ? undefined : file.body);
  }

  /** The route a request is counted under (`unknown` when none matched), and its handling. */
  function resolve(
    request: IncomingMessage,
    response: ServerResponse,
    traceId: string,
  ): { name: string; run: () => Promise<void> | void } {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (files.has(path) || path === '/favicon.ico') {
      return { name: '/static', run: () => sendStatic(request, response, path) };
    }
    const match = matchRoute(routes, request.method ?? 'GET', path);
    if (match.kind === 'none') {
      return {
        name: 'unknown',
        run: () => {
          throw new ChatError({ code: 'not_found', message: `Nothing at ${path}` });
        },
      };
    }
    if (match.kind === 'wrong-method') {
      return {
        name: match.path,
        run: () => {
          throw new ChatError({
            code: 'method_not_allowed',
            message: `Use ${match.allowed.join(' or ')} for ${path}`,
          });
        },
      };
    }
    const { route, params } = match;
    const context: RouteContext = { request, response, params, traceId };
    return {
      name: route.path,
      run: () => {
        if (route.auth === 'admin') authorize(request);
        return route.auth === 'user'
          ? route.handler({ ...context, userId: parseUserId(request.headers['x-user-id']) })
          : route.handler(context);
      },
    };
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
          const { name, run } = resolve(request, response, traceId);
          routeName = name;
          await run();
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
    openStreams: chat.openStreams,
    streamsEnded: chat.streamsEnded,
  });
}
