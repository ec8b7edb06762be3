/**
 * What a turn takes from `@keel/memory` and gives back: before the model call, the
 * conversation's history window (with the rolling summary of what no longer fits) and the
 * user's facts most relevant to the question, fenced for the prompt and citable like retrieved
 * chunks (`[memory:<fact id>]`); after the turn is stored, the facts the user stated in it.
 * Who is asking always comes from the request's authentication: the app's tenant, the caller's
 * user id and the conversation, never from a model.
 */
import type { Message } from '@keel/core';
import {
  citationIdOf,
  type Fact,
  type Memory,
  type MemoryContext,
  renderMemory,
} from '@keel/memory';
import type { PackedChunk } from '@keel/retrieval';
import { ANONYMOUS } from './chat-request';

/** The tenant every docs-chat user belongs to (the app serves one organisation). */
export const MEMORY_TENANT = 'docs-chat';

/** The `sourceId` of a recalled fact as a turn's source. */
export const MEMORY_SOURCE_ID = 'memory';

/** Facts recalled for each question. */
const RECALLED_FACTS = 4;

/** The caller's memory context: the app's tenant, the user and (in a turn) the conversation. */
export function memoryContext(userId: string): MemoryContext;
export function memoryContext(
  userId: string,
  conversationId: string,
): MemoryContext & { conversationId: string };
export function memoryContext(userId: string, conversationId?: string): MemoryContext {
  return {
    tenantId: MEMORY_TENANT,
    userId,
    ...(conversationId !== undefined && { conversationId }),
  };
}

/**
 * Whether `userId` has a memory of their own: callers without `x-user-id` all share the id
 * `anonymous`, so nothing is remembered or recalled for them (one of them would hear what
 * another said).
 */
export const remembers = (userId: string) => userId !== ANONYMOUS;

/** A fact as a source a turn may cite: its citation id `memory:<id>` and its statement. */
export function factSource(fact: Fact, score: number): PackedChunk {
  const citationId = citationIdOf(fact);
  const stated = new Date(fact.createdAt).toISOString().slice(0, 10);
  return {
    citationId,
    score,
    tokens: 0,
    chunk: {
      id: citationId,
      sourceId: MEMORY_SOURCE_ID,
      index: 0,
      text: fact.statement,
      overlap: 0,
      start: 0,
      end: fact.statement.length,
      startLine: 1,
      endLine: 1,
      tokens: 0,
      hash: fact.id,
      // The subject last: what the offline answerer matches a question against.
      headingPath: [
        `What I remember (stated ${stated}, confidence ${fact.confidence})`,
        fact.subject,
      ],
      metadata: {},
    },
  };
}

/** What memory adds to a new turn's prompt. */
export interface TurnRecall {
  /** The history to send: the turns that fit, oldest first. */
  history: Message[];
  /** For the system prompt: how to read and cite the memory blocks (empty without any). */
  instruction: string;
  /** The fenced summary and facts, placed beside the retrieved documentation. */
  text: string;
  /** The recalled facts, citable as `memory:<id>`. */
  sources: PackedChunk[];
}

/**
 * Reads memory for a new turn of `userId`'s conversation.
 *
 * @example
 * ```ts
 * const { history, instruction, text, sources } = await recallForTurn({ memory, userId, conversationId, question, history: loaded.history });
 * ```
 */
export async function recallForTurn({
  memory,
  userId,
  conversationId,
  question,
  history,
  signal,
}: {
  memory: Memory;
  userId: string;
  conversationId: string;
  question: string;
  history: readonly Message[];
  signal?: AbortSignal | undefined;
}): Promise<TurnRecall> {
  const context = memoryContext(userId, conversationId);
  const [window, recalled] = await Promise.all([
    memory.history({ context, messages: history, signal }),
    remembers(userId)
      ? memory.recall({ context, query: question, k: RECALLED_FACTS, ...(signal && { signal }) })
      : [],
  ]);
  const rendered = renderMemory({
    facts: recalled.map(({ fact }) => fact),
    summary: window.summary?.text,
  });
  return {
    history: window.turns.map(({ message }) => message),
    instruction: rendered.instruction,
    text: rendered.text,
    sources: recalled.map(({ fact, score }) => factSource(fact, score)),
  };
}

/**
 * Stores what the user stated in a finished turn: its question (message `turn` of the
 * conversation) and, when it has text, its answer.
 *
 * @example
 * ```ts
 * await rememberTurn({ memory, userId, conversationId, turn: loaded.history.length, question, answer });
 * ```
 */
export async function rememberTurn({
  memory,
  userId,
  conversationId,
  turn,
  question,
  answer,
}: {
  memory: Memory;
  userId: string;
  conversationId: string;
  turn: number;
  question: string;
  answer: string;
}): Promise<void> {
  if (!remembers(userId)) return;
  await memory.remember({
    context: memoryContext(userId, conversationId),
    turns: [
      { turn, message: { role: 'user', content: question } },
      ...(answer === ''
        ? []
        : [{ turn: turn + 1, message: { role: 'assistant' as const, content: answer } }]),
    ],
  });
}
