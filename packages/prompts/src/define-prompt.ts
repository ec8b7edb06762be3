/**
 * A prompt as code: an id and a version, a zod schema for its input, templates for the system
 * prompt and the messages, optionally an output schema and a token budget. Rendering validates
 * the input, fences untrusted values and returns @keel/core Messages.
 */
import { InvalidArgumentError, type Message } from '@keel/core';
import { sha256 } from '@keel/core/internal';
import { z } from 'zod';
import { jsonSchemaOf } from './json-schema-of';
import { parseTemplate, type Template } from './parse-template';
import { PromptInputError, type ValueIssue } from './prompt-input-error';
import { PromptOutputError } from './prompt-output-error';
import { type PromptBudget, renderPrompt } from './render-prompt';
import { TemplateSyntaxError } from './template-syntax-error';

/** One message of a prompt, its content a template. */
export interface PromptMessageTemplate {
  role: 'user' | 'assistant';
  content: string;
}

/** What {@link definePrompt} takes. Give either `template` (one user message) or `messages`. */
export interface PromptDefinition<TInput extends z.ZodType, TOutput extends z.ZodType | undefined> {
  /** Letters, digits, `.`, `_` and `-`, starting with a letter or digit. */
  id: string;
  /** A positive integer; bump it whenever the prompt changes meaning. */
  version: number;
  description?: string;
  /** The input's schema; a `z.object` is checked strictly, so extra variables are reported. */
  input: TInput;
  /** The system message template. Instructions for untrusted values are appended to it. */
  system?: string;
  /** The user message template. */
  template?: string;
  /** The conversation templates, for few-shot prompts. */
  messages?: PromptMessageTemplate[];
  /** The schema of the JSON the model must answer with, checked by `parseOutput`. */
  output?: TOutput;
  budget?: PromptBudget;
}

/** Options of {@link Prompt.render}. */
export interface RenderOptions {
  /** Makes the random codes of untrusted fences; a test seam (see `fenceUntrusted`). */
  randomId?: () => string;
}

/** A defined prompt. */
export interface Prompt<
  TInput extends z.ZodType = z.ZodType,
  TOutput extends z.ZodType | undefined = undefined,
> {
  readonly id: string;
  readonly version: number;
  /** `id@version`, as `ChatRequest.metadata.promptId` expects. */
  readonly key: string;
  /** SHA-256 (hex) of the id, version, templates and schemas: changes whenever the prompt does. */
  readonly hash: string;
  /** `id@version#` and the first 12 hex digits of `hash`, for cache keys and traces. */
  readonly ref: string;
  readonly description?: string;
  readonly system?: string;
  readonly messages: readonly PromptMessageTemplate[];
  readonly input: TInput;
  readonly output?: TOutput;
  readonly budget?: PromptBudget;
  /** The input variables the templates read. */
  readonly variables: readonly string[];
  /**
   * Validates `input`, checks the budget (input values first, so a huge value is refused before
   * it is rendered) and renders: a system message when there is a system template or an
   * untrusted value, then the messages.
   *
   * @throws PromptInputError listing every problem with the input.
   * @throws PromptTooLargeError when the budget is passed.
   */
  render(input: z.input<TInput>, options?: RenderOptions): Promise<Message[]>;
  /**
   * Parses the model's answer as JSON (a surrounding Markdown code fence is allowed) and
   * validates it with the output schema.
   *
   * @throws PromptOutputError when it is not JSON or does not match.
   * @throws InvalidArgumentError when the prompt has no output schema.
   */
  parseOutput(text: string): TOutput extends z.ZodType ? z.output<TOutput> : never;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CODE_FENCE = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/;

function isSchema(value: unknown): value is z.ZodType {
  return value instanceof z.ZodType;
}

/** The issues of a zod error as `{ path, message }`, extra keys named one by one. */
export function zodIssues(error: z.ZodError): ValueIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: path === '' ? key : `${path}.${key}`,
        message: 'not declared in the schema',
      }));
    }
    return [{ path, message: issue.message }];
  });
}

