/**
 * Resuming a turn that waits for approval: its stored agent state, what it said and could cite
 * before it waited, and its usage so far, with the person's decisions.
 */
import type { PackedChunk } from '@keel/retrieval';
import type { ApprovalDecision } from '@keel/tools';
import { ChatError } from './chat-error';
import type { ConversationStore } from './conversation-store';
import { cite, type LoadedConversation, type PreparedTurn } from './prepare-turn';

/**
 * Resumes the turn of `conversationId` that waits for the approvals `decisions` decide.
 *
 * @throws ChatError `approval_not_found` when nothing waits for them.
 * @example
 * ```ts
 * const turn = await resumeTurn({ conversations, conversationId, userId, loaded, decisions });
 * ```
 */
export async function resumeTurn({
  conversations,
  conversationId,
  userId,
  loaded,
  decisions,
}: {
  conversations: ConversationStore;
  conversationId: string;
  userId: string;
  loaded: LoadedConversation;
  decisions: ApprovalDecision[];
}): Promise<PreparedTurn> {
  const pending = await conversations.pending(conversationId, userId);
  const stored = pending?.state;
  const tokens = new Set(stored?.agent.pendingApprovals.map((approval) => approval.token));
  if (!pending || !stored || decisions.some((decision) => !tokens.has(decision.token))) {
    throw new ChatError({
      code: 'approval_not_found',
      message:
        'Nothing in this conversation waits for these approvals (already decided, expired or superseded by a newer turn)',
    });
  }
  const sources = new Map<string, PackedChunk>();
  cite(sources, stored.sources);
  const before = pending.usage;
  return {
    turnId: pending.turnId,
    seq: pending.seq,
    question: stored.question,
    agentInput: { state: stored.agent, approvals: decisions },
    sources,
    usageBefore: before,
    // The turn's earlier usage is already in the conversation's (its stored row), and comes
    // back in the turn's own.
    conversationBefore: {
      inputTokens: loaded.usage.inputTokens - before.inputTokens,
      outputTokens: loaded.usage.outputTokens - before.outputTokens,
      costUsd: loaded.usage.costUsd - before.costUsd,
    },
    textBefore: pending.text,
    tools: new Map(pending.tools.map((line) => [line.toolCallId, line])),
    begin: () => Promise.resolve(),
  };
}
