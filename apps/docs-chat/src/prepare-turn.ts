/**
 * Preparing a new turn: the question's retrieval (the corpus and the user's own documents),
 * packed into the context budget and fenced as untrusted, the versioned prompt, memory (the
 * history window with its rolling summary, and the user's recalled facts, fenced and citable),
 * and the turn's rows, written once the model has started.
 */
import type { Instrumentation, Message, RequestMetadata } from '@keel/core';
import type { Memory } from '@keel/memory';
import { type PackedChunk, packContext } from '@keel/retrieval';
import type { AgentState, ApprovalDecision } from '@keel/tools';
import { renderAnswer } from './answer-prompt';
import type { ToolLine, UsageTotals } from './chat-events';
import type { Config } from './config';
import type { ConversationStore } from './conversation-store';
import type { Knowledge } from './knowledge';
import { recallForTurn, rememberTurn } from './turn-memory';
import { ZERO_USAGE } from './usage-totals';

/** A conversation as loaded for a turn. */
export interface LoadedConversation {
  history: Message[];
  usage: UsageTotals;
  nextSeq: number;
}

/** A turn ready to stream, new or resumed. */
export interface PreparedTurn {
  turnId: string;
  /** The assistant row's number. */
  seq: number;
  question: string;
  /** What the agent loop starts from: a prompt, or a stored state and the decisions on it. */
  agentInput:
    | { state: AgentState; approvals: ApprovalDecision[] }
    | { system: string; messages: Message[] };
  /** What the turn may cite, by citation id (the tools add to it). */
  sources: Map<string, PackedChunk>;
  /** The turn's usage before this request (a resumed turn's earlier steps). */
  usageBefore: UsageTotals;
  /** The conversation's usage without this turn. */
  conversationBefore: UsageTotals;
  /** What the turn said before it waited for approval. */
  textBefore: string;
  tools: Map<string, ToolLine>;
  /** Writes the turn's opening rows (once; a resumed turn has them already). */
  begin: () => Promise<void>;
  /** Stores in memory what the user stated in the turn, once it is stored (a new turn only). */
  remember?: (answer: string) => Promise<void>;
}

/**
 * Adds `chunks` to what a turn may cite, keeping the first chunk of each citation id.
 *
 * @example
 * ```ts
 * cite(turn.sources, packed.chunks);
 * ```
 */
export function cite(sources: Map<string, PackedChunk>, chunks: readonly PackedChunk[]): void {
  for (const chunk of chunks)
    if (!sources.has(chunk.citationId)) sources.set(chunk.citationId, chunk);
}

/** What {@link prepareTurn} reads. */
export interface PrepareTurnOptions {
  config: Config;
  knowledge: Knowledge;
  conversations: ConversationStore;
  instrumentation: Instrumentation;
  /** The history window, the rolling summary and the user's facts. */
  memory: Memory;
  userId: string;
  conversationId: string;
  /** The conversation is new: its row is created with the turn's. */
  create: boolean;
  loaded: LoadedConversation;
  question: string;
  metadata: RequestMetadata;
  signal?: AbortSignal;
}

/**
 * Prepares a turn answering `question`.
 *
 * @example
 * ```ts
 * const turn = await prepareTurn({ ...deps, userId, conversationId, create: true, loaded, question, metadata });
 * ```
 */
export async function prepareTurn({
  config,
  knowledge,
  conversations,
  instrumentation,
  memory,
  userId,
  conversationId,
  create,
  loaded,
  question,
  metadata,
  signal,
}: PrepareTurnOptions): Promise<PreparedTurn> {
  const turnId = crypto.randomUUID();
  const retrieved = await knowledge.search(question, {
    k: 6,
    tenant: userId,
    ...(signal && { signal }),
    instrumentation,
    metadata,
  });
  const packed = await packContext(retrieved, { maxTokens: config.contextTokens });
  const recalled = await recallForTurn({
    memory,
    userId,
    conversationId,
    question,
    history: loaded.history,
    signal,
  });
  const sources = new Map<string, PackedChunk>();
  cite(sources, packed.chunks);
  cite(sources, recalled.sources);
  const prompt = await renderAnswer(question, packed, recalled);
  // The rows are written once the model's first part is out (the embedded database runs on
  // this thread, and a write before it would delay the first token), or at the end.
  let begun: Promise<void> | undefined;
  return {
    turnId,
    seq: loaded.nextSeq + 1,
    question,
    agentInput: { system: prompt.system, messages: [...recalled.history, prompt.message] },
    sources,
    usageBefore: ZERO_USAGE,
    conversationBefore: loaded.usage,
    textBefore: '',
    tools: new Map(),
    begin: () => {
      begun ??= conversations.begin({
        conversationId,
        userId,
        create,
        seq: loaded.nextSeq,
        turnId,
        text: question,
      });
      return begun;
    },
    remember: (answer) =>
      rememberTurn({
        memory,
        userId,
        conversationId,
        turn: loaded.history.length,
        question,
        answer,
      }),
  };
}