function assertDefinition(definition: PromptDefinition<z.ZodType, z.ZodType | undefined>): void {
  const { id, version, input, output, template, messages, system, budget } = definition ?? {};
  const problems: Array<[string, string]> = [];
  if (typeof id !== 'string' || !ID.test(id)) {
    problems.push(['id', `id must be letters, digits, ".", "_" or "-", got ${JSON.stringify(id)}`]);
  }
  if (!Number.isSafeInteger(version) || version < 1) {
    problems.push([
      'version',
      `version must be a positive integer, got ${JSON.stringify(version)}`,
    ]);
  }
  if (!isSchema(input))
    problems.push(['input', 'input must be a zod schema, e.g. z.object({ ... })']);
  if (output !== undefined && !isSchema(output))
    problems.push(['output', 'output must be a zod schema']);
  if ((template === undefined) === (messages === undefined)) {
    problems.push(['template', 'give exactly one of template (a user message) or messages']);
  }
  if (template !== undefined && typeof template !== 'string')
    problems.push(['template', 'template must be a string']);
  if (system !== undefined && typeof system !== 'string')
    problems.push(['system', 'system must be a string']);
  if (
    messages !== undefined &&
    (!Array.isArray(messages) ||
      messages.length === 0 ||
      !messages.every(
        (m) => (m?.role === 'user' || m?.role === 'assistant') && typeof m.content === 'string',
      ))
  ) {
    problems.push([
      'messages',
      "messages must be a non-empty array of { role: 'user' | 'assistant', content: string }",
    ]);
  }
  if (budget !== undefined && (!Number.isSafeInteger(budget?.maxTokens) || budget.maxTokens < 1)) {
    problems.push([
      'budget',
      `budget.maxTokens must be a positive integer, got ${JSON.stringify(budget?.maxTokens)}`,
    ]);
  }
  const [first] = problems;
  if (first) {
    throw new InvalidArgumentError({
      argument: first[0],
      message: `definePrompt: ${problems.map(([, message]) => message).join('; ')}`,
    });
  }
}

const MAX_LISTED = 20;

