/**
 * The contract every memory store passes: the in-process store, PGlite and PostgreSQL run these
 * same tests, so `createMemory` behaves the same on each.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSummary, Fact } from '../src/fact';
import type { MemoryStore } from '../src/memory-store';

let sequence = 0;

export function fact(overrides: Partial<Fact> = {}): Fact {
  sequence++;
  return {
    id: `f${sequence}`,
    tenantId: 'acme',
    userId: 'u1',
    conversationId: null,
    scope: 'user',
    subject: `subject ${sequence}`,
    statement: `statement ${sequence}`,
    source: { type: 'turn', conversationId: 'c1', turn: sequence },
    confidence: 0.9,
    createdAt: 1_000 + sequence,
    expiresAt: null,
    supersededBy: null,
    ...overrides,
  };
}

export function summary(overrides: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    tenantId: 'acme',
    userId: 'u1',
    conversationId: 'c1',
    text: 'The user asked about keys.',
    throughTurn: 4,
    forgottenTurns: [],
    promptId: 'extractive@1',
    updatedAt: 5_000,
    ...overrides,
  };
}

const ids = (facts: readonly Fact[]) => facts.map((f) => f.id);

/** Registers the contract's tests for a store made fresh (empty, migrated) before each test. */
export function memoryStoreContract(name: string, makeStore: () => Promise<MemoryStore>): void {
  describe(`${name} (memory store contract)`, () => {
    let store: MemoryStore;
    beforeEach(async () => {
      store = await makeStore();
      await store.migrate();
      await store.migrate();
    });

    it('stores facts and lists them oldest first, exactly as given', async () => {
      const newer = fact({ createdAt: 3_000, source: { type: 'document', documentId: 'a.md' } });
      const older = fact({ createdAt: 2_000, confidence: 0.25, expiresAt: 9_000 });
      await store.addFact(newer, []);
      await store.addFact(older, []);
      expect(await store.listFacts({ tenantId: 'acme' })).toEqual([older, newer]);
    });

    it('shows a user the tenant facts, their own and their current conversation only', async () => {
      const tenant = fact({ scope: 'tenant', userId: null });
      const mine = fact();
      const theirs = fact({ userId: 'u2' });
      const thisConversation = fact({ scope: 'conversation', conversationId: 'c1' });
      const otherConversation = fact({ scope: 'conversation', conversationId: 'c2' });
      const otherTenant = fact({ tenantId: 'globex' });
      for (const f of [tenant, mine, theirs, thisConversation, otherConversation, otherTenant]) {
        await store.addFact(f, []);
      }
      expect(
        ids(await store.listFacts({ tenantId: 'acme', userId: 'u1', conversationId: 'c1' })),
      ).toEqual(ids([tenant, mine, thisConversation]));
      expect(ids(await store.listFacts({ tenantId: 'acme', userId: 'u1' }))).toEqual(
        ids([tenant, mine]),
      );
      expect(ids(await store.listFacts({ tenantId: 'globex', userId: 'u1' }))).toEqual(
        ids([otherTenant]),
      );
    });

    it('marks superseded facts and lists them only as history', async () => {
      const old = fact();
      const current = fact();
      const elsewhere = fact({ tenantId: 'globex' });
      await store.addFact(old, []);
      await store.addFact(elsewhere, []);
      await store.addFact(current, [old.id, elsewhere.id]);
      expect(ids(await store.listFacts({ tenantId: 'acme' }))).toEqual([current.id]);
      const history = await store.listFacts({ tenantId: 'acme', history: true });
      expect(history.find((f) => f.id === old.id)?.supersededBy).toBe(current.id);
      // Supersession never reaches another tenant's fact.
      expect(ids(await store.listFacts({ tenantId: 'globex' }))).toEqual([elsewhere.id]);
    });

    it('leaves expired facts out of a listing at a time', async () => {
      const lasting = fact();
      const expiring = fact({ expiresAt: 5_000 });
      await store.addFact(lasting, []);
      await store.addFact(expiring, []);
      expect(ids(await store.listFacts({ tenantId: 'acme', now: 4_999 }))).toEqual(
        ids([lasting, expiring]),
      );
      expect(ids(await store.listFacts({ tenantId: 'acme', now: 5_000 }))).toEqual([lasting.id]);
    });

    it('deletes by id, user, conversation and expiry, returning what it deleted', async () => {
      const byId = fact();
      const byUser = fact({ userId: 'u2' });
      const fromConversation = fact({ source: { type: 'turn', conversationId: 'c9', turn: 1 } });
      const inConversation = fact({ scope: 'conversation', conversationId: 'c9' });
      const expired = fact({ expiresAt: 10 });
      const kept = fact();
      const otherTenant = fact({ tenantId: 'globex', userId: 'u2' });
      for (const f of [
        byId,
        byUser,
        fromConversation,
        inConversation,
        expired,
        kept,
        otherTenant,
      ]) {
        await store.addFact(f, []);
      }
      expect(await store.deleteFacts({ tenantId: 'acme', ids: [byId.id, otherTenant.id] })).toEqual(
        [byId],
      );
      expect(ids(await store.deleteFacts({ tenantId: 'acme', userId: 'u2' }))).toEqual([byUser.id]);
      expect(
        ids(await store.deleteFacts({ tenantId: 'acme', conversationId: 'c9' })).sort(),
      ).toEqual(ids([fromConversation, inConversation]).sort());
      expect(ids(await store.deleteFacts({ expiredAt: 10 }))).toEqual([expired.id]);
      expect(ids(await store.listFacts({ tenantId: 'acme', history: true }))).toEqual([kept.id]);
      expect(ids(await store.listFacts({ tenantId: 'globex' }))).toEqual([otherTenant.id]);
    });

    it('keeps one summary per conversation, replaced on update and deleted by selector', async () => {
      expect(await store.getSummary('acme', 'c1')).toBeUndefined();
      await store.putSummary(summary());
      const updated = summary({ text: 'More.', throughTurn: 9, forgottenTurns: [3, 5] });
      await store.putSummary(updated);
      await store.putSummary(summary({ conversationId: 'c2', userId: 'u2', updatedAt: 100 }));
      await store.putSummary(summary({ tenantId: 'globex' }));
      expect(await store.getSummary('acme', 'c1')).toEqual(updated);
      expect(await store.deleteSummaries({ updatedBefore: 101 })).toBe(1);
      expect(await store.deleteSummaries({ tenantId: 'acme', userId: 'u1' })).toBe(1);
      expect(await store.getSummary('acme', 'c1')).toBeUndefined();
      expect(await store.deleteSummaries({ tenantId: 'globex', conversationId: 'c1' })).toBe(1);
    });
  });
}
