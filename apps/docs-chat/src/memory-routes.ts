/**
 * What the assistant remembers about the caller, and forgetting it: GET /api/memory lists the
 * caller's facts, DELETE /api/memory/facts/:id forgets one of them (only the caller's own: the
 * caller's user id goes with the fact's), DELETE /api/memory forgets everything of the caller
 * (every fact and every conversation summary). The context comes from the request's
 * authentication alone.
 */
import { citationIdOf, type Fact, type Memory } from '@keel/memory';
import { ChatError } from './chat-error';
import { namedUser } from './chat-request';
import { sendJson } from './http-responses';
import type { Route } from './route-table';
import { MEMORY_TENANT, memoryContext } from './turn-memory';

/** Memory belongs to someone: callers without an id share `anonymous`, which remembers nothing. */
const owner = (userId: string) => namedUser(userId, 'Memory belongs to a user', 'memory');

/** A fact as the page shows it. */
function view(fact: Fact) {
  return {
    id: fact.id,
    citationId: citationIdOf(fact),
    scope: fact.scope,
    subject: fact.subject,
    statement: fact.statement,
    source: fact.source,
    confidence: fact.confidence,
    createdAt: new Date(fact.createdAt).toISOString(),
  };
}

/** Creates the three memory routes. */
export function memoryRoutes({ memory }: { memory: Memory }): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/memory',
      auth: 'user',
      async handler({ response, userId }) {
        const facts = await memory.listFacts({ context: memoryContext(owner(userId)) });
        sendJson(response, 200, { facts: facts.map(view) });
      },
    },
    {
      method: 'DELETE',
      path: '/api/memory/facts/:id',
      auth: 'user',
      async handler({ response, params, userId }) {
        const factId = params.id ?? '';
        const forgotten = await memory.forget({
          tenantId: MEMORY_TENANT,
          factId,
          userId: owner(userId),
        });
        if (forgotten.facts === 0) {
          throw new ChatError({
            code: 'not_found',
            message: `No remembered fact ${factId} of this user; GET /api/memory lists yours`,
          });
        }
        sendJson(response, 200, { forgotten });
      },
    },
    {
      method: 'DELETE',
      path: '/api/memory',
      auth: 'user',
      async handler({ response, userId }) {
        const forgotten = await memory.forget({ tenantId: MEMORY_TENANT, userId: owner(userId) });
        sendJson(response, 200, { forgotten });
      },
    },
  ];
}
