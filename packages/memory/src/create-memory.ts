/**
 * `createMemory`: conversation memory over a store. Rolling summaries of the turns that leave
 * the history window, facts extracted with structured output and validated before they are
 * stored, recall by hybrid search bounded by the caller's tenant and user, and forgetting that
 * reaches every copy.
 */
import { type ChatModel, type Clock, InvalidArgumentError, systemClock } from '@keel/core';
import { assertNumber, describeValue } from '@keel/core/internal';
import { createRedactor, type RedactOptions } from '@keel/observability';
import {
  assertForgetSelector,
  createEraser,
  type ForgetResult,
  type ForgetSelector,
} from './eraser';
import { type Fact, MEMORY_SCOPES, type MemoryContext, type MemoryScope } from './fact';
import { createFactIndex, type ScoredFact } from './fact-index';
import { createFactWriter, type WrittenFact } from './fact-writer';
import {
  createHistoryWindow,
  type HistoryRequest,
  type HistoryWindow,
  type Turn,
} from './history-window';
import type { MemoryStore } from './memory-store';
import { createRememberer, type RememberResult } from './remember-facts';
import { assertContext, type FactInput } from './validate-fact';

/** Options of {@link createMemory}. */
export interface MemoryOptions {
  store: MemoryStore;
  /** Writes rolling summaries; without one, the offline extractive summary (no model call). */
  summarizer?: ChatModel;
  /**
   * Extracts facts in `remember`; without one, `remember` takes only what the user plainly
   * states in the first person (`statedFacts`, no model call).
   */
  extractor?: ChatModel;
  /** The model whose tokenizer counts history; default `'gpt-4o-mini'`. */
  tokenizer?: string;
  /** Most tokens of the history window; default 2,000. */
  historyTokens?: number;
  /** Most tokens of a summary; default 300. */
  summaryTokens?: number;
  /** How long a fact of each scope lives, in ms; default forever. `conversation` also ages out summaries. */
  ttl?: Partial<Record<MemoryScope, number>>;
  /** Scopes whose facts keep secrets and personal data; default none (all redacted). */
  allowSensitive?: readonly MemoryScope[];
  /** The redaction rules (`@keel/observability`'s defaults when absent). */
  redaction?: RedactOptions;
  clock?: Clock;
  /** Fact ids; default `crypto.randomUUID()`. */
  generateId?: () => string;
}

/** Conversation memory; see {@link createMemory}. */
export interface Memory {
  /** Stores a fact the application states (from a form, a document, an admin). */
  addFact(options: {
    context: MemoryContext;
    fact: FactInput;
    supersedes?: readonly string[];
  }): Promise<WrittenFact>;
  /** Extracts the facts the user stated in `turns` (with the extractor model, else offline) and stores them. */
  remember(options: {
    context: MemoryContext & { conversationId: string };
    turns: readonly Turn[];
    signal?: AbortSignal;
  }): Promise<RememberResult>;
  /** The facts most relevant to `query` that the context may see; default k 5. */
  recall(options: {
    context: MemoryContext;
    query: string;
    k?: number;
    signal?: AbortSignal;
  }): Promise<ScoredFact[]>;
  /** The history window and rolling summary for the next model call. */
  history(options: HistoryRequest): Promise<HistoryWindow>;
  /** What memory holds that the context may see ("what do you remember about me?"). */
  listFacts(options: { context: MemoryContext; history?: boolean }): Promise<Fact[]>;
  /** Deletes a fact (with its history), a user's memory or a conversation's, everywhere. */
  forget(selector: ForgetSelector): Promise<ForgetResult>;
  /** Forgets what outlived its scope's TTL; run it on a timer. */
  sweep(): Promise<ForgetResult>;
  /** The recall index, for audits: whether anything of a fact is still indexed. */
  readonly index: { size(): number; has(factId: string): boolean };
}

