/**
 * The storage contract every memory store implements (in-process, PGlite, PostgreSQL) and the
 * shared contract tests hold them to. Stores keep data; deciding what is visible, what supersedes
 * what and what a forget reaches is `createMemory`'s job, so every store behaves the same.
 */
import type { ConversationSummary, Fact } from './fact';

/**
 * Which facts to list. With `userId`, the facts visible to that user: the tenant's, the user's,
 * and (with `conversationId`) that conversation's. Without it, every fact of the tenant.
 */
export interface FactQuery {
  tenantId: string;
  userId?: string;
  conversationId?: string;
  /** Include superseded facts; default false. */
  history?: boolean;
  /** Leave out facts expired at this time (ms since the epoch). */
  now?: number;
}

/**
 * Which facts to delete: by id, every fact of a user, everything a conversation holds or was the
 * source of, or whatever expired by a time.
 */
export type FactSelector =
  | { tenantId: string; ids: readonly string[] }
  | { tenantId: string; userId: string }
  | { tenantId: string; conversationId: string }
  | { expiredAt: number };

/** Which summaries to delete: a user's, a conversation's, or those not updated since a time. */
export type SummarySelector =
  | { tenantId: string; userId: string }
  | { tenantId: string; conversationId: string }
  | { updatedBefore: number };

/** Where memory lives. Every method may be called concurrently. */
export interface MemoryStore {
  /** Creates tables when missing; safe on every start (a no-op in process). */
  migrate(): Promise<void>;
  /** Stores a new fact and marks `supersedes` (ids of the same tenant) as replaced by it, atomically. */
  addFact(fact: Fact, supersedes: readonly string[]): Promise<void>;
  /** Facts matching the query, oldest first. */
  listFacts(query: FactQuery): Promise<Fact[]>;
  /** Deletes the facts selected and returns them. */
  deleteFacts(selector: FactSelector): Promise<Fact[]>;
  getSummary(tenantId: string, conversationId: string): Promise<ConversationSummary | undefined>;
  /** Stores a summary, replacing the conversation's previous one. */
  putSummary(summary: ConversationSummary): Promise<void>;
  /** Deletes the summaries selected; resolves to how many. */
  deleteSummaries(selector: SummarySelector): Promise<number>;
}
