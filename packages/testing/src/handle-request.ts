/**
 * One HTTP request to the mock server, from arrival to answer: logged with credentials redacted
 * and tracked until its connection closes, its body read within the size limit, then served by
 * the batch route that owns its path or answered from the scripts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MockBatchRoutes } from './mock-batch-plan';
import { type RecordedRequest, redactHeaders } from './recorded-request';
import type { IdSource } from './render/rendered';
import { createReplySender, type ReplySender } from './reply-sender';
import { parseJson, readBody } from './request-body';
import { now } from './response-writer';
import { providerForPath, ROUTES, routeForPath } from './routes';
import type { ScriptBook } from './script-book';
import { answerScriptedRequest } from './scripted-answers';

/** What {@link createRequestHandler} needs from the server. */
export interface RequestHandlerOptions {
  /** The request log; each request is appended on arrival (a live array). */
  requests: RecordedRequest[];
  ids: IdSource;
  scripts: ScriptBook;
  /** Each provider's batch routes. */
  batchRoutes: readonly MockBatchRoutes[];
  /** Limits reported in rate-limit headers (per minute). */
  limits: { requests: number; tokens: number };
  /** Largest request body accepted before a 413. */
  maxBodyBytes: number;
  /** The controllers of open requests; the server aborts them all when it stops. */
  active: Set<AbortController>;
  /** True once the server is stopping, so a connection it cuts is not a client disconnect. */
  closing(): boolean;
  /** Called when each request's connection closes (answered, reset or abandoned by the client). */
  onRequestEnd?: (request: RecordedRequest) => void;
}

/** `req` as the log records it on arrival, before its body is read. */
function arrival(
  req: IncomingMessage,
  { index, requestId }: { index: number; requestId: string },
): RecordedRequest {
  const path = req.url ?? '/';
  return {
    index,
    route: routeForPath(path) ?? null,
    method: req.method ?? 'GET',
    path,
    headers: redactHeaders(req.headers),
    body: undefined,
    requestId,
    stream: false,
    status: null,
    timings: { receivedAt: now() },
    bytesWritten: 0,
    eventsWritten: 0,
    stalled: false,
    reset: false,
    clientDisconnected: false,
  };
}

/** Serves a request to a batch route: its JSON or raw body, or its error. */
async function answerBatchRequest(
  routes: MockBatchRoutes,
  req: IncomingMessage,
  record: RecordedRequest,
  sender: ReplySender,
): Promise<void> {
  const answer = await routes.handle({
    method: record.method,
    path: record.path,
    body: record.body,
    contentType: req.headers['content-type'] ?? '',
  });
  if ('error' in answer) return sender.sendError(answer.error);
  const bytes = Buffer.from('text' in answer ? answer.text : JSON.stringify(answer.body));
  return sender.send(
    answer.status,
    [{ bytes, content: false }],
    {
      ...sender.standardHeaders(0, false),
      'content-type': 'text' in answer ? answer.contentType : 'application/json',
      'content-length': String(bytes.length),
    },
    {},
  );
}

/**
 * The server's request listener.
 *
 * @example
 * ```ts
 * const handle = createRequestHandler({ requests, ids, scripts, batchRoutes, limits, maxBodyBytes, active, closing: () => false });
 * const server = createServer((req, res) => {
 *   handle(req, res).catch((error) => {
 *     if (!res.headersSent) res.writeHead(500);
 *     res.end(String(error));
 *   });
 * });
 * ```
 */
export function createRequestHandler({
  requests,
  ids,
  scripts,
  batchRoutes,
  limits,
  maxBodyBytes,
  active,
  closing,
  onRequestEnd,
}: RequestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async function handleRequest(req, res) {
    const record = arrival(req, { index: requests.length, requestId: ids.next('req_') });
    const { route, path } = record;
    const provider = route ? ROUTES[route].provider : providerForPath(path);
    requests.push(record);
    const controller = new AbortController();
    active.add(controller);
    res.on('close', () => {
      if (!res.writableFinished && !record.reset && !closing()) {
        record.clientDisconnected = true;
        record.disconnectedAt = now();
      }
      controller.abort();
      active.delete(controller);
      onRequestEnd?.(record);
    });
    const sender = createReplySender({
      res,
      record,
      signal: controller.signal,
      provider,
      requests,
      limits,
    });

    const raw = await readBody(req, maxBodyBytes);
    if (raw === undefined) {
      return sender.sendError({
        status: 413,
        type: provider === 'openai' ? 'invalid_request_error' : 'request_too_large',
        message: `Request body exceeds ${maxBodyBytes} bytes.`,
      });
    }
    record.body = parseJson(raw);
    const batchRoute = batchRoutes.find((routes) => routes.serves(path));
    if (batchRoute !== undefined) return answerBatchRequest(batchRoute, req, record, sender);
    return answerScriptedRequest({
      scripts,
      ids,
      requests,
      record,
      provider,
      headers: req.headers,
      sender,
    });
  };
}
