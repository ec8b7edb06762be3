import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { argumentsDigest, canonicalJson } from './canonical-json';
import { defineTool } from './define-tool';

const base = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  input: z.object({ city: z.string().describe('City name'), days: z.number().int().default(1) }),
  effect: 'read' as const,
  run: async () => 'sunny',
};

describe('defineTool', () => {
  it('derives the definition a model is sent from the zod schema, as input', () => {
    const tool = defineTool(base);
    expect(tool.definition).toEqual({
      name: 'get_weather',
      description: 'Current weather for a city.',
      inputSchema: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City name' },
          days: {
            type: 'integer',
            default: 1,
            minimum: -9007199254740991,
            maximum: 9007199254740991,
          },
        },
        required: ['city'],
      },
    });
    expect(Object.isFrozen(tool)).toBe(true);
  });

  it.each([
    [{ name: 'get weather' }, /name must match/],
    [{ name: 'x'.repeat(65) }, /name must match/],
    [{ description: ' ' }, /needs a description/],
    [{ input: { parse() {} } }, /zod 4 schema/],
    [{ input: z.string() }, /input must be an object schema/],
    [
      { input: z.union([z.object({ a: z.string() }), z.object({ b: z.string() })]) },
      /input must be an object schema/,
    ],
    [{ input: z.object({ when: z.date() }) }, /cannot be written as JSON Schema/],
    [{ effect: 'delete' }, /effect must be/],
    [{ timeoutMs: 0 }, /timeoutMs must be a whole number/],
    [{ maxResultTokens: 1.5 }, /maxResultTokens must be a whole number/],
    [{ run: 'nope' }, /needs a run/],
  ])('refuses %j with a typed error', (override, message) => {
    const attempt = () =>
      defineTool({ ...base, ...override } as unknown as Parameters<typeof defineTool>[0]);
    expect(attempt).toThrow(message);
    expect(() => attempt()).toThrow(InvalidArgumentError);
  });
});

describe('argument digests', () => {
  it('ignore key order and treat prototype keys as data', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: undefined }], a: 'x' })).toBe(
      '{"a":"x","b":[1,{"d":1}]}',
    );
    const hostile = JSON.parse('{"__proto__":{"admin":true},"a":1}');
    expect(canonicalJson(hostile)).toBe('{"__proto__":{"admin":true},"a":1}');
    expect(argumentsDigest({ a: 1, b: 2 })).toBe(argumentsDigest({ b: 2, a: 1 }));
    expect(argumentsDigest({ a: 1 })).not.toBe(argumentsDigest({ a: '1' }));
    expect(argumentsDigest({})).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
