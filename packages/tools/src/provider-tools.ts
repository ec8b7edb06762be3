/**
 * One tool, three wire formats: OpenAI Chat Completions function tools, OpenAI Responses
 * function tools and Anthropic tools, each within its provider's documented schema rules.
 */
import type { JsonSchema, ToolDefinition } from '@keel/core';
import { type StrictProfile, toStrictSchema } from './strict-schema';
import { ToolSchemaError } from './tool-schema-error';

/** String formats both providers' strict modes understand. */
const STRICT_FORMATS = [
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
];

/** Constraints neither strict mode accepts. */
const LENGTH_AND_COUNT_KEYWORDS = [
  'minLength',
  'maxLength',
  'uniqueItems',
  'minProperties',
  'maxProperties',
];

/**
 * OpenAI Structured Outputs (strict function calling): every property required (optional ones
 * nullable), `additionalProperties: false` everywhere, no `allOf`/`not`/conditionals, string
 * `pattern` and a fixed set of formats, numeric bounds and `minItems`/`maxItems`, up to 10
 * levels of objects, 5,000 properties, 1,000 enum values and 120,000 characters of names and
 * enum values (15,000 for one enum of more than 250 values).
 */
export const OPENAI_STRICT: StrictProfile = {
  formats: new Set(STRICT_FORMATS),
  dropped: new Set([...LENGTH_AND_COUNT_KEYWORDS, 'default']),
  requireAll: true,
  refs: true,
  nullableAsAnyOf: false,
  limits: {
    objectDepth: 10,
    properties: 5_000,
    enumValues: 1_000,
    stringChars: 120_000,
    largeEnum: { values: 250, chars: 15_000 },
  },
};

/**
 * Anthropic strict tool use: `additionalProperties: false` everywhere; no numeric bounds, string
 * lengths, `maxItems`, `uniqueItems` or `minItems` above 1; no recursion; a fixed set of formats;
 * nullable values as `anyOf` with a null branch. Optional properties stay optional.
 */
export const ANTHROPIC_STRICT: StrictProfile = {
  formats: new Set([...STRICT_FORMATS, 'uri']),
  dropped: new Set([
    ...LENGTH_AND_COUNT_KEYWORDS,
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'maxItems',
  ]),
  maxMinItems: 1,
  requireAll: false,
  refs: false,
  nullableAsAnyOf: true,
};

/** A JSON Schema whose root is an object, as every provider requires of a tool's input. */
export type ObjectSchema = JsonSchema & { type: 'object' };

/** A tool as OpenAI Chat Completions takes it in `tools`. */
export interface OpenAIChatTool {
  type: 'function';
  function: { name: string; description: string; parameters: JsonSchema; strict: boolean };
}

/** A tool as the OpenAI Responses API takes it in `tools` (flat, `strict` always explicit). */
export interface OpenAIResponsesTool {
  type: 'function';
  name: string;
  description: string;
  parameters: JsonSchema;
  strict: boolean;
}

/** A tool as the Anthropic Messages API takes it in `tools`. */
export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: ObjectSchema;
  strict?: true;
}

/** A tool definition, or a defined tool (whose own `strict` preference then applies). */
export type ToolSource = ToolDefinition | { definition: ToolDefinition; strict?: boolean };

/** Options of the provider conversions. */
export interface ProviderToolOptions {
  /**
   * `true` requires strict mode (a {@link ToolSchemaError} when the schema cannot be strict),
   * `false` never uses it. Default for OpenAI: strict whenever possible (or the tool's own
   * `strict`); for Anthropic: non-strict.
   */
  strict?: boolean;
}

function unpack(source: ToolSource): { definition: ToolDefinition; strict?: boolean } {
  return 'definition' in source ? source : { definition: source };
}

/** The root checks every provider applies: an object schema, no combinator at the top. */
function rootSchema(definition: ToolDefinition, provider: string): ObjectSchema {
  const { $schema: _ignored, ...schema } = definition.inputSchema;
  const combinator = ['anyOf', 'oneOf', 'allOf'].find((key) => key in schema);
  if (schema.type !== 'object' || combinator !== undefined) {
    throw new ToolSchemaError({
      toolName: definition.name,
      provider,
      reason:
        combinator === undefined
          ? 'the input schema root is not type "object"'
          : `the input schema has "${combinator}" at the top level`,
      advice: 'make the input an object and put unions inside one of its properties',
    });
  }
  return schema as ObjectSchema;
}

