/** The reader's own values in the @keel/prompts quick start: a page, and any ChatModel. */
import type { ChatModel } from '@keel/core';
import { createFakeChatModel } from '@keel/testing';

export const html = '<p>Cats sleep 16 hours a day.</p>';
export const model: ChatModel = createFakeChatModel(
  { text: '{"summary": "Cats sleep a lot.", "keywords": ["cats"]}' },
  { modelId: 'gpt-4o-mini' },
);
