/**
 * Turns a validated input into Messages: untrusted values fenced with their instruction added to
 * the system message, plain values written as text, and the token budget checked on the input
 * before rendering and on the messages after.
 */
import { InvalidArgumentError, type Message } from '@keel/core';
import { type Encoding, encodingFor, type TokenizerOptions } from '@keel/tokens';
import { escapeFenceTags } from './escape-fence-tags';
import { fenceUntrusted, LONGEST_FENCE_CODE } from './fence-untrusted';
import type { Template, ValuePath } from './parse-template';
import { PromptTooLargeError } from './prompt-too-large-error';
import { renderTemplate } from './render-template';
import { sanitizeText } from './sanitize-text';
import { isUntrustedText } from './untrusted';

/** The most tokens a rendered prompt may have, counted with `tokenizer` (default o200k_base). */
export interface PromptBudget {
  maxTokens: number;
  tokenizer?: TokenizerOptions;
}

interface PromptParts {
  key: string;
  input: unknown;
  system: Template | undefined;
  messages: ReadonlyArray<{ role: 'user' | 'assistant'; template: Template }>;
  budget: PromptBudget | undefined;
  randomId: (() => string) | undefined;
}

/** Every string in `value` (untrusted text included) with its path, depth first. */
function* texts(value: unknown, path: string, seen: Set<object>): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (isUntrustedText(value)) yield [path, value.text];
  else if (typeof value === 'object' && value !== null && !seen.has(value)) {
    seen.add(value);
    for (const [key, item] of Object.entries(value)) {
      yield* texts(item, path === '' ? key : `${path}.${key}`, seen);
    }
  }
}

/** Refuses input whose strings alone pass the budget, reading little more than `limit` tokens. */
function checkInput(key: string, input: unknown, encoding: Encoding, limit: number): void {
  let remaining = limit;
  for (const [path, text] of texts(input, '', new Set())) {
    if (!encoding.isWithinLimit(text, remaining)) {
      throw new PromptTooLargeError({ prompt: key, limit, tokens: limit + 1, path });
    }
    remaining -= encoding.count(text);
  }
}

/** The tokens of the messages' text content (message framing not included). */
export function contentTokens(encoding: Encoding, messages: readonly Message[]): number {
  return messages.reduce(
    (sum, { content }) =>
      sum + encoding.count(typeof content === 'string' ? content : JSON.stringify(content)),
    0,
  );
}

/** Renders a prompt whose input has been validated. */
export async function renderPrompt({
  key,
  input,
  system,
  messages,
  budget,
  randomId,
}: PromptParts): Promise<Message[]> {
  const encoding = budget && (await encodingFor(budget.tokenizer));
  if (budget && encoding) checkInput(key, input, encoding, budget.maxTokens);

  let fenced = false;
  /** The messages, each untrusted value fenced with a code from `code`. */
  const render = (code: (() => string) | undefined): Message[] => {
    const instructions = new Set<string>();
    const format = (inSystem: boolean) => (value: unknown, path: ValuePath) => {
      if (isUntrustedText(value)) {
        if (inSystem) {
          throw new InvalidArgumentError({
            argument: 'input',
            message: `Prompt ${key}: untrusted value {{${path.join('.')}}} cannot go in the system message; move it to a user message`,
          });
        }
        const { source, mode, invisible } = value;
        const block = fenceUntrusted(value.text, {
          source,
          mode,
          invisible,
          ...(code && { randomId: code }),
        });
        instructions.add(block.instruction);
        fenced = true;
        return block.text;
      }
      // Plain values are trusted, but still must not forge a fence or hide characters.
      if (typeof value === 'string') return escapeFenceTags(sanitizeText(value));
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
        return String(value);
      if (value === undefined || value === null) return '';
      throw new InvalidArgumentError({
        argument: 'input',
        message: `Prompt ${key}: {{${path.join('.')}}} is an object; interpolate its fields or loop with {{#each}}`,
      });
    };

    const systemText = system ? renderTemplate(system, input, format(true)) : '';
    const rendered: Message[] = messages.map(({ role, template }) => ({
      role,
      content: renderTemplate(template, input, format(false)),
    }));
    const systemContent = [systemText, ...instructions].filter((part) => part !== '').join('\n\n');
    return systemContent === ''
      ? rendered
      : [{ role: 'system', content: systemContent }, ...rendered];
  };
  const result = render(randomId);

  if (budget && encoding) {
    // Counted with the longest fence code (unless the caller draws the codes), so whether a
    // prompt fits never depends on the codes drawn.
    const counted = randomId || !fenced ? result : render(() => LONGEST_FENCE_CODE);
    const tokens = contentTokens(encoding, counted);
    if (tokens > budget.maxTokens)
      throw new PromptTooLargeError({ prompt: key, limit: budget.maxTokens, tokens });
  }
  return result;
}
