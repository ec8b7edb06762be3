/**
 * The right-to-erasure path: every forget (a fact, a user, a conversation, an expiry) deletes the
 * facts from the store and the recall index, and reaches the summaries built from them. A fact's
 * history (the older facts it superseded) goes with it.
 */
import { InvalidArgumentError } from '@keel/core';
import type { Fact } from './fact';
import type { FactIndex } from './fact-index';
import type { FactSelector, MemoryStore } from './memory-store';

/**
 * What to forget: one fact (with its history), everything of a user, or of a conversation. With
 * `userId`, a fact is forgotten only when it is that user's (the check a user's own "forget this"
 * request needs).
 */
export type ForgetSelector =
  | { tenantId: string; factId: string; userId?: string }
  | { tenantId: string; userId: string }
  | { tenantId: string; conversationId: string };

/** How much a forget removed. */
export interface ForgetResult {
  /** Facts deleted, superseded history included. */
  facts: number;
  /** Summaries deleted or reset to be rebuilt without the forgotten turns. */
  summaries: number;
}

/**
 * Throws an `InvalidArgumentError` unless `selector` names a tenant and exactly one of a fact,
 * a user or a conversation, each a non-empty string.
 */
export function assertForgetSelector(selector: ForgetSelector): void {
  const candidate = (selector ?? {}) as Partial<Record<string, unknown>>;
  const fine = (key: string) => typeof candidate[key] === 'string' && candidate[key] !== '';
  const keys = ['factId', 'userId', 'conversationId'].filter((key) => key in candidate);
  const ownFact = 'factId' in candidate && keys.length === 2 && keys[1] === 'userId';
  if (!fine('tenantId') || !(keys.length === 1 || ownFact) || !keys.every(fine)) {
    throw new InvalidArgumentError({
      argument: 'selector',
      message: `forget() needs { tenantId } and one of factId (optionally with its userId), userId or conversationId, each a non-empty string, got ${JSON.stringify(selector)}`,
    });
  }
}

/** The fact and every fact it superseded, directly or through others. */
function withHistory(factId: string, facts: readonly Fact[]): string[] {
  const ids = new Set([factId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const fact of facts) {
      if (fact.supersededBy !== null && ids.has(fact.supersededBy) && !ids.has(fact.id)) {
        ids.add(fact.id);
        grew = true;
      }
    }
  }
  return [...ids];
}

/**
 * Leaves each summary built from a deleted fact's turn without it: the turn is recorded as
 * forgotten, and a summary that already covered it is emptied, to be rebuilt from the turns
 * that remain.
 */
async function forgetTurns(store: MemoryStore, deleted: readonly Fact[]): Promise<number> {
  const byConversation = new Map<
    string,
    { tenantId: string; conversationId: string; turns: number[] }
  >();
  for (const { tenantId, source } of deleted) {
    if (source.type !== 'turn') continue;
    const key = JSON.stringify([tenantId, source.conversationId]);
    const entry = byConversation.get(key) ?? {
      tenantId,
      conversationId: source.conversationId,
      turns: [],
    };
    entry.turns.push(source.turn);
    byConversation.set(key, entry);
  }
  let changed = 0;
  for (const { tenantId, conversationId, turns } of byConversation.values()) {
    const summary = await store.getSummary(tenantId, conversationId);
    if (summary === undefined) continue;
    const covered = turns.some((turn) => turn < summary.throughTurn);
    await store.putSummary({
      ...summary,
      ...(covered && { text: '', throughTurn: 0 }),
      forgottenTurns: [...new Set([...summary.forgottenTurns, ...turns])].sort((a, b) => a - b),
    });
    changed++;
  }
  return changed;
}

/**
 * Creates the eraser for a store and its index.
 *
 * @example
 * ```ts
 * const erase = createEraser(store, index);
 * await erase({ tenantId: 'acme', userId: 'u1' });
 * ```
 */
export function createEraser(store: MemoryStore, index: FactIndex) {
  return async function erase(
    selector: ForgetSelector | { expiredAt: number },
  ): Promise<ForgetResult> {
    let target: FactSelector = selector as FactSelector;
    if ('factId' in selector) {
      const all = await store.listFacts({ tenantId: selector.tenantId, history: true });
      const fact = all.find(({ id }) => id === selector.factId);
      const allowed = selector.userId === undefined || fact?.userId === selector.userId;
      target = {
        tenantId: selector.tenantId,
        ids: fact !== undefined && allowed ? withHistory(fact.id, all) : [],
      };
    }
    const deleted = await store.deleteFacts(target);
    await index.remove(deleted.map((fact) => fact.id));
    const summaries =
      !('factId' in selector) && ('userId' in selector || 'conversationId' in selector)
        ? await store.deleteSummaries(selector)
        : await forgetTurns(store, deleted);
    return { facts: deleted.length, summaries };
  };
}
