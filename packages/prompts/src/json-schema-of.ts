/**
 * A zod schema as JSON Schema data, for hashing and diffing prompts. Types JSON Schema cannot
 * express (such as untrusted text) become `{}`.
 */
import { z } from 'zod';

/** The JSON Schema of `schema`, or null without one. */
export function jsonSchemaOf(schema: z.ZodType | undefined): unknown {
  return schema === undefined ? null : z.toJSONSchema(schema, { unrepresentable: 'any' });
}