/** The line and column where `template` first reads `name`. */
function positionOf(template: Template, name: string): { line: number; column: number } {
  const offset = template.source.search(new RegExp(`\\{\\{\\s*(?:#if\\s+|#each\\s+)?${name}\\b`));
  const before = template.source.slice(0, Math.max(0, offset));
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/**
 * Parses every template and checks them all against the declared variables, so one error lists
 * every undeclared variable of every template.
 *
 * @throws TemplateSyntaxError at the first syntax error, or naming every undeclared variable
 *   (the first 20 with their positions, then a count) with the line and column of the first.
 */
function parseAll(
  sources: ReadonlyArray<readonly [where: string, source: string]>,
  declared: ReadonlySet<string> | undefined,
): Template[] {
  const templates = sources.map(([, source]) => parseTemplate(source));
  if (!declared) return templates;
  const undeclared = templates.flatMap((template, i) =>
    template.variables
      .filter((name) => !declared.has(name))
      .map((name) => ({ where: sources[i]?.[0], template, name })),
  );
  // Positions of the first few only: finding each is a search through the template.
  const problems = undeclared
    .slice(0, MAX_LISTED)
    .map(({ where, template, name }) => ({ where, name, ...positionOf(template, name) }));
  const [first] = problems;
  if (first) {
    const list = problems
      .map(
        ({ where, name, line, column }) =>
          `the ${where} template reads "${name}" (${line}:${column})`,
      )
      .join('; ');
    const more =
      undeclared.length > problems.length ? ` and ${undeclared.length - problems.length} more` : '';
    throw new TemplateSyntaxError({
      problem: `${list}${more}; the input schema does not declare ${undeclared.length === 1 ? 'it' : 'them'}`,
      line: first.line,
      column: first.column,
    });
  }
  return templates;
}

/** JSON with object keys sorted (and JSON Schema `required` lists sorted), so key order never changes a hash. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (key, item: unknown) => {
    if (key === 'required' && Array.isArray(item)) return [...item].sort();
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    return Object.fromEntries(
      Object.entries(item as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : a > b ? 1 : 0,
      ),
    );
  });
}

/**
 * Defines a prompt. Templates are parsed now, and checked against the input schema's keys when
 * it is a `z.object`, so a typo fails at startup rather than in production.
 *
 * @throws InvalidArgumentError for a malformed definition, listing every problem.
 * @throws TemplateSyntaxError for a template that does not parse or reads an undeclared variable.
 * @example
 * ```ts
 * const summarize = definePrompt({
 *   id: 'summarize',
 *   version: 2,
 *   input: z.object({ page: untrustedText(), words: z.number().int() }),
 *   system: 'You summarise web pages.',
 *   template: 'Summarise in {{words}} words:\n\n{{page}}',
 * });
 * const messages = await summarize.render({ page: untrusted(html, { source: 'web' }), words: 50 });
 * ```
 */
export function definePrompt<
  TInput extends z.ZodType,
  TOutput extends z.ZodType | undefined = undefined,
>(definition: PromptDefinition<TInput, TOutput>): Prompt<TInput, TOutput> {
  assertDefinition(definition);
  const { id, version, description, input, output, system, budget } = definition;
  const messages: PromptMessageTemplate[] =
    definition.template !== undefined
      ? [{ role: 'user', content: definition.template }]
      : (definition.messages ?? []).map(({ role, content }) => ({ role, content }));
  const declared = input instanceof z.ZodObject ? new Set(Object.keys(input.shape)) : undefined;
  const templates = parseAll(
    [
      ...(system === undefined ? [] : [['system', system] as const]),
      ...messages.map((m, i) => [`messages[${i}]`, m.content] as const),
    ],
    declared,
  );
  const systemTemplate = system === undefined ? undefined : templates[0];
  const messageTemplates = system === undefined ? templates : templates.slice(1);
  const validator =
    input instanceof z.ZodObject && input.def.catchall === undefined ? input.strict() : input;
  const key = `${id}@${version}`;
  const hash = sha256(
    canonicalJson({
      id,
      version,
      system,
      messages,
      input: jsonSchemaOf(input),
      output: jsonSchemaOf(output),
    }),
  );
  const variables = [
    ...new Set(
      [systemTemplate, ...messageTemplates].flatMap((template) => template?.variables ?? []),
    ),
  ];

  const prompt: Prompt<TInput, TOutput> = {
    id,
    version,
    key,
    hash,
    ref: `${key}#${hash.slice(0, 12)}`,
    messages,
    input,
    variables,
    ...(description === undefined ? {} : { description }),
    ...(system === undefined ? {} : { system }),
    ...(output === undefined ? {} : { output }),
    ...(budget === undefined ? {} : { budget }),
    async render(values, options = {}) {
      const result = validator.safeParse(values);
      if (!result.success)
        throw new PromptInputError({ prompt: key, issues: zodIssues(result.error) });
      return renderPrompt({
        key,
        input: result.data,
        system: systemTemplate,
        messages: messages.map((m, i) => ({
          role: m.role,
          template: messageTemplates[i] as Template,
        })),
        budget,
        randomId: options.randomId,
      });
    },
    parseOutput(text) {
      if (output === undefined) {
        throw new InvalidArgumentError({
          argument: 'output',
          message: `Prompt ${key} has no output schema; add output: z.object({ ... }) to its definition`,
        });
      }
      const body = CODE_FENCE.exec(text)?.[1] ?? text;
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch (cause) {
        throw new PromptOutputError({
          prompt: key,
          text,
          issues: [{ path: '', message: `not JSON: ${(cause as Error).message}` }],
          cause,
        });
      }
      const result = output.safeParse(json);
      if (!result.success)
        throw new PromptOutputError({ prompt: key, text, issues: zodIssues(result.error) });
      return result.data as TOutput extends z.ZodType ? z.output<TOutput> : never;
    },
  };
  return Object.freeze(prompt);
}
