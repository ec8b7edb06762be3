/**
 * Answers from the test's scripts to the model routes (chat, responses, embeddings, messages,
 * token counts, rerank): a live request, checked as its provider checks it, then rendered and
 * sent through the reply's faults; or one item of a batch, rendered as its non-streaming answer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { bodySegments } from './body-segments';
import type { BatchItemAnswer } from './mock-batch-plan';
import type { MockReply } from './mock-reply';
import { streamErrorData } from './provider-errors';
import type { RecordedRequest } from './recorded-request';
import { defaultEmbeddings } from './render/openai-embeddings';
import type { IdSource, Rendered } from './render/rendered';
import type { ReplySender } from './reply-sender';
import { checkRequest } from './request-gate';
import { type RequestSummary, summarizeRequest } from './request-summary';
import { type ResolvedReply, resolveReply } from './resolve-reply';
import { ROUTE_HANDLERS } from './route-handlers';
import type { MockProviderName, MockRoute } from './routes';
import type { ScriptBook } from './script-book';

/** What {@link answerScriptedRequest} needs. */
export interface ScriptedRequestOptions {
  scripts: ScriptBook;
  ids: IdSource;
  /** Every request so far, the one being answered last, for the responder's call index. */
  requests: readonly RecordedRequest[];
  /** The request being answered, its body parsed; the answer fills in `stream`. */
  record: RecordedRequest;
  /** The provider whose checks the request must pass. */
  provider: MockProviderName;
  /** The request's headers as they arrived, unredacted, for the credential checks. */
  headers: IncomingHttpHeaders;
  sender: ReplySender;
}

/** What {@link answerBatchItem} needs. */
export interface BatchItemOptions {
  scripts: ScriptBook;
  ids: IdSource;
  /** The route the item is a request to. */
  route: MockRoute;
  /** The item's request body. */
  body: Record<string, unknown>;
}

/** `reply` filled in and rendered as `route`'s response to `body`. */
function renderReply(
  route: MockRoute,
  body: Record<string, unknown>,
  reply: MockReply,
  summary: RequestSummary,
  { ids, embeddings }: { ids: IdSource; embeddings: number[][] },
): { resolved: ResolvedReply; rendered: Rendered } {
  const resolved = resolveReply(reply, summary);
  const rendered = ROUTE_HANDLERS[route].render({
    body,
    reply: resolved,
    ids,
    created: Math.floor(Date.now() / 1000),
    embeddings,
  });
  return { resolved, rendered };
}

/**
 * Answers a request to a model route: the provider's error when the request would not pass its
 * checks, a 500 naming the route when the script throws, else the scripted (or default) reply.
 *
 * @example
 * ```ts
 * await answerScriptedRequest({ scripts, ids, requests, record, provider: 'openai', headers: req.headers, sender });
 * ```
 */
export async function answerScriptedRequest({
  scripts,
  ids,
  requests,
  record,
  provider,
  headers,
  sender,
}: ScriptedRequestOptions): Promise<void> {
  const checked = checkRequest({
    route: record.route,
    provider,
    method: record.method,
    path: record.path,
    headers,
    body: record.body,
  });
  if ('error' in checked) return sender.sendError(checked.error);
  const { body } = checked;
  record.stream = body.stream === true;

  const summary = summarizeRequest(checked.route, body);
  let reply: MockReply;
  try {
    const callIndex = requests.filter((r) => r.route === checked.route).length - 1;
    reply = await scripts.next(
      { route: checked.route, body, headers: record.headers, callIndex },
      summary,
    );
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    return sender.sendError({
      status: 500,
      message: `keel-mock: the script for ${checked.route} failed: ${cause}`,
    });
  }
  const faults = reply.faults ?? {};
  if (reply.error) return sender.sendError(reply.error, faults, reply.headers);

  const { resolved, rendered } = renderReply(checked.route, body, reply, summary, {
    ids,
    embeddings: reply.embeddings ?? defaultEmbeddings(summary),
  });
  const streamError = streamErrorData(
    provider,
    faults.streamError?.type,
    faults.streamError?.message,
  );
  const segments = bodySegments(rendered, faults, (sequenceNumber) =>
    ROUTE_HANDLERS[checked.route].streamError(streamError, sequenceNumber),
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
  await sender.send(
    200,
    segments,
    {
      ...sender.standardHeaders(resolved.usage.inputTokens, false),
      ...contentHeaders,
      ...reply.headers,
    },
    faults,
  );
}

/**
 * One batch item answered as a non-streaming request to `route`, by that route's script: its
 * body, or the scripted error that makes it a failed item.
 *
 * @example
 * ```ts
 * const answer = await answerBatchItem({ scripts, ids, route: 'openai.chat', body: params });
 * ```
 */
export async function answerBatchItem({
  scripts,
  ids,
  route,
  body,
}: BatchItemOptions): Promise<BatchItemAnswer> {
  const summary = summarizeRequest(route, body);
  const reply = await scripts.next({ route, body, headers: {}, callIndex: 0 }, summary);
  if (reply.error) return { error: reply.error };
  const { rendered } = renderReply(route, body, reply, summary, { ids, embeddings: [] });
  return { body: rendered.kind === 'json' ? rendered.body : undefined };
}
