/**
 * POST /api/chat: a turn streamed as server-sent events. A client that goes away aborts its
 * turn and the upstream model call; the number of open streams is bounded
 * (`DOCS_CHAT_MAX_STREAMS`) and counted for /healthz and a graceful close.
 */
import type { MetricsRegistry } from '@keel/observability';
import type { ChatEngine } from './chat-engine';
import { ChatError } from './chat-error';
import type { ChatEvent } from './chat-events';
import { parseChatBody } from './chat-request';
import type { Config } from './config';
import { writeEventStream } from './event-stream-response';
import { readJsonBody } from './json-body';
import type { Route } from './route-table';

/** The status logged for a client that left before its answer began (nginx's 499). */
const CLIENT_CLOSED_REQUEST = 499;

/** The chat route and its count of open streams. */
export interface ChatRoute {
  route: Route;
  openStreams(): number;
  /** Resolves once no turn is streaming (cut turns record themselves first). */
  streamsEnded(): Promise<void>;
}

/** Creates POST /api/chat. */
export function createChatRoute({
  config,
  engine,
  metrics,
}: {
  config: Config;
  engine: ChatEngine;
  metrics: MetricsRegistry;
}): ChatRoute {
  let openStreams = 0;
  const whenNoStreams: Array<() => void> = [];

  const route: Route = {
    method: 'POST',
    path: '/api/chat',
    auth: 'user',
    async handler({ request, response, userId, traceId }) {
      const body = parseChatBody(await readJsonBody(request, config.maxBodyBytes));
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
        const opening = first.value;
        async function* all(): AsyncGenerator<ChatEvent> {
          yield opening;
          yield* events;
        }
        try {
          await writeEventStream(response, all(), {
            traceId,
            controller,
            onFirstEvent: () =>
              metrics.record(
                'docs_chat.time_to_first_event',
                (performance.now() - started) / 1_000,
                {},
              ),
          });
        } finally {
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
    },
  };

  return {
    route,
    openStreams: () => openStreams,
    streamsEnded: () =>
      openStreams === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            whenNoStreams.push(resolve);
          }),
  };
}
