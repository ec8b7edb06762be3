/**
 * A prompt's rendering as stable text for snapshot tests: the ref, then each message, with the
 * random fence codes replaced by a counter so the text changes only when the prompt does.
 */
import type { z } from 'zod';
import type { Prompt } from './define-prompt';
import { formatMessages } from './format-messages';

/**
 * The rendered messages of `prompt` for `input` as text, headed by `prompt.ref`. Fence codes are
 * `snapshot1`, `snapshot2`, ... so the same prompt and input always give the same text.
 *
 * @throws what `prompt.render` throws.
 * @example
 * ```ts
 * await expect(await snapshotPrompt(summarize, input)).toMatchFileSnapshot(
 *   `__snapshots__/${summarize.id}.v${summarize.version}.txt`,
 * );
 * ```
 */
export async function snapshotPrompt<TInput extends z.ZodType>(
  prompt: Prompt<TInput, z.ZodType | undefined>,
  input: z.input<TInput>,
): Promise<string> {
  let next = 0;
  const messages = await prompt.render(input, { randomId: () => `snapshot${++next}` });
  return `# ${prompt.ref}\n${formatMessages(messages)}\n`;
}