/** Throws an `InvalidArgumentError` for a missing store or an unknown scope. */
function assertMemoryOptions({
  store,
  ttl,
  allowSensitive,
}: Pick<Required<MemoryOptions>, 'store' | 'ttl' | 'allowSensitive'>): void {
  if (typeof (store as Partial<MemoryStore> | undefined)?.listFacts !== 'function') {
    throw new InvalidArgumentError({
      argument: 'store',
      message: `createMemory() needs store: createLocalMemoryStore(), or createPostgresMemoryStore({ sql }) from @keel/memory/postgres, got ${describeValue(store)}`,
    });
  }
  const unknown = [...Object.keys(ttl ?? {}), ...(allowSensitive ?? [])].find(
    (scope) => !MEMORY_SCOPES.includes(scope as MemoryScope),
  );
  if (unknown !== undefined) {
    throw new InvalidArgumentError({
      argument: 'scope',
      message: `ttl and allowSensitive take the scopes 'user', 'conversation' and 'tenant', got ${JSON.stringify(unknown)}`,
    });
  }
}

/**
 * Creates conversation memory over `store`.
 *
 * @example
 * ```ts
 * const memory = createMemory({ store: createLocalMemoryStore(), extractor: model, summarizer: model });
 * const context = { tenantId: 'acme', userId: 'u1', conversationId: 'c1' };
 * await memory.remember({ context, turns: [{ turn: 0, message: { role: 'user', content: 'I live in Lisbon.' } }] });
 * const facts = await memory.recall({ context, query: 'where do I live?' });
 * ```
 */
export function createMemory({
  store,
  summarizer,
  extractor,
  tokenizer = 'gpt-4o-mini',
  historyTokens = 2_000,
  summaryTokens = 300,
  ttl = {},
  allowSensitive = [],
  redaction,
  clock = systemClock,
  generateId = () => crypto.randomUUID(),
}: MemoryOptions): Memory {
  assertMemoryOptions({ store, ttl, allowSensitive });
  assertNumber('historyTokens', historyTokens, { integer: true, min: 1 });
  assertNumber('summaryTokens', summaryTokens, { integer: true, min: 1 });
  for (const [scope, ms] of Object.entries(ttl)) {
    assertNumber(`ttl.${scope}`, ms, { greaterThan: 0, unit: 'ms' });
  }
  const redactor = createRedactor(redaction);
  const index = createFactIndex();
  const write = createFactWriter({ store, redactor, allowSensitive, ttl, clock, generateId });
  const erase = createEraser(store, index);
  const historyWindow = createHistoryWindow({
    store,
    summarizer,
    tokenizer,
    historyTokens,
    summaryTokens,
    clean: (text) => (allowSensitive.includes('conversation') ? text : (redactor(text) as string)),
    clock,
  });
  const visibleTo = ({ tenantId, userId, conversationId }: MemoryContext, history = false) =>
    store.listFacts({
      tenantId,
      userId,
      ...(conversationId !== undefined && { conversationId }),
      history,
      now: clock.now(),
    });
  const remember = createRememberer({ extractor, index, write, visibleTo });

  return {
    async addFact({ context, fact, supersedes }) {
      assertContext(context, 'addFact');
      return write({ context, input: fact, supersedes, visible: await visibleTo(context) });
    },
    async remember({ context, turns, signal }) {
      assertContext(context, 'remember', { conversation: true });
      return remember({ context, turns, signal });
    },
    async recall({ context, query, k = 5, signal }) {
      assertContext(context, 'recall');
      assertNumber('k', k, { integer: true, min: 1 });
      return index.search(query, await visibleTo(context), context, k, signal);
    },
    async history(request) {
      assertContext(request.context, 'history', { conversation: true });
      return historyWindow(request);
    },
    async listFacts({ context, history = false }) {
      assertContext(context, 'listFacts');
      return visibleTo(context, history);
    },
    async forget(selector) {
      assertForgetSelector(selector);
      return erase(selector);
    },
    async sweep() {
      const now = clock.now();
      // Stale summaries go first, so the facts' erasure does not touch them on the way out.
      const stale =
        ttl.conversation === undefined
          ? 0
          : await store.deleteSummaries({ updatedBefore: now - ttl.conversation });
      const result = await erase({ expiredAt: now });
      return { facts: result.facts, summaries: result.summaries + stale };
    },
    index: { size: () => index.size(), has: (factId) => index.has(factId) },
  };
}
