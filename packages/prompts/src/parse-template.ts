/**
 * The template syntax, parsed once when a prompt is defined: `{{path}}` interpolation,
 * `{{#if path}}…{{else}}…{{/if}}`, `{{#each path as item}}…{{/each}}` with `@index`, `@first`
 * and `@last`, `{{! comments }}`, and `\{{` for a literal `{{`. Values are never parsed: the
 * template is the only text that can contain syntax.
 */
import { TemplateSyntaxError } from './template-syntax-error';

/** A reference to a value: `['user', 'name']` for `{{user.name}}`, `['@index']` in a loop. */
export type ValuePath = readonly string[];

/** A node of a parsed template. */
export type TemplateNode =
  | { type: 'text'; text: string }
  | { type: 'value'; path: ValuePath }
  | { type: 'if'; path: ValuePath; consequent: TemplateNode[]; alternate: TemplateNode[] }
  | { type: 'each'; path: ValuePath; alias: string; body: TemplateNode[] };

/** A parsed template and the input variables it reads (the first segment of each path). */
export interface Template {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
  readonly variables: readonly string[];
}

const PATH = /^(?:@(?:index|first|last)|[A-Za-z_]\w*(?:\.(?:[A-Za-z_]\w*|\d+))*)$/;
const NAME = /^[A-Za-z_]\w*$/;
const LOOP_VARIABLES = new Set(['@index', '@first', '@last']);
/** How deep sections may nest: far beyond any real prompt, well within the renderer's stack. */
const MAX_DEPTH = 64;

type Token = { kind: 'text'; text: string } | { kind: 'tag'; body: string; offset: number };

