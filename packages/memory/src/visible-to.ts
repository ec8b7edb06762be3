/**
 * Which facts a query may see: the one rule behind the in-process store's listing and the
 * recall index's filter (the PostgreSQL store writes the same rule in SQL).
 */
import type { Fact } from './fact';
import type { FactQuery, FactSelector } from './memory-store';

/** The fields visibility reads. */
export type FactOwner = Pick<Fact, 'tenantId' | 'userId' | 'conversationId' | 'scope'>;

/**
 * True when `query` may see the fact: same tenant, and with a user, the tenant's facts, the
 * user's own and the facts of the user's current conversation.
 *
 * @example
 * ```ts
 * isVisible(fact, { tenantId: 'acme', userId: 'u1', conversationId: 'c1' });
 * ```
 */
export function isVisible(
  fact: FactOwner,
  { tenantId, userId, conversationId }: Pick<FactQuery, 'tenantId' | 'userId' | 'conversationId'>,
): boolean {
  if (fact.tenantId !== tenantId) return false;
  if (userId === undefined || fact.scope === 'tenant') return true;
  if (fact.userId !== userId) return false;
  return fact.scope === 'user' || fact.conversationId === (conversationId ?? null);
}

/** True when a fact is current (unless history is asked for) and not expired at `now`. */
export function isLive(fact: Fact, { history = false, now }: FactQuery): boolean {
  if (!history && fact.supersededBy !== null) return false;
  return now === undefined || fact.expiresAt === null || fact.expiresAt > now;
}

/** True when the selector reaches the fact. */
export function isSelected(fact: Fact, selector: FactSelector): boolean {
  if ('expiredAt' in selector)
    return fact.expiresAt !== null && fact.expiresAt <= selector.expiredAt;
  if (fact.tenantId !== selector.tenantId) return false;
  if ('ids' in selector) return selector.ids.includes(fact.id);
  if ('userId' in selector) return fact.userId === selector.userId;
  return (
    fact.conversationId === selector.conversationId ||
    (fact.source.type === 'turn' && fact.source.conversationId === selector.conversationId)
  );
}

/** Oldest first; facts stated at the same moment by id, as every store orders them. */
export function byAge(a: Fact, b: Fact): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
