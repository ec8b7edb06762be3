/**
 * Rewriting a JSON Schema into the subset a provider's strict (grammar-constrained) mode
 * accepts. Constraints the provider rejects but our own validation still enforces are dropped
 * and written into the description, so the model still reads them; constructs strict mode
 * cannot express make the schema incompatible, and the caller falls back to non-strict.
 */
import type { JsonSchema } from '@keel/core';

/** What one provider's strict mode accepts. */
export interface StrictProfile {
  /** `format` values the provider understands; others are dropped and noted. */
  formats: ReadonlySet<string>;
  /** Constraint keywords the provider rejects: dropped and noted in the description. */
  dropped: ReadonlySet<string>;
  /** Largest `minItems` the provider accepts (larger ones are dropped and noted). */
  maxMinItems?: number;
  /** Every property listed in `required`, optional ones made nullable (OpenAI). */
  requireAll: boolean;
  /** `$ref` (zod emits it only for recursive schemas) is accepted. */
  refs: boolean;
  /** Write `type: [t, 'null']` as `anyOf: [{ type: t }, { type: 'null' }]`. */
  nullableAsAnyOf: boolean;
  /** Size limits of the whole schema. */
  limits?: {
    objectDepth: number;
    properties: number;
    enumValues: number;
    stringChars: number;
    largeEnum: { values: number; chars: number };
  };
}

/** A strict schema, or why the schema cannot be strict. */
export type StrictSchemaResult =
  | { strict: true; schema: JsonSchema }
  | { strict: false; reason: string };

/** Keywords strict modes cannot express: the whole schema falls back to non-strict. */
const INCOMPATIBLE = new Set([
  'allOf',
  'not',
  'if',
  'then',
  'else',
  'dependentRequired',
  'dependentSchemas',
  'patternProperties',
  'propertyNames',
  'prefixItems',
  'contains',
  'minContains',
  'maxContains',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

/** Keywords kept as they are (after their subschemas are rewritten). */
const STRUCTURAL = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'oneOf',
  'enum',
  'const',
  'description',
  '$ref',
  '$defs',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'pattern',
  'format',
  'default',
]);

