/**
 * The small type language of prompt files' front matter, turned into zod: `string`, `number`,
 * `integer`, `boolean` or `untrusted`, with `[]` for a list and a trailing `?` for optional,
 * and nested mappings for objects.
 *
 * ```yaml
 * input:
 *   page: untrusted
 *   tags: string[]?
 *   user: { name: string, age: integer? }
 * ```
 */
import { z } from 'zod';
import { untrustedText } from './untrusted';

const BASE: Readonly<Record<string, () => z.ZodType>> = {
  string: () => z.string(),
  number: () => z.number(),
  integer: () => z.number().int(),
  boolean: () => z.boolean(),
  untrusted: untrustedText,
};

const TYPE = /^(\w+)(\[\])?(\?)?$/;

function fieldSchema(spec: unknown, path: string): z.ZodType {
  if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) {
    return objectFromTypes(spec as Record<string, unknown>, path);
  }
  const match = typeof spec === 'string' ? TYPE.exec(spec.trim()) : null;
  const base =
    match && Object.hasOwn(BASE, match[1] as string) ? BASE[match[1] as string] : undefined;
  if (!match || !base) {
    throw new TypeError(
      `"${path}" has type ${JSON.stringify(spec)}; use ${Object.keys(BASE).join(', ')}, with [] for a list and ? for optional, or a mapping for an object`,
    );
  }
  const item = base();
  const schema = match[2] ? z.array(item) : item;
  return match[3] ? schema.optional() : schema;
}

/**
 * A strict `z.object` for a mapping of names to type strings.
 *
 * @throws TypeError naming the first field with an unknown type or named `__proto__`.
 * @example
 * ```ts
 * objectFromTypes({ page: 'untrusted', tags: 'string[]?' }, 'input');
 * ```
 */
export function objectFromTypes(types: Record<string, unknown>, path: string): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(types)) {
    if (name === '__proto__') {
      throw new TypeError(`"${path}.__proto__" is not a usable field name; rename the field`);
    }
    shape[name] = fieldSchema(spec, `${path}.${name}`);
  }
  return z.strictObject(shape);
}