/** The strict schema, or a {@link ToolSchemaError} saying why there is none. */
function requireStrict(
  definition: ToolDefinition,
  schema: JsonSchema,
  profile: StrictProfile,
  provider: string,
): JsonSchema {
  const result = toStrictSchema(schema, profile);
  if (result.strict) return result.schema;
  throw new ToolSchemaError({
    toolName: definition.name,
    provider: `${provider} strict mode`,
    reason: result.reason,
    advice: 'simplify the schema or pass strict: false',
  });
}

/**
 * The OpenAI input schema of a tool: strict when possible (or required), else as defined.
 *
 * @example
 * ```ts
 * const { strict, schema } = openAISchema(getWeather);
 * ```
 */
export function openAISchema(
  source: ToolSource,
  { strict: option }: ProviderToolOptions = {},
): { strict: boolean; schema: JsonSchema; reason?: string } {
  const { definition, strict: preference } = unpack(source);
  const schema = rootSchema(definition, 'OpenAI');
  const mode = option ?? preference;
  if (mode === false) return { strict: false, schema, reason: 'strict mode was turned off' };
  if (mode === true) {
    return { strict: true, schema: requireStrict(definition, schema, OPENAI_STRICT, 'OpenAI') };
  }
  const result = toStrictSchema(schema, OPENAI_STRICT);
  return result.strict
    ? { strict: true, schema: result.schema }
    : { strict: false, schema, reason: result.reason };
}

/** The function description both OpenAI APIs share. */
function openAIFunction(source: ToolSource, options: ProviderToolOptions | undefined) {
  const { definition } = unpack(source);
  const { strict, schema } = openAISchema(source, options);
  return { name: definition.name, description: definition.description, parameters: schema, strict };
}

/**
 * A tool for OpenAI Chat Completions (`tools` of `chat.completions.create`).
 *
 * @throws ToolSchemaError when `strict: true` and the schema cannot be strict, or the root is not an object.
 * @example
 * ```ts
 * await openai.chat.completions.create({ model, messages, tools: [toOpenAIChatTool(getWeather)] });
 * ```
 */
export function toOpenAIChatTool(
  source: ToolSource,
  options?: ProviderToolOptions,
): OpenAIChatTool {
  return { type: 'function', function: openAIFunction(source, options) };
}

/**
 * A tool for the OpenAI Responses API (`tools` of `responses.create`). `strict` is always sent:
 * left out, Responses would force strict mode on a schema not written for it.
 *
 * @throws ToolSchemaError when `strict: true` and the schema cannot be strict, or the root is not an object.
 * @example
 * ```ts
 * await openai.responses.create({ model, input, tools: [toOpenAIResponsesTool(getWeather)] });
 * ```
 */
export function toOpenAIResponsesTool(
  source: ToolSource,
  options?: ProviderToolOptions,
): OpenAIResponsesTool {
  return { type: 'function', ...openAIFunction(source, options) };
}

/**
 * A tool for the Anthropic Messages API (`tools` of `messages.create`). With `strict: true`,
 * the schema is rewritten for strict tool use (constraints it rejects are dropped and written
 * into descriptions; the dispatcher still enforces them).
 *
 * @throws ToolSchemaError when the root is not an object or has a top-level `anyOf`/`oneOf`/`allOf`
 * (Anthropic rejects those), or `strict: true` and the schema cannot be strict.
 * @example
 * ```ts
 * await anthropic.messages.create({ model, max_tokens: 1024, messages, tools: [toAnthropicTool(getWeather)] });
 * ```
 */
export function toAnthropicTool(
  source: ToolSource,
  { strict }: ProviderToolOptions = {},
): AnthropicTool {
  const { definition } = unpack(source);
  const schema = rootSchema(definition, 'Anthropic');
  const base = { name: definition.name, description: definition.description };
  if (strict !== true) return { ...base, input_schema: schema };
  return {
    ...base,
    // The strict rewrite keeps the root's type: object.
    input_schema: requireStrict(definition, schema, ANTHROPIC_STRICT, 'Anthropic') as ObjectSchema,
    strict: true,
  };
}
