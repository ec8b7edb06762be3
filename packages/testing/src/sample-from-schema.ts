/**
 * The smallest value that satisfies a JSON Schema, so that an unscripted forced tool call or
 * structured-output request still gets input the caller's validator accepts.
 */

type Schema = { [keyword: string]: unknown };

/** A deterministic minimal value for `schema` (objects get their required properties). */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (schema === null || typeof schema !== 'object' || depth > 8) return null;
  const s = schema as Schema;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ('default' in s) return s.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0)
      return sampleFromSchema(options[0], depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      return Object.fromEntries(
        required.map((name) => [name, sampleFromSchema(properties[name], depth + 1)]),
      );
    }
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      return Array.from({ length: min }, () => sampleFromSchema(s.items, depth + 1));
    }
    case 'string':
      return typeof s.minLength === 'number' ? 'x'.repeat(s.minLength) : 'mock';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean':
      return false;
    default:
      return s.properties ? sampleFromSchema({ ...s, type: 'object' }, depth) : null;
  }
}
