/**
 * Messages as readable text, one `::role` line before each message's content: the same form as
 * a prompt file's body, used for snapshots and diffs.
 */
import type { Message } from '@keel/core';

/**
 * `messages` as text: `::system`, `::user`, ... lines each followed by the content. Content that
 * is not a string (images, tool calls) is written as JSON.
 *
 * @example
 * ```ts
 * formatMessages([{ role: 'user', content: 'Hi' }]); // '::user\nHi'
 * ```
 */
export function formatMessages(messages: ReadonlyArray<Pick<Message, 'role' | 'content'>>): string {
  return messages
    .map(
      ({ role, content }) =>
        `::${role}\n${typeof content === 'string' ? content : JSON.stringify(content, null, 2)}`,
    )
    .join('\n');
}
