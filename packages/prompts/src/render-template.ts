/**
 * Renders a parsed template against validated input. Values are written as text through a
 * caller-supplied formatter and never parsed again, so a value holding `{{…}}` stays literal.
 */
import { InvalidArgumentError } from '@keel/core';
import type { Template, TemplateNode, ValuePath } from './parse-template';

/** Turns one interpolated value into text; `path` is how the template named it. */
export type FormatValue = (value: unknown, path: string) => string;

type Scope = ReadonlyMap<string, unknown>;

function lookup(input: unknown, scope: Scope, path: ValuePath): unknown {
  const [root, ...rest] = path as [string, ...string[]];
  let value: unknown = scope.has(root) ? scope.get(root) : own(input, root);
  for (const key of rest) value = own(value, key);
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
  out: string[],
): void {
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push(node.text);
    } else if (node.type === 'value') {
      out.push(format(lookup(input, scope, node.path), node.path.join('.')));
    } else if (node.type === 'if') {
      const branch = truthy(lookup(input, scope, node.path)) ? node.consequent : node.alternate;
      renderNodes(branch, input, scope, format, out);
    } else {
      const items = lookup(input, scope, node.path);
      if (items === undefined || items === null) continue;
      if (!Array.isArray(items)) {
        throw new InvalidArgumentError({
          argument: 'input',
          message: `{{#each ${node.path.join('.')}}} needs an array, got ${typeof items}; fix the input schema`,
        });
      }
      items.forEach((item, index) => {
        const inner = new Map(scope);
        inner.set(node.alias, item);
        inner.set('@index', index);
        inner.set('@first', index === 0);
        inner.set('@last', index === items.length - 1);
        renderNodes(node.body, input, inner, format, out);
      });
    }
  }
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
  const out: string[] = [];
  renderNodes(template.nodes, input, new Map(), format, out);
  return out.join('');
}
