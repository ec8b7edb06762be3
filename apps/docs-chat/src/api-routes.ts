/**
 * The JSON routes beside the chat: the page's settings, a stored conversation, the cost
 * ledger's report, health and the Prometheus metrics.
 */
import type { Answerer } from './answerer';
import type { AppObservability } from './app-observability';
import { ChatError } from './chat-error';
import type { Config } from './config';
import type { ConversationStore } from './conversation-store';
import { SECURITY_HEADERS, sendJson } from './http-responses';
import type { Knowledge } from './knowledge';
import type { LedgerStore } from './ledger-store';
import type { Route } from './route-table';
import { sampleQuestion } from './sample-question';

/** What the routes read. */
export interface ApiRoutesOptions {
  config: Config;
  conversations: ConversationStore;
  ledger: LedgerStore;
  knowledge: Knowledge;
  answerer: Answerer;
  observability: AppObservability;
  /** The chats streaming now. */
  openStreams: () => number;
}

/** Creates the JSON routes. */
export function apiRoutes({
  config,
  conversations,
  ledger,
  knowledge,
  answerer,
  observability,
  openStreams,
}: ApiRoutesOptions): Route[] {
  const startedAt = Date.now();
  return [
    {
      method: 'GET',
      path: '/api/config',
      auth: 'public',
      async handler({ response }) {
        // What the page needs to render answers: the hosts their links and images may point
        // to, and a question about these documents for the empty input.
        const placeholder = await sampleQuestion(knowledge);
        sendJson(response, 200, {
          allowedHosts: config.allowedHosts,
          ...(placeholder !== undefined && { placeholder }),
        });
      },
    },
    {
      method: 'GET',
      path: '/api/conversations/:id',
      auth: 'user',
      async handler({ response, params, userId }) {
        const id = params.id ?? '';
        const view = await conversations.view(id, userId);
        if (!view) {
          throw new ChatError({
            code: 'not_found',
            message: `No conversation ${id} for this user`,
          });
        }
        sendJson(response, 200, view);
      },
    },
    {
      method: 'GET',
      path: '/api/usage',
      auth: 'admin',
      async handler({ response }) {
        sendJson(response, 200, await ledger.report());
      },
    },
    {
      method: 'GET',
      path: '/healthz',
      auth: 'public',
      async handler({ response }) {
        const { documents, chunks } = await knowledge.count();
        sendJson(response, 200, {
          status: 'ok',
          mode: answerer.mode,
          model: answerer.model,
          documents,
          chunks,
          openStreams: openStreams(),
          uptimeSeconds: Math.round((Date.now() - startedAt) / 1_000),
        });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: 'admin',
      async handler({ response }) {
        const text = observability.metrics.prometheus();
        response.writeHead(200, {
          'content-type': 'text/plain; version=0.0.4; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          ...SECURITY_HEADERS,
        });
        response.end(text);
      },
    },
  ];
}