function position(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function fail(source: string, offset: number, problem: string): never {
  throw new TemplateSyntaxError({ problem, ...position(source, offset) });
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  let index = 0;
  while (index < source.length) {
    const open = source.indexOf('{{', index);
    if (open === -1) {
      text += source.slice(index);
      break;
    }
    if (source[open - 1] === '\\') {
      text += `${source.slice(index, open - 1)}{{`;
      index = open + 2;
      continue;
    }
    const close = source.indexOf('}}', open + 2);
    if (close === -1) fail(source, open, 'a tag opened with {{ is never closed with }}');
    text += source.slice(index, open);
    tokens.push({ kind: 'text', text });
    text = '';
    tokens.push({ kind: 'tag', body: source.slice(open + 2, close).trim(), offset: open });
    index = close + 2;
  }
  tokens.push({ kind: 'text', text });
  markStandalone(tokens);
  return tokens;
}

/**
 * A section or comment tag alone on its line takes the line with it, so that templates can put
 * `{{#if}}` and `{{/if}}` on lines of their own without leaving blank lines in the output.
 */
function markStandalone(tokens: Token[]): void {
  const texts = tokens.map((token) => (token.kind === 'text' ? token.text : ''));
  const last = tokens.length - 1;
  const cuts = texts.map((text) => ({ from: 0, to: text.length }));
  for (let i = 1; i < last; i += 2) {
    const tag = tokens[i];
    if (tag?.kind !== 'tag' || !/^[#/!]|^else$/.test(tag.body)) continue;
    const before = texts[i - 1] as string;
    const after = texts[i + 1] as string;
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEnd = after.indexOf('\n');
    if (lineStart === 0 && i !== 1) continue;
    if (lineEnd === -1 && i + 1 !== last) continue;
    if (before.slice(lineStart).trim() !== '') continue;
    if (after.slice(0, lineEnd === -1 ? undefined : lineEnd).trim() !== '') continue;
    (cuts[i - 1] as { to: number }).to = lineStart;
    (cuts[i + 1] as { from: number }).from = lineEnd === -1 ? after.length : lineEnd + 1;
  }
  tokens.forEach((token, i) => {
    const cut = cuts[i] as { from: number; to: number };
    if (token.kind === 'text') token.text = token.text.slice(cut.from, Math.max(cut.from, cut.to));
  });
}

function parsePath(
  source: string,
  offset: number,
  text: string,
  aliases: readonly string[],
): ValuePath {
  if (!PATH.test(text))
    fail(source, offset, `"${text}" is not a variable name or path like user.name`);
  const path = text.split('.');
  if (LOOP_VARIABLES.has(text) && aliases.length === 0) {
    fail(source, offset, `${text} can only be used inside {{#each}}`);
  }
  return path;
}

/**
 * Parses a template. Section tags must nest properly and name variables, not expressions.
 *
 * @throws TemplateSyntaxError with the line and column of the first problem.
 * @example
 * ```ts
 * parseTemplate('Hi {{name}}{{#if vip}}, welcome back{{/if}}!').variables; // ['name', 'vip']
 * ```
 */
export function parseTemplate(source: string): Template {
  const tokens = tokenize(source);
  const variables = new Set<string>();
  const aliases: string[] = [];
  type Frame = {
    kind: 'root' | 'if' | 'each';
    nodes: TemplateNode[];
    node?: TemplateNode;
    offset: number;
  };
  const stack: Frame[] = [{ kind: 'root', nodes: [], offset: 0 }];
  const top = () => stack[stack.length - 1] as Frame;
  const read = (offset: number, text: string) => {
    const path = parsePath(source, offset, text, aliases);
    const root = path[0] as string;
    if (!root.startsWith('@') && !aliases.includes(root)) variables.add(root);
    return path;
  };

  for (const token of tokens) {
    if (token.kind === 'text') {
      if (token.text !== '') top().nodes.push({ type: 'text', text: token.text });
      continue;
    }
    const { body, offset } = token;
    if (body.startsWith('!')) continue;
    if (body.startsWith('#') && stack.length > MAX_DEPTH) {
      fail(source, offset, `sections nest more than ${MAX_DEPTH} deep; flatten the template`);
    }
    const ifMatch = /^#if\s+(\S+)$/.exec(body);
    const eachMatch = /^#each\s+(\S+)\s+as\s+(\S+)$/.exec(body);
    if (ifMatch) {
      const node: TemplateNode = {
        type: 'if',
        path: read(offset, ifMatch[1] as string),
        consequent: [],
        alternate: [],
      };
      top().nodes.push(node);
      stack.push({ kind: 'if', nodes: node.consequent, node, offset });
    } else if (eachMatch) {
      const alias = eachMatch[2] as string;
      if (!NAME.test(alias)) fail(source, offset, `loop variable "${alias}" must be a plain name`);
      const node: TemplateNode = {
        type: 'each',
        path: read(offset, eachMatch[1] as string),
        alias,
        body: [],
      };
      top().nodes.push(node);
      aliases.push(alias);
      stack.push({ kind: 'each', nodes: node.body, node, offset });
    } else if (body === 'else') {
      const frame = top();
      if (
        frame.kind !== 'if' ||
        frame.node?.type !== 'if' ||
        frame.nodes === frame.node.alternate
      ) {
        fail(source, offset, '{{else}} must be inside {{#if}}, once');
      }
      frame.nodes = frame.node.alternate;
    } else if (body === '/if' || body === '/each') {
      const frame = top();
      if (frame.kind !== body.slice(1)) {
        fail(
          source,
          offset,
          frame.kind === 'root'
            ? `{{${body}}} closes nothing`
            : `{{${body}}} closes {{#${frame.kind}}}`,
        );
      }
      if (frame.kind === 'each') aliases.pop();
      stack.pop();
    } else if (/^[#/]/.test(body)) {
      fail(source, offset, `unknown section {{${body}}}; use #if, #each, else, /if or /each`);
    } else {
      top().nodes.push({ type: 'value', path: read(offset, body) });
    }
  }
  const open = top();
  if (open.kind !== 'root') fail(source, open.offset, `{{#${open.kind}}} is never closed`);
  return { source, nodes: open.nodes, variables: [...variables] };
}
