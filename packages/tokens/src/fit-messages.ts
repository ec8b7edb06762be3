/**
 * Fitting a conversation into a context window: drop old messages, keep system and pinned
 * ones, and keep every tool call together with its results.
 */
import { InvalidArgumentError, type ToolDefinition } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { assertMessages, type ChatMessage, createMessageCounter } from './message-counter';

/** How {@link fitMessages} drops history. */
export type FitStrategy = 'drop-oldest' | 'sliding-window';

/** Options of {@link fitMessages}. */
export interface FitMessagesOptions {
  model: string;
  /** The context window to fit in; defaults to the model's. */
  maxTokens?: number;
  /** Tokens kept free for the reply (usually the call's `max_tokens`). Default 0. */
  reserveOutput?: number;
  /**
   * `'drop-oldest'` (default) drops the oldest droppable messages one at a time (a tool call
   * and its results count as one). `'sliding-window'` drops whole turns, each starting at a
   * user message, so the kept history always opens with the user's turn.
   */
  strategy?: FitStrategy;
  /** Tool definitions sent with the request; they take room too. */
  tools?: readonly ToolDefinition[];
  /** Messages never to drop, besides system messages. */
  isPinned?: (message: ChatMessage, index: number) => boolean;
}

/** What {@link fitMessages} kept and dropped. */
export interface FitMessagesResult {
  /** The messages kept, in their original order. */
  messages: ChatMessage[];
  /** The messages dropped, in their original order. */
  dropped: ChatMessage[];
  /** Indices (in the input) of the dropped messages. */
  droppedIndices: number[];
  /** Prompt tokens of the kept messages, tools and reply priming (estimated for Anthropic). */
  tokens: number;
  /** The room there was: `maxTokens - reserveOutput`. */
  budget: number;
}

/** Messages that stay or go together. */
interface Unit {
  indices: number[];
  tokens: number;
  keep: boolean;
  /** Starts a turn: its first message is a user message. */
  opensTurn: boolean;
}

function hasToolCalls(message: ChatMessage): boolean {
  return (
    message.role === 'assistant' &&
    Array.isArray(message.content) &&
    message.content.some((part) => part.type === 'tool-call')
  );
}

function groupUnits(
  messages: readonly ChatMessage[],
  tokensOf: (message: ChatMessage) => number,
  isPinned: (message: ChatMessage, index: number) => boolean,
): Unit[] {
  const units: Unit[] = [];
  messages.forEach((message, index) => {
    const keep = message.role === 'system' || isPinned(message, index);
    const tokens = tokensOf(message);
    const previous = units.at(-1);
    // A tool message joins the assistant message whose calls it answers (and its siblings):
    // a unit that opens with tool calls only ever grows by tool messages.
    const opener = previous === undefined ? undefined : messages[previous.indices[0] ?? 0];
    const joinsCall = message.role === 'tool' && opener !== undefined && hasToolCalls(opener);
    if (joinsCall && previous !== undefined) {
      previous.indices.push(index);
      previous.tokens += tokens;
      previous.keep ||= keep;
      return;
    }
    units.push({ indices: [index], tokens, keep, opensTurn: message.role === 'user' });
  });
  return units;
}

/**
 * Drops old history until a conversation fits in `maxTokens - reserveOutput`, keeping system
 * messages, pinned messages and each tool call with its results, and reports what it dropped.
 *
 * @throws InvalidArgumentError when the system and pinned messages alone do not fit, or an
 *   option is out of range.
 * @example
 * ```ts
 * const { messages: kept, dropped } = await fitMessages(history, {
 *   model: 'gpt-4o', reserveOutput: 1_000, strategy: 'sliding-window',
 * });
 * if (dropped.length > 0) log.info(`dropped ${dropped.length} old messages`);
 * ```
 */
export async function fitMessages(
  messages: readonly ChatMessage[],
  {
    model,
    maxTokens,
    reserveOutput = 0,
    strategy = 'drop-oldest',
    tools,
    isPinned = () => false,
  }: FitMessagesOptions,
): Promise<FitMessagesResult> {
  assertMessages(messages);
  if (strategy !== 'drop-oldest' && strategy !== 'sliding-window') {
    throw new InvalidArgumentError({
      argument: 'strategy',
      message: `strategy must be 'drop-oldest' or 'sliding-window', got ${JSON.stringify(strategy)}`,
    });
  }
  assertNumber('reserveOutput', reserveOutput, { integer: true, min: 0, allowInfinity: true });
  const counter = await createMessageCounter(model);
  const window = maxTokens ?? counter.model.contextWindow;
  assertNumber('maxTokens', window, { integer: true, min: 0, allowInfinity: true });
  const budget = window - reserveOutput;

  const units = groupUnits(messages, (message) => counter.message(message).tokens, isPinned);
  let tokens = counter.fixed(tools) + units.reduce((sum, unit) => sum + unit.tokens, 0);
  const dropped = new Set<Unit>();
  const droppable = units.filter((unit) => !unit.keep);

  for (let next = 0; tokens > budget && next < droppable.length; ) {
    // drop-oldest drops one unit; sliding-window drops up to the start of the next turn.
    do {
      const unit = droppable[next++] as Unit;
      dropped.add(unit);
      tokens -= unit.tokens;
    } while (
      strategy === 'sliding-window' &&
      next < droppable.length &&
      !(droppable[next] as Unit).opensTurn
    );
  }
  if (tokens > budget) {
    throw new InvalidArgumentError({
      argument: 'maxTokens',
      message: `System and pinned messages alone take ${tokens} tokens, more than the ${budget} available (maxTokens ${window} - reserveOutput ${reserveOutput}); shorten them, pin fewer messages or raise maxTokens`,
    });
  }

  const droppedIndices = [...dropped].flatMap((unit) => unit.indices).sort((a, b) => a - b);
  const droppedSet = new Set(droppedIndices);
  return {
    messages: messages.filter((_, index) => !droppedSet.has(index)),
    dropped: droppedIndices.map((index) => messages[index] as ChatMessage),
    droppedIndices,
    tokens,
    budget,
  };
}
