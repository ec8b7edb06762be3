/**
 * Reads a prompt from a Markdown file named `<id>.v<N>.md`: YAML front matter for the
 * description, input and output types and budget, and a body that is the user message, or a
 * conversation split by `::system`, `::user` and `::assistant` lines.
 */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { definePrompt, type Prompt, type PromptMessageTemplate } from './define-prompt';
import { PromptFileError } from './prompt-file-error';
import { objectFromTypes } from './schema-from-types';

/** A prompt file's path (only its last segment is read) and text. */
export interface PromptFile {
  path: string;
  content: string;
}

const FILE_NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)\.v([1-9]\d*)\.md$/;
const FRONT_MATTER = /^---\n([\s\S]*?)\n---(?:\n|$)/;
const ROLE_LINE = /^::(system|user|assistant)[ \t]*$/gm;
const KEYS = new Set(['id', 'version', 'description', 'input', 'output', 'budget']);

/** The parts of a file name `<id>.v<N>.md`, or undefined for any other name. */
export function promptFileName(path: string): { id: string; version: number } | undefined {
  const match = FILE_NAME.exec(path.split(/[\\/]/).pop() ?? '');
  return match ? { id: match[1] as string, version: Number(match[2]) } : undefined;
}

function splitBody(body: string): { system?: string; messages: PromptMessageTemplate[] } {
  const markers = [...body.matchAll(ROLE_LINE)];
  if (markers.length === 0) return { messages: [{ role: 'user', content: body.trim() }] };
  if (body.slice(0, markers[0]?.index).trim() !== '') {
    throw new Error('text before the first ::role line; start the body with ::system or ::user');
  }
  let system: string | undefined;
  const messages: PromptMessageTemplate[] = [];
  markers.forEach((marker, i) => {
    const start = (marker.index ?? 0) + marker[0].length + 1;
    const content = body.slice(start, markers[i + 1]?.index ?? body.length).trim();
    const role = marker[1] as 'system' | 'user' | 'assistant';
    if (role !== 'system') messages.push({ role, content });
    else if (i === 0) system = content;
    else throw new Error('::system must be the first section');
  });
  return system === undefined ? { messages } : { system, messages };
}

/** YAML maps as plain objects whose keys are all own data properties (`__proto__` included). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!(value instanceof Map)) return value;
  return Object.fromEntries(
    [...value].map(([key, item]) => {
      if (typeof key !== 'string')
        throw new Error(`keys must be names, got ${JSON.stringify(key)}`);
      return [key, plain(item)];
    }),
  );
}

function readFrontMatter(text: string): Record<string, unknown> {
  const document = parseDocument(text, { logLevel: 'silent', uniqueKeys: true });
  const [problem] = [...document.errors, ...document.warnings];
  if (problem) throw problem;
  // Maps, not objects, so that a `__proto__` key is kept as data and reported, never dropped.
  const data: unknown = plain(document.toJS({ maxAliasCount: 10, mapAsMap: true })) ?? {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new Error('front matter must be a mapping');
  const unknown = Object.keys(data as object).find((key) => !KEYS.has(key));
  if (unknown)
    throw new Error(`unknown front matter key "${unknown}"; use ${[...KEYS].join(', ')}`);
  return data as Record<string, unknown>;
}

function mapping(value: unknown, key: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${key} must be a mapping of names to types`);
  return value as Record<string, unknown>;
}

/**
 * The prompt in a file. The id and version come from the file name; front matter may repeat
 * them, but must agree.
 *
 * @throws PromptFileError for a bad name, front matter, type or template, with the cause.
 * @example
 * ```ts
 * const prompt = parsePromptFile({
 *   path: 'prompts/greet.v1.md',
 *   content: '---\ninput:\n  name: string\n---\nSay hello to {{name}}.',
 * });
 * ```
 */
export function parsePromptFile(file: PromptFile): Prompt<z.ZodObject, z.ZodObject | undefined> {
  const path = typeof file?.path === 'string' ? file.path : String(file?.path);
  const name = promptFileName(path);
  if (!name) {
    throw new PromptFileError({
      file: path,
      problem: 'the name must be <id>.v<N>.md, e.g. summarize.v3.md',
    });
  }
  if (typeof file.content !== 'string')
    throw new PromptFileError({ file: path, problem: 'content must be a string' });
  try {
    const text = file.content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    const front = FRONT_MATTER.exec(text);
    const data = front ? readFrontMatter(front[1] as string) : {};
    for (const key of ['id', 'version'] as const) {
      if (data[key] !== undefined && data[key] !== name[key]) {
        throw new Error(
          `front matter says ${key} ${JSON.stringify(data[key])} but the file name says ${name[key]}`,
        );
      }
    }
    const { system, messages } = splitBody(text.slice(front?.[0].length ?? 0));
    const output = mapping(data.output, 'output');
    return definePrompt({
      ...name,
      input: objectFromTypes(mapping(data.input, 'input') ?? {}, 'input'),
      messages,
      ...(system === undefined ? {} : { system }),
      ...(output === undefined ? {} : { output: objectFromTypes(output, 'output') }),
      ...(typeof data.description === 'string' ? { description: data.description } : {}),
      ...(data.budget === undefined ? {} : { budget: data.budget as { maxTokens: number } }),
    });
  } catch (cause) {
    throw new PromptFileError({ file: path, problem: (cause as Error).message, cause });
  }
}
