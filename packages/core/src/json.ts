/**
 * JSON value and JSON Schema types shared by tools, structured output and providers.
 */

/** Any value that survives `JSON.parse(JSON.stringify(value))` unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/**
 * A JSON Schema document (draft 2020-12 or draft-07), as plain data. Keel passes it to providers
 * as given; `@keel/tools` produces provider-specific variants from one zod schema.
 *
 * @example
 * ```ts
 * const schema: JsonSchema = {
 *   type: 'object',
 *   properties: { city: { type: 'string' } },
 *   required: ['city'],
 *   additionalProperties: false,
 * };
 * ```
 */
export type JsonSchema = { [keyword: string]: unknown };
