/** The reader's own values in the @keel/streaming quick start: the conversation and the tools. */
import type Anthropic from '@anthropic-ai/sdk';

export const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hi' }];

export async function runTool(_name: string, _input: unknown): Promise<void> {}
