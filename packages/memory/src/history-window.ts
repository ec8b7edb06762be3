/**
 * A conversation's history fitted to its token budget, with a rolling summary of what no longer
 * fits. The summary records the turns it covers and grows incrementally: when the turns after
 * it overflow the budget, the oldest of them are folded in until the rest fill half the budget,
 * so a summary update happens every several turns, never every turn, and never starts over
 * (except once after a forget emptied it).
 */
import type { ChatModel, Clock, Message } from '@keel/core';
import { InvalidArgumentError } from '@keel/core';
import { fitMessages } from '@keel/tokens';
import type { ConversationSummary, MemoryContext } from './fact';
import type { MemoryStore } from './memory-store';
import { updateSummary } from './rolling-summary';
import { type MemorySpend, NO_SPEND } from './spend';

/** What {@link createHistoryWindow} needs. */
export interface HistoryWindowOptions {
  store: MemoryStore;
  summarizer: ChatModel | undefined;
  /** The model whose tokenizer counts history. */
  tokenizer: string;
  historyTokens: number;
  summaryTokens: number;
  /** Applied to the summary before it is stored. */
  clean: (text: string) => string;
  clock: Clock;
}

/** A message with its turn number: its index in the whole conversation. */
export interface Turn {
  turn: number;
  message: Message;
}

/** The history to send, and the summary of what was left out. */
export interface HistoryWindow extends MemorySpend {
  /** The turns kept, oldest first: at most `historyTokens`, forgotten turns left out. */
  turns: Turn[];
  /** The conversation's summary (its text fenced by `renderMemory` before a prompt). */
  summary: ConversationSummary | undefined;
  /** Whether this call updated the summary (a model call when there is a summariser). */
  summarized: boolean;
}

/** The options of one window. */
export interface HistoryRequest {
  /** Who is asking; `conversationId` is required. */
  context: MemoryContext & { conversationId: string };
  /** The whole conversation so far, oldest first, without system messages. */
  messages: readonly Message[];
  signal?: AbortSignal | undefined;
}

/**
 * Creates the windowing function.
 *
 * @example
 * ```ts
 * const windowOf = createHistoryWindow({ store, summarizer, tokenizer: 'gpt-4o-mini', historyTokens: 2_000, summaryTokens: 300, clean, clock });
 * const { turns, summary } = await windowOf({ context, messages });
 * ```
 */
export function createHistoryWindow({
  store,
  summarizer,
  tokenizer,
  historyTokens,
  summaryTokens,
  clean,
  clock,
}: HistoryWindowOptions) {
  /** The turns that, dropped from the front of `pending`, leave the rest within `maxTokens`. */
  async function overflow(pending: readonly Turn[], maxTokens: number): Promise<number> {
    const { droppedIndices } = await fitMessages(
      pending.map(({ message }) => message),
      { model: tokenizer, maxTokens, strategy: 'sliding-window' },
    );
    return droppedIndices.length === 0 ? 0 : (droppedIndices.at(-1) as number) + 1;
  }

  return async function historyWindow({
    context,
    messages,
    signal,
  }: HistoryRequest): Promise<HistoryWindow> {
    if (messages.some((message) => message?.role === 'system')) {
      throw new InvalidArgumentError({
        argument: 'messages',
        message:
          'messages must be the conversation alone (user, assistant and tool messages); send system instructions apart',
      });
    }
    const { tenantId, userId, conversationId } = context;
    const stored = await store.getSummary(tenantId, conversationId);
    const forgotten = new Set(stored?.forgottenTurns);
    const covered = Math.min(stored?.throughTurn ?? 0, messages.length);
    const pending: Turn[] = [];
    for (let turn = covered; turn < messages.length; turn++) {
      if (!forgotten.has(turn)) pending.push({ turn, message: messages[turn] as Message });
    }
    if ((await overflow(pending, historyTokens)) === 0) {
      return { turns: pending, summary: stored, summarized: false, ...NO_SPEND };
    }
    const folded = await overflow(pending, Math.floor(historyTokens / 2));
    const dropped = pending.slice(0, folded);
    const updated = await updateSummary({
      model: summarizer,
      previous: stored?.text ?? '',
      turns: dropped,
      maxTokens: summaryTokens,
      metadata: { tenantId, userId },
      signal,
    });
    const summary: ConversationSummary = {
      tenantId,
      userId,
      conversationId,
      text: clean(updated.text),
      throughTurn: (dropped.at(-1) as Turn).turn + 1,
      forgottenTurns: [...forgotten].sort((a, b) => a - b),
      promptId: updated.promptId,
      updatedAt: clock.now(),
    };
    await store.putSummary(summary);
    return {
      turns: pending.slice(folded),
      summary,
      summarized: true,
      usage: updated.usage,
      costUsd: updated.costUsd,
    };
  };
}
