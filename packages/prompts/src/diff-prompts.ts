/**
 * What changed between two prompts (usually two versions of one): schemas and templates, line
 * by line.
 */
import type { z } from 'zod';
import type { Prompt } from './define-prompt';
import { diffLines } from './diff-lines';
import { formatMessages } from './format-messages';
import { jsonSchemaOf } from './json-schema-of';

type AnyPrompt = Prompt<z.ZodType, z.ZodType | undefined>;

function source(prompt: AnyPrompt): string {
  const schema = (value: z.ZodType | undefined) => JSON.stringify(jsonSchemaOf(value));
  const system =
    prompt.system === undefined ? [] : [{ role: 'system' as const, content: prompt.system }];
  return `input: ${schema(prompt.input)}\noutput: ${schema(prompt.output)}\n${formatMessages([...system, ...prompt.messages])}`;
}

/**
 * A unified-style diff of two prompts: a `---`/`+++` header with their refs, then every line of
 * their schemas and templates prefixed with `' '`, `'-'` or `'+'`. Identical prompts give the
 * header and unchanged lines only.
 *
 * @example
 * ```ts
 * console.log(diffPrompts(registry.get('summarize', 2), registry.get('summarize', 3)));
 * ```
 */
export function diffPrompts(before: AnyPrompt, after: AnyPrompt): string {
  return [
    `--- ${before.ref}`,
    `+++ ${after.ref}`,
    ...diffLines(source(before), source(after)),
  ].join('\n');
}
