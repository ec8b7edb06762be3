/**
 * The in-process memory store: maps in this process, lost when it exits. For tests, one-process
 * apps and a default; the PGlite and PostgreSQL store (`@keel/memory/postgres`) keep memory.
 */
import type { ConversationSummary, Fact } from './fact';
import type { FactQuery, FactSelector, MemoryStore, SummarySelector } from './memory-store';
import { byAge, isLive, isSelected, isVisible } from './visible-to';

const summaryKey = (tenantId: string, conversationId: string) =>
  JSON.stringify([tenantId, conversationId]);

function isSummarySelected(summary: ConversationSummary, selector: SummarySelector): boolean {
  if ('updatedBefore' in selector) return summary.updatedAt < selector.updatedBefore;
  if (summary.tenantId !== selector.tenantId) return false;
  return 'userId' in selector
    ? summary.userId === selector.userId
    : summary.conversationId === selector.conversationId;
}

/**
 * Creates an in-process store. It keeps copies, so a caller changing a returned fact changes
 * nothing stored.
 *
 * @example
 * ```ts
 * const memory = createMemory({ store: createLocalMemoryStore() });
 * ```
 */
export function createLocalMemoryStore(): MemoryStore {
  const facts = new Map<string, Fact>();
  const summaries = new Map<string, ConversationSummary>();
  const copy = <T>(value: T): T => structuredClone(value);

  return {
    async migrate() {},
    async addFact(fact, supersedes) {
      facts.set(fact.id, copy(fact));
      for (const id of supersedes) {
        const old = facts.get(id);
        if (old !== undefined && old.tenantId === fact.tenantId && old.id !== fact.id) {
          old.supersededBy = fact.id;
        }
      }
    },
    async listFacts(query: FactQuery) {
      return [...facts.values()]
        .filter((fact) => isVisible(fact, query) && isLive(fact, query))
        .sort(byAge)
        .map(copy);
    },
    async deleteFacts(selector: FactSelector) {
      const deleted = [...facts.values()].filter((fact) => isSelected(fact, selector));
      for (const fact of deleted) facts.delete(fact.id);
      return deleted;
    },
    async getSummary(tenantId, conversationId) {
      const summary = summaries.get(summaryKey(tenantId, conversationId));
      return summary && copy(summary);
    },
    async putSummary(summary) {
      summaries.set(summaryKey(summary.tenantId, summary.conversationId), copy(summary));
    },
    async deleteSummaries(selector) {
      let count = 0;
      for (const [key, summary] of summaries) {
        if (isSummarySelected(summary, selector)) {
          summaries.delete(key);
          count++;
        }
      }
      return count;
    },
  };
}
