/**
 * The JSON routes beside the chat: the page's settings, a stored conversation and deleting it
 * (with what memory drew from it), the cost ledger's report, health and the Prometheus metrics.
 */
import type { Memory } from '@keel/memory';
import type { Answerer } from './answerer';
import type { AppObservability } from './app-observability';
import { ChatError } from './chat-error';
import { namedUser } from './chat-request';
import type { Config } from './config';
import type { ConversationStore } from './conversation-store';
import { SECURITY_HEADERS, sendJson } from './http-responses';
import type { KeyedMutex } from './keyed-mutex';
import type { Knowledge } from './knowledge';
import type { LedgerStore } from './ledger-store';
import type { Route } from './route-table';
import { sampleQuestion } from './sample-question';
import { MEMORY_TENANT } from './turn-memory';

const conversationNotFound = (id: string) =>
  new ChatError({ code: 'not_found', message: `No conversation ${id} for this user` });

/** What the routes read. */
export interface ApiRoutesOptions {
  config: Config;
  conversations: ConversationStore;
  ledger: LedgerStore;
  knowledge: Knowledge;
  answerer: Answerer;
  observability: AppObservability;
  /** The users' facts and the conversations' summaries: a deleted conversation's are forgotten. */
  memory: Memory;
  /** The lock a turn holds on its conversation (the chat engine's): no delete while it runs. */
  conversationLock: KeyedMutex;
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
  memory,
  conversationLock,
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
        if (!view) throw conversationNotFound(id);
        sendJson(response, 200, view);
      },
    },
    {
      method: 'DELETE',
      path: '/api/conversations/:id',
      auth: 'user',
      async handler({ response, params, userId }) {
        const id = params.id ?? '';
        // Callers without an id all share `anonymous`: none may delete another's conversation.
        const owner = namedUser(
          userId,
          'Only a named user may delete a conversation',
          'deleting a conversation',
        );
        // Ownership first: another user's conversation is not found, running or not.
        if (!(await conversations.owns(id, owner))) throw conversationNotFound(id);
        const release = await conversationLock.tryAcquire(id);
        if (!release) {
          throw new ChatError({
            code: 'conversation_busy',
            message: `Conversation ${id} is busy (a turn is answering, or another delete runs); wait for the turn's finish event (or cancel it), then delete it again`,
          });
        }
        let deleted: { turns: number } | undefined;
        let forgotten: Awaited<ReturnType<Memory['forget']>>;
        try {
          // Memory first: should the delete then fail, the conversation is still there and
          // repeating the request finishes both (forgetting again removes nothing more).
          forgotten = await memory.forget({ tenantId: MEMORY_TENANT, conversationId: id });
          deleted = await conversations.delete(id, owner);
        } finally {
          // Released before answering: once the client hears of the delete, the conversation
          // is free (its lease row gone).
          await release();
        }
        if (!deleted) throw conversationNotFound(id);
        sendJson(response, 200, { id, turns: deleted.turns, forgotten });
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
