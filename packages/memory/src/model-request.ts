/**
 * A rendered prompt as a chat request: its system messages joined into `system`, the rest kept
 * as messages, and `metadata` naming the prompt so the ledger and traces attribute the call.
 */
import type { ChatRequest, Message, RequestMetadata } from '@keel/core';
import type { Prompt } from '@keel/prompts';
import { messageText } from './extractive-summary';

/** The request for `rendered`, built from `prompt`, on behalf of `metadata`'s user. */
export function modelRequest(
  prompt: Pick<Prompt, 'key'>,
  rendered: readonly Message[],
  metadata: RequestMetadata,
): Pick<ChatRequest, 'system' | 'messages' | 'metadata'> {
  const system = rendered.filter((message) => message.role === 'system').map(messageText);
  return {
    ...(system.length > 0 && { system: system.join('\n\n') }),
    messages: rendered.filter((message) => message.role !== 'system'),
    metadata: { feature: 'memory', ...metadata, promptId: prompt.key },
  };
}

/** Turns as `[turn n] role: text` lines, the form both prompts read. */
export function formatTurns(turns: readonly { turn: number; message: Message }[]): string {
  return turns
    .map(({ turn, message }) => `[turn ${turn}] ${message.role}: ${messageText(message)}`)
    .join('\n');
}
