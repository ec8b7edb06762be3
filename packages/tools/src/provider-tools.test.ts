import type { JsonSchema } from '@keel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from './define-tool';
import {
  openAISchema,
  toAnthropicTool,
  toOpenAIChatTool,
  toOpenAIResponsesTool,
} from './provider-tools';
import { ToolSchemaError } from './tool-schema-error';
import { validateInput } from './validate-input';

/** OpenAI's documented strict-mode rules (Structured Outputs, "Supported schemas"). */
const OPENAI_SUPPORTED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'anyOf',
  'enum',
  'const',
  'description',
  '$ref',
  '$defs',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
]);
const OPENAI_FORMATS = new Set([
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
]);

function violationsOfOpenAIStrict(schema: JsonSchema, path = '#', depth = 0): string[] {
  const found: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!OPENAI_SUPPORTED.has(key)) found.push(`${path}: keyword ${key}`);
  }
  if (typeof schema.format === 'string' && !OPENAI_FORMATS.has(schema.format))
    found.push(`${path}: format ${schema.format}`);
  const isObject =
    schema.type === 'object' || (Array.isArray(schema.type) && schema.type.includes('object'));
  if (isObject) {
    if (depth + 1 > 10) found.push(`${path}: deeper than 10 levels`);
    if (schema.additionalProperties !== false)
      found.push(`${path}: additionalProperties is not false`);
    const keys = Object.keys((schema.properties as JsonSchema) ?? {});
    const required = (schema.required as string[]) ?? [];
    if (keys.length !== required.length || keys.some((k) => !required.includes(k))) {
      found.push(`${path}: not every property is required`);
    }
    for (const key of keys) {
      found.push(
        ...violationsOfOpenAIStrict(
          (schema.properties as Record<string, JsonSchema>)[key] as JsonSchema,
          `${path}/${key}`,
          depth + 1,
        ),
      );
    }
  }
  if (schema.items !== undefined)
    found.push(...violationsOfOpenAIStrict(schema.items as JsonSchema, `${path}/items`, depth));
  for (const [i, branch] of ((schema.anyOf as JsonSchema[]) ?? []).entries()) {
    found.push(...violationsOfOpenAIStrict(branch, `${path}/anyOf/${i}`, depth));
  }
  for (const [name, def] of Object.entries((schema.$defs as Record<string, JsonSchema>) ?? {})) {
    found.push(...violationsOfOpenAIStrict(def, `${path}/$defs/${name}`, depth));
  }
  return found;
}

const ANTHROPIC_STRICT_REJECTED = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'oneOf',
  'allOf',
  '$ref',
];

function keywordsIn(schema: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const item of schema) keywordsIn(item, found);
  else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      found.add(key);
      if (key !== 'properties' && key !== '$defs') keywordsIn(value, found);
      else for (const child of Object.values(value as object)) keywordsIn(child, found);
    }
  }
  return found;
}

const run = async () => 'ok';

const booking = defineTool({
  name: 'book_room',
  description: 'Book a meeting room.',
  input: z.object({
    room: z.string().min(2).max(40).describe('Room name'),
    attendees: z.array(z.email()).min(1).max(20),
    starts: z.iso.datetime(),
    minutes: z.number().int().min(15).max(480).default(30),
    note: z.string().optional(),
    priority: z.enum(['low', 'high']).optional(),
    site: z.url().optional(),
    kind: z.discriminatedUnion('type', [
      z.object({ type: z.literal('internal') }),
      z.object({ type: z.literal('external'), company: z.string() }),
    ]),
  }),
  effect: 'write',
  run,
});

