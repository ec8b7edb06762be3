/**
 * Whether a JSON Schema already meets OpenAI's strict structured-output rules, so it can be
 * sent with `strict: true` as it is: the root is an object, every object closes its properties
 * (`additionalProperties: false`) and requires all of them, and arrays have one `items` schema
 * (no tuples).
 */
import type { JsonSchema } from '@keel/core';

const SUBSCHEMA_LISTS = ['anyOf', 'allOf', 'oneOf', 'prefixItems'] as const;
const SUBSCHEMA_MAPS = ['properties', '$defs', 'definitions'] as const;

export function isStrictSchema(schema: JsonSchema): boolean {
  return (schema as { type?: unknown } | null)?.type === 'object' && isStrictNode(schema);
}

function isStrictNode(schema: JsonSchema): boolean {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return true;
  const node = schema as Record<string, unknown>;
  if (node.type === 'object' || node.properties !== undefined) {
    const properties = Object.keys((node.properties as object | undefined) ?? {});
    const required = new Set((node.required as string[] | undefined) ?? []);
    if (node.additionalProperties !== false) return false;
    if (!properties.every((name) => required.has(name))) return false;
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = node[key];
    if (
      map &&
      typeof map === 'object' &&
      !Object.values(map).every((s) => isStrictNode(s as JsonSchema))
    ) {
      return false;
    }
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = node[key];
    if (Array.isArray(list) && !list.every((s) => isStrictNode(s as JsonSchema))) return false;
  }
  if (Array.isArray(node.items)) return false;
  return node.items === undefined || isStrictNode(node.items as JsonSchema);
}
