/** The reader's own values in the @keel/observability quick start: any ChatModel. */
import { createFakeChatModel } from '@keel/testing';

export const anyChatModel = createFakeChatModel(
  { text: 'Hello!', usage: { inputTokens: 9, outputTokens: 12 } },
  { modelId: 'gpt-4o-mini' },
);
