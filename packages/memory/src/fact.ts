/**
 * What memory holds: typed facts, each a claim with its source, time and confidence, owned by a
 * tenant and, below it, a user or one of the user's conversations.
 */

/** Who may recall a fact: every user of the tenant, one user, or one conversation of a user. */
export type MemoryScope = 'user' | 'conversation' | 'tenant';

/** The scopes, narrowest first. */
export const MEMORY_SCOPES: readonly MemoryScope[] = Object.freeze([
  'conversation',
  'user',
  'tenant',
]);

/**
 * Who is asking, as the application's own authentication established it. Every read and write of
 * memory is bounded by it; nothing a model writes can widen it.
 */
export interface MemoryContext {
  tenantId: string;
  userId: string;
  /** The conversation under way; needed for conversation-scoped facts and summaries. */
  conversationId?: string;
}

/** Where a fact came from: a turn of a conversation (a message's index in it), or a document. */
export type FactSource =
  | { type: 'turn'; conversationId: string; turn: number }
  | { type: 'document'; documentId: string };

/** A claim memory holds, never more than that: who said it, when, and how sure it is. */
export interface Fact {
  id: string;
  tenantId: string;
  /** The user it belongs to; `null` for tenant-scoped facts. */
  userId: string | null;
  /** The conversation it is bound to; set for conversation-scoped facts only. */
  conversationId: string | null;
  scope: MemoryScope;
  /**
   * What the fact is about, short and stable (`home city`, `preferred language`): a newer fact
   * with the same subject and owner supersedes the older one.
   */
  subject: string;
  statement: string;
  source: FactSource;
  /** 0 to 1. */
  confidence: number;
  /** When it was stated, in milliseconds since the epoch. */
  createdAt: number;
  /** When it is forgotten on its own (its scope's TTL); `null` for never. */
  expiresAt: number | null;
  /** The fact that replaced it; `null` while it is current. Superseded facts are history. */
  supersededBy: string | null;
}

/** The rolling summary of a conversation's turns that no longer fit its history budget. */
export interface ConversationSummary {
  tenantId: string;
  userId: string;
  conversationId: string;
  /** The summary (redacted), empty before the first turn is dropped. */
  text: string;
  /** It covers turns `0` to `throughTurn - 1`, less `forgottenTurns`. */
  throughTurn: number;
  /**
   * Turns a forgotten fact came from: left out of every summary and history window since, so
   * nothing rebuilds the fact from them. Indices only, never their text.
   */
  forgottenTurns: number[];
  /** `id@version` of the prompt that wrote it, or `extractive@1` for the offline summary. */
  promptId: string;
  updatedAt: number;
}
