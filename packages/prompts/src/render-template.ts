/**
 * Renders a parsed template against validated input. Values are written as text through a
 * caller-supplied formatter and never parsed again, so a value holding `{{…}}` stays literal.
 */
import { InvalidArgumentError } from '@keel/core';
import type { Template, TemplateNode, ValuePath } from './parse-template';

/** Turns one interpolated value into text; `path` is how the template named it. */
export type FormatValue = (value: unknown, path: ValuePath) => string;

type Scope = ReadonlyMap<string, unknown>;

const EMPTY_SCOPE: Scope = new Map();

function lookup(input: unknown, scope: Scope, path: ValuePath): unknown {
  const root = path[0] as string;
  let value: unknown = scope.has(root) ? scope.get(root) : own(input, root);
  for (let i = 1; i < path.length; i++) value = own(value, path[i] as string);
  return value;
}

/** An own property only, so `constructor` or `__proto__` never reach the prototype. */
function own(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function renderNodes(
  nodes: readonly TemplateNode[],
  input: unknown,
  scope: Scope,
  format: FormatValue,
): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') {
      out += node.text;
    } else if (node.type === 'value') {
      out += format(lookup(input, scope, node.path), node.path);
    } else if (node.type === 'if') {
      const branch = truthy(lookup(input, scope, node.path)) ? node.consequent : node.alternate;
      out += renderNodes(branch, input, scope, format);
    } else {
      const items = lookup(input, scope, node.path);
      if (items === undefined || items === null) continue;
      if (!Array.isArray(items)) {
        throw new InvalidArgumentError({
          argument: 'input',
          message: `{{#each ${node.path.join('.')}}} needs an array, got ${typeof items}; fix the input schema`,
        });
      }
      const inner = new Map(scope);
      for (let index = 0; index < items.length; index++) {
        inner.set(node.alias, items[index]);
        inner.set('@index', index);
        inner.set('@first', index === 0);
        inner.set('@last', index === items.length - 1);
        out += renderNodes(node.body, input, inner, format);
      }
    }
  }
  return out;
}

/**
 * The text of `template` for `input`, each interpolated value written by `format`.
 *
 * @throws InvalidArgumentError when `{{#each}}` meets something other than an array.
 * @example
 * ```ts
 * renderTemplate(parseTemplate('Hi {{name}}'), { name: '{{x}}' }, String); // 'Hi {{x}}'
 * ```
 */
export function renderTemplate(template: Template, input: unknown, format: FormatValue): string {
  return renderNodes(template.nodes, input, EMPTY_SCOPE, format);
}
