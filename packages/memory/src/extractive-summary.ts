/**
 * The offline rolling summary: no model, the same output for the same turns. Each dropped turn
 * becomes one line (its role, turn number and first sentence), appended to the summary so far;
 * when the whole passes its token budget, the oldest lines go first.
 */
import type { Message } from '@keel/core';
import { countTokens, truncateTokens } from '@keel/tokens';

/** The id the offline summary records as its prompt. */
export const EXTRACTIVE_SUMMARY_ID = 'extractive@1';

/** Longest line kept per turn, in tokens. */
const LINE_TOKENS = 48;
const SENTENCE_END = /(?<=[.!?])\s+/;

/** The text of a message's text parts. */
export function messageText(message: Message): string {
  if (typeof message.content === 'string') return message.content;
  return message.content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/**
 * Appends one line per turn to `previous` and keeps the newest lines that fit `maxTokens`.
 *
 * @example
 * ```ts
 * await extractiveSummary('', [{ turn: 0, message: { role: 'user', content: 'I use Postgres. Hi!' } }], 200);
 * // 'User (turn 0): I use Postgres.'
 * ```
 */
export async function extractiveSummary(
  previous: string,
  turns: readonly { turn: number; message: Message }[],
  maxTokens: number,
): Promise<string> {
  const lines = previous === '' ? [] : previous.split('\n');
  for (const { turn, message } of turns) {
    const text = messageText(message).replace(/\s+/g, ' ').trim();
    if (text === '') continue;
    const first = text.split(SENTENCE_END)[0] as string;
    const role = message.role === 'user' ? 'User' : 'Assistant';
    lines.push(`${role} (turn ${turn}): ${await truncateTokens(first, LINE_TOKENS)}`);
  }
  let summary = lines.join('\n');
  while (lines.length > 1 && (await countTokens(summary)) > maxTokens) {
    lines.shift();
    summary = lines.join('\n');
  }
  return (await countTokens(summary)) > maxTokens ? truncateTokens(summary, maxTokens) : summary;
}