describe('OpenAI Chat function tools', () => {
  it('writes a strict schema within the documented rules, optional fields as nullable', () => {
    const tool = toOpenAIChatTool(booking);
    expect(tool.type).toBe('function');
    expect(tool.function.name).toBe('book_room');
    expect(tool.function.strict).toBe(true);
    const schema = tool.function.parameters;
    expect(violationsOfOpenAIStrict(schema)).toEqual([]);
    const properties = schema.properties as Record<string, JsonSchema>;
    expect(properties.note).toEqual({ type: ['string', 'null'] });
    expect(properties.priority).toEqual({ type: ['string', 'null'], enum: ['low', 'high', null] });
    // The constraints strict mode rejects are kept for the model in the description.
    expect(properties.room?.description).toBe('Room name (minLength 2, maxLength 40)');
    expect(properties.minutes?.description).toBe('(default 30)');
    expect(properties.site).toEqual({ type: ['string', 'null'], description: '(format "uri")' });
    // Supported bounds stay; a supported format replaces zod's generated pattern.
    expect(properties.minutes).toMatchObject({ minimum: 15, maximum: 480 });
    expect(properties.starts).toEqual({ type: 'string', format: 'date-time' });
    // Discriminated unions become anyOf.
    expect(properties.kind?.anyOf).toHaveLength(2);
  });

  it('falls back to non-strict for records and says why', () => {
    const tool = defineTool({
      name: 'tag',
      description: 'Tag things.',
      input: z.object({ labels: z.record(z.string(), z.string()) }),
      effect: 'read',
      run,
    });
    const result = openAISchema(tool);
    expect(result.strict).toBe(false);
    expect(result.reason).toMatch(/propertyNames|extra properties/);
    expect(toOpenAIChatTool(tool).function.strict).toBe(false);
    expect(() => toOpenAIChatTool(tool, { strict: true })).toThrow(ToolSchemaError);
  });

  it('falls back past 10 levels of objects and 1,000 enum values', () => {
    let nested: z.ZodType = z.object({ leaf: z.string() });
    for (let i = 0; i < 10; i++) nested = z.object({ child: nested });
    const deep = defineTool({
      name: 'deep',
      description: 'Deep.',
      input: nested as z.ZodObject,
      effect: 'read',
      run,
    });
    expect(openAISchema(deep).reason).toMatch(/deeper than 10 levels/);
    const values = Array.from({ length: 1_001 }, (_, i) => `v${i}`) as [string, ...string[]];
    const wide = defineTool({
      name: 'wide',
      description: 'Wide.',
      input: z.object({ v: z.enum(values) }),
      effect: 'read',
      run,
    });
    expect(openAISchema(wide).strict).toBe(false);
  });

  it('lets a tool opt out of strict mode, and refuses strict: true it cannot honour at definition', () => {
    const loose = defineTool({
      name: 'loose',
      description: 'x',
      input: z.object({ a: z.string() }),
      effect: 'read',
      run,
      strict: false,
    });
    expect(toOpenAIChatTool(loose).function).toMatchObject({
      strict: false,
      parameters: { required: ['a'] },
    });
    expect(() =>
      defineTool({
        name: 'bad',
        description: 'x',
        input: z.object({ m: z.record(z.string(), z.number()) }),
        effect: 'read',
        run,
        strict: true,
      }),
    ).toThrow(ToolSchemaError);
  });
});

describe('OpenAI Responses tools', () => {
  it('is flat and always says strict, true or false', () => {
    expect(toOpenAIResponsesTool(booking)).toMatchObject({
      type: 'function',
      name: 'book_room',
      strict: true,
    });
    const plain = toOpenAIResponsesTool(booking, { strict: false });
    expect(plain.strict).toBe(false);
    expect(plain.parameters).toEqual(booking.definition.inputSchema);
  });
});