/** Regular-expression features strict grammars do not support. */
const UNSUPPORTED_PATTERN = /\(\?[=!<]|\\[1-9]|\\b|\\B/;

class Incompatible extends Error {}

interface Totals {
  properties: number;
  enumValues: number;
  stringChars: number;
}

/**
 * Rewrites `schema` for a provider's strict mode, or says why it cannot be.
 *
 * @example
 * ```ts
 * const result = toStrictSchema(tool.definition.inputSchema, OPENAI_STRICT);
 * if (result.strict) send(result.schema); else console.warn(result.reason);
 * ```
 */
export function toStrictSchema(schema: JsonSchema, profile: StrictProfile): StrictSchemaResult {
  const totals: Totals = { properties: 0, enumValues: 0, stringChars: 0 };
  try {
    const rewritten = rewrite(schema, profile, totals, 0, '#');
    const { limits } = profile;
    if (limits !== undefined) {
      check(
        totals.properties <= limits.properties,
        `it has ${totals.properties} properties (limit ${limits.properties})`,
      );
      check(
        totals.enumValues <= limits.enumValues,
        `it has ${totals.enumValues} enum values (limit ${limits.enumValues})`,
      );
      check(
        totals.stringChars <= limits.stringChars,
        `its names and enum values total ${totals.stringChars} characters (limit ${limits.stringChars})`,
      );
    }
    return { strict: true, schema: rewritten };
  } catch (error) {
    if (error instanceof Incompatible) return { strict: false, reason: error.message };
    throw error;
  }
}

function check(condition: boolean, reason: string): void {
  if (!condition) throw new Incompatible(reason);
}

function isRecord(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rewrite(
  node: unknown,
  profile: StrictProfile,
  totals: Totals,
  objectDepth: number,
  path: string,
): JsonSchema {
  check(isRecord(node), `${path} is not a schema object`);
  const schema = node as JsonSchema;
  check(
    'type' in schema ||
      'anyOf' in schema ||
      'oneOf' in schema ||
      '$ref' in schema ||
      'enum' in schema ||
      'const' in schema,
    `${path} accepts any value (strict mode needs a type)`,
  );
  const out: JsonSchema = {};
  const notes: string[] = [];
  const hasKnownFormat = typeof schema.format === 'string' && profile.formats.has(schema.format);
  for (const [key, value] of Object.entries(schema)) {
    check(!INCOMPATIBLE.has(key), `${path} uses "${key}"`);
    if (profile.dropped.has(key)) {
      notes.push(`${key} ${JSON.stringify(value)}`);
    } else if (key === 'format' && !hasKnownFormat) {
      notes.push(`format ${JSON.stringify(value)}`);
    } else if (key === 'pattern') {
      // A known format already says it; lookarounds and backreferences are not supported.
      if (hasKnownFormat) continue;
      if (typeof value === 'string' && UNSUPPORTED_PATTERN.test(value)) {
        notes.push(`pattern ${JSON.stringify(value)}`);
      } else out.pattern = value;
    } else if (
      key === 'minItems' &&
      profile.maxMinItems !== undefined &&
      Number(value) > profile.maxMinItems
    ) {
      notes.push(`minItems ${JSON.stringify(value)}`);
    } else if (key === '$ref') {
      check(profile.refs, `${path} is recursive ($ref)`);
      out.$ref = value;
    } else if (STRUCTURAL.has(key)) {
      out[key] = value;
    }
    // Anything else is an annotation (title, examples, $comment, ...): left out.
  }
  countStrings(out, profile, totals, path);
  if (Array.isArray(out.oneOf)) {
    out.anyOf = out.oneOf;
    delete out.oneOf;
  }
  if (Array.isArray(out.anyOf)) {
    out.anyOf = out.anyOf.map((branch, i) =>
      rewrite(branch, profile, totals, objectDepth, `${path}/anyOf/${i}`),
    );
  }
  if (isRecord(out.$defs)) {
    const defs: JsonSchema = {};
    for (const [name, def] of Object.entries(out.$defs)) {
      totals.stringChars += name.length;
      defs[name] = rewrite(def, profile, totals, objectDepth, `${path}/$defs/${name}`);
    }
    out.$defs = defs;
  }
  if ('items' in out) out.items = rewrite(out.items, profile, totals, objectDepth, `${path}/items`);
  else check(!typeIncludes(out, 'array'), `${path} is an array without "items"`);
  if (typeIncludes(out, 'object') || 'properties' in out) {
    rewriteObject(out, profile, totals, objectDepth + 1, path);
  }
  if (profile.nullableAsAnyOf && Array.isArray(out.type) && out.type.includes('null')) {
    splitNullable(out);
  }
  if (notes.length > 0) {
    const description = typeof out.description === 'string' ? `${out.description} ` : '';
    out.description = `${description}(${notes.join(', ')})`;
  }
  return out;
}

function rewriteObject(
  out: JsonSchema,
  profile: StrictProfile,
  totals: Totals,
  objectDepth: number,
  path: string,
): void {
  const { limits } = profile;
  if (limits !== undefined) {
    check(
      objectDepth <= limits.objectDepth,
      `${path} nests objects deeper than ${limits.objectDepth} levels`,
    );
  }
  check(
    out.additionalProperties === undefined || out.additionalProperties === false,
    `${path} allows extra properties (a record or loose object)`,
  );
  const properties = isRecord(out.properties) ? out.properties : {};
  const required = new Set(Array.isArray(out.required) ? (out.required as string[]) : []);
  const rewritten: JsonSchema = {};
  for (const [name, property] of Object.entries(properties)) {
    totals.properties++;
    totals.stringChars += name.length;
    const child = rewrite(property, profile, totals, objectDepth, `${path}/properties/${name}`);
    rewritten[name] = profile.requireAll && !required.has(name) ? nullable(child) : child;
  }
  out.properties = rewritten;
  out.required = profile.requireAll ? Object.keys(rewritten) : [...required];
  out.additionalProperties = false;
}

function typeIncludes(schema: JsonSchema, type: string): boolean {
  return schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));
}

function countStrings(out: JsonSchema, profile: StrictProfile, totals: Totals, path: string): void {
  if (typeof out.const === 'string') totals.stringChars += out.const.length;
  if (!Array.isArray(out.enum)) return;
  totals.enumValues += out.enum.length;
  const chars = out.enum.reduce<number>(
    (sum, value) => sum + (typeof value === 'string' ? value.length : 0),
    0,
  );
  totals.stringChars += chars;
  const large = profile.limits?.largeEnum;
  if (large !== undefined && out.enum.length > large.values) {
    check(
      chars <= large.chars,
      `${path} has ${out.enum.length} enum values totalling ${chars} characters (limit ${large.chars} above ${large.values} values)`,
    );
  }
}

/** The schema, also accepting null (how strict mode says "optional"). */
function nullable(schema: JsonSchema): JsonSchema {
  if (Array.isArray(schema.anyOf)) {
    const hasNull = schema.anyOf.some((branch) => isRecord(branch) && branch.type === 'null');
    return hasNull ? schema : { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
  }
  if (typeof schema.type === 'string' && !('const' in schema)) {
    const withNull: JsonSchema = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) withNull.enum = [...schema.enum, null];
    return withNull;
  }
  if (Array.isArray(schema.type)) {
    return schema.type.includes('null') ? schema : { ...schema, type: [...schema.type, 'null'] };
  }
  const { description, ...rest } = schema;
  return {
    anyOf: [rest, { type: 'null' }],
    ...(description !== undefined && { description }),
  };
}

/** Moves `type: [t, 'null']` into `anyOf` branches, in place. */
function splitNullable(out: JsonSchema): void {
  const types = (out.type as string[]).filter((type) => type !== 'null');
  const { description, type: _type, ...rest } = out;
  for (const key of Object.keys(out)) delete out[key];
  const valued: JsonSchema = { ...rest, type: types.length === 1 ? types[0] : types };
  if (Array.isArray(valued.enum)) valued.enum = valued.enum.filter((value) => value !== null);
  out.anyOf = [valued, { type: 'null' }];
  if (description !== undefined) out.description = description;
}