describe('Anthropic tools', () => {
  it('sends the schema as input_schema without $schema', () => {
    const tool = toAnthropicTool(booking);
    expect(tool).toMatchObject({ name: 'book_room', description: 'Book a meeting room.' });
    expect(tool.input_schema.type).toBe('object');
    expect(tool.input_schema).not.toHaveProperty('$schema');
    expect(tool).not.toHaveProperty('strict');
  });

  it('drops the keywords strict tool use rejects and keeps optional fields optional', () => {
    const tool = toAnthropicTool(booking, { strict: true });
    expect(tool.strict).toBe(true);
    const used = keywordsIn(tool.input_schema);
    for (const keyword of ANTHROPIC_STRICT_REJECTED) expect(used.has(keyword)).toBe(false);
    expect(tool.input_schema.required).toEqual(['room', 'attendees', 'starts', 'kind']);
    expect(tool.input_schema.additionalProperties).toBe(false);
    const properties = tool.input_schema.properties as Record<string, JsonSchema>;
    expect(properties.attendees).toMatchObject({ minItems: 1, description: '(maxItems 20)' });
    expect(properties.minutes).toMatchObject({
      default: 30,
      description: '(minimum 15, maximum 480)',
    });
    expect(properties.site).toEqual({ type: 'string', format: 'uri' });
  });

  it('writes nullable values as anyOf with a null branch in strict mode', () => {
    const tool = defineTool({
      name: 'n',
      description: 'x',
      input: z.object({ v: z.string().nullable() }),
      effect: 'read',
      run,
    });
    expect(toAnthropicTool(tool, { strict: true }).input_schema.properties).toEqual({
      v: { anyOf: [{ type: 'string' }, { type: 'null' }] },
    });
  });

  it('refuses recursive schemas in strict mode and top-level unions always', () => {
    const node: z.ZodType = z.object({
      name: z.string(),
      get children() {
        return z.array(node);
      },
    });
    const tree = defineTool({
      name: 'tree',
      description: 'x',
      input: z.object({ root: node }),
      effect: 'read',
      run,
    });
    expect(() => toAnthropicTool(tree, { strict: true })).toThrow(/recursive/);
    expect(openAISchema(tree).strict).toBe(true);
    const union = {
      name: 'u',
      description: 'x',
      inputSchema: { type: 'object', anyOf: [{ required: ['a'] }] },
    };
    expect(() => toAnthropicTool(union)).toThrow(ToolSchemaError);
    expect(() => toAnthropicTool(union)).toThrow(/anyOf" at the top level/);
  });
});

describe('strict schemas and validation agree', () => {
  it('nested objects, arrays of objects, unions and recursion: nullable optionals that validate', async () => {
    interface Category {
      name: string;
      children?: Category[];
    }
    const category: z.ZodType<Category> = z.object({
      name: z.string(),
      get children() {
        return z.array(category).optional();
      },
    });
    const input = z.object({
      unit: z.enum(['C', 'F']).optional(),
      address: z.object({ street: z.string(), floor: z.number().int().optional() }).optional(),
      lines: z.array(z.object({ sku: z.string(), note: z.string().optional() })),
      target: z.union([
        z.object({ email: z.email(), cc: z.email().optional() }),
        z.object({ phone: z.string(), ext: z.string().optional() }),
      ]),
      action: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('hold'), until: z.iso.date().optional() }),
        z.object({ kind: z.literal('ship') }),
      ]),
      category: category.optional(),
    });
    const received: unknown[] = [];
    const tool = defineTool({
      name: 'order',
      description: 'x',
      input,
      effect: 'read',
      run: (value) => received.push(value),
    });
    const { strict, schema } = openAISchema(tool);
    expect(strict).toBe(true);
    expect(violationsOfOpenAIStrict(schema)).toEqual([]);
    const properties = schema.properties as Record<string, JsonSchema>;
    expect(properties.unit).toEqual({ type: ['string', 'null'], enum: ['C', 'F', null] });
    expect(properties.category).toEqual({
      anyOf: [{ $ref: expect.any(String) }, { type: 'null' }],
    });
    const [def] = Object.values(schema.$defs as Record<string, JsonSchema>);
    expect(def).toMatchObject({
      required: ['name', 'children'],
      additionalProperties: false,
      properties: { children: { type: ['array', 'null'] } },
    });

    // What a strict-mode model sends: every key, null wherever it leaves an optional out.
    const args = {
      unit: null,
      address: { street: 'Main St', floor: null },
      lines: [
        { sku: 'A1', note: null },
        { sku: 'B2', note: 'gift' },
      ],
      target: { phone: '+47 1234', ext: null },
      action: { kind: 'hold', until: null },
      category: { name: 'root', children: [{ name: 'leaf', children: null }] },
    };
    const validation = await validateInput(input, args);
    expect(validation).toMatchObject({
      ok: true,
      value: {
        address: { street: 'Main St' },
        lines: [{ sku: 'A1' }, { sku: 'B2', note: 'gift' }],
        target: { phone: '+47 1234' },
        action: { kind: 'hold' },
        category: { name: 'root', children: [{ name: 'leaf' }] },
      },
    });
    // A null the schema really refuses is still reported.
    const wrong = await validateInput(input, { ...args, target: { phone: null } });
    expect(wrong.ok).toBe(false);
  });

  const leaf = fc.constantFrom<[string, z.ZodType, fc.Arbitrary<unknown>]>(
    ['string', z.string(), fc.string({ maxLength: 5 })],
    ['bounded string', z.string().max(5), fc.string({ maxLength: 5 })],
    ['int', z.number().int().min(0).max(9), fc.integer({ min: 0, max: 9 })],
    ['bool', z.boolean(), fc.boolean()],
    ['enum', z.enum(['a', 'b']), fc.constantFrom('a', 'b')],
    ['nullable', z.string().nullable(), fc.option(fc.string({ maxLength: 3 }), { nil: null })],
    ['array', z.array(z.number()).max(3), fc.array(fc.integer(), { maxLength: 3 })],
  );
  const field = fc.tuple(leaf, fc.boolean());
  const shapes = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), field, { minKeys: 1 });

  it('any object schema becomes a valid strict schema, and strict-mode arguments validate', async () => {
    await fc.assert(
      fc.asyncProperty(shapes, fc.integer(), async (fields, seed) => {
        const shape: Record<string, z.ZodType> = {};
        for (const [key, [[, schema], optional]] of Object.entries(fields))
          shape[key] = optional ? schema.optional() : schema;
        const input = z.object(shape);
        const tool = defineTool({ name: 'p', description: 'x', input, effect: 'read', run });
        const { strict, schema } = openAISchema(tool);
        expect(strict).toBe(true);
        expect(violationsOfOpenAIStrict(schema)).toEqual([]);
        // What a strict-mode model sends: every key present, null for the optional ones it leaves out.
        const args: Record<string, unknown> = {};
        for (const [key, [[, , arbitrary], optional]] of Object.entries(fields)) {
          args[key] =
            optional && seed % 2 === 0 ? null : fc.sample(arbitrary, { numRuns: 1, seed })[0];
        }
        const validation = await validateInput(input, args);
        expect(validation.ok).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
