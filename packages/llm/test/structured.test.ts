import { createFakeChatModel } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateObject, ObjectValidationError, streamObject } from '../src/index';
import { ask, bodyOf, useMock } from './helpers';

const env = useMock();

const Recipe = z.object({
  title: z.string(),
  minutes: z.number().int().positive(),
  tags: z.array(z.string()),
});

describe('generateObject', () => {
  it('uses OpenAI structured outputs, strict when the schema allows it', async () => {
    env.mock.enqueue('openai.chat', { text: '{"title":"Soup","minutes":20,"tags":["easy"]}' });
    const result = await generateObject(env.openai(), {
      ...ask('A recipe'),
      schema: Recipe,
      schemaName: 'recipe',
    });
    expect(result.object).toEqual({ title: 'Soup', minutes: 20, tags: ['easy'] });
    expect(result.attempts).toBe(1);
    expect(bodyOf(env.mock).response_format).toMatchObject({
      type: 'json_schema',
      json_schema: {
        name: 'recipe',
        strict: true,
        schema: { type: 'object', required: ['title', 'minutes', 'tags'] },
      },
    });
  });

  it('is not strict when the schema has optional fields', async () => {
    env.mock.enqueue('openai.responses', { text: '{"title":"Soup"}' });
    const schema = z.object({ title: z.string(), note: z.string().optional() });
    await generateObject(env.openai({ api: 'responses' }), { ...ask('x'), schema });
    expect(bodyOf(env.mock).text).toMatchObject({
      format: { type: 'json_schema', name: 'response', strict: false },
    });
  });

  it('is not strict for a tuple or a root that is not an object', async () => {
    const strictOf = async (schema: z.ZodType, text: string) => {
      env.mock.enqueue('openai.chat', { text });
      await generateObject(env.openai(), { ...ask('x'), schema });
      const format = bodyOf(env.mock, env.mock.requests.length - 1).response_format as {
        json_schema: { strict: boolean };
      };
      return format.json_schema.strict;
    };
    const open = z.object({ note: z.string() }).loose();
    expect(
      await strictOf(z.object({ pair: z.tuple([open, z.number()]) }), '{"pair":[{"note":"a"},1]}'),
    ).toBe(false);
    expect(await strictOf(z.array(z.string()), '["a"]')).toBe(false);
    expect(await strictOf(z.object({ list: z.array(z.string()) }), '{"list":[]}')).toBe(true);
  });

  it("uses Anthropic's forced tool and reads its input as the answer", async () => {
    env.mock.enqueue('anthropic.messages', {
      toolCalls: [{ name: 'recipe', input: { title: 'Stew', minutes: 90, tags: [] } }],
    });
    const result = await generateObject(env.anthropic(), {
      ...ask('A recipe'),
      schema: Recipe,
      schemaName: 'recipe',
    });
    expect(result.object).toEqual({ title: 'Stew', minutes: 90, tags: [] });
    const body = bodyOf(env.mock);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'recipe' });
    expect(body.tools).toEqual([
      expect.objectContaining({
        name: 'recipe',
        input_schema: expect.objectContaining({ type: 'object' }),
      }),
    ]);
  });

  it('repairs an invalid first answer by sending the problems back, counting both calls', async () => {
    env.mock.enqueue(
      'openai.chat',
      { text: '{"title":"Soup","minutes":-5}', usage: { inputTokens: 50, outputTokens: 10 } },
      {
        text: '```json\n{"title":"Soup","minutes":5,"tags":[]}\n```',
        usage: { inputTokens: 90, outputTokens: 12 },
      },
    );
    const result = await generateObject(env.openai(), { ...ask('A recipe'), schema: Recipe });
    expect(result).toMatchObject({
      object: { minutes: 5 },
      attempts: 2,
      usage: { inputTokens: 140, outputTokens: 22 },
    });
    expect(result.costUsd).toBeGreaterThan(0);
    const repair = bodyOf(env.mock, 1).messages as Array<{ role: string; content: string }>;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: '{"title":"Soup","minutes":-5}' });
    expect(repair.at(-1)?.content).toMatch(/minutes: Too small/);
    expect(repair.at(-1)?.content).toMatch(/tags: /);
  });

  it('gives up after maxRepairs with the issues, the last answer and the cost of every attempt', async () => {
    const model = createFakeChatModel({
      text: 'not json',
      usage: { inputTokens: 10, outputTokens: 2 },
    });
    const error = await generateObject(
      model,
      { ...ask('x'), schema: Recipe },
      { maxRepairs: 1 },
    ).catch((caught: unknown) => caught);
    expect(ObjectValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      attempts: 2,
      text: 'not json',
      usage: { inputTokens: 20, outputTokens: 4 },
    });
    expect((error as ObjectValidationError).issues[0]).toMatch(/not valid JSON/);
    expect(model.calls).toHaveLength(2);
  });

  it('rejects what is not a zod schema and a bad maxRepairs', async () => {
    const model = createFakeChatModel({ text: '{}' });
    await expect(
      generateObject(model, { ...ask('x'), schema: { type: 'object' } as never }),
    ).rejects.toThrow(/zod 4 schema/);
    await expect(
      generateObject(model, { ...ask('x'), schema: Recipe }, { maxRepairs: -1 }),
    ).rejects.toThrow(/maxRepairs/);
  });
});

describe('streamObject', () => {
  it('yields growing partial objects and validates the whole', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['{"title":"So', 'up","minutes":2', '0,"tags":["a"', ']}'],
    });
    const stream = streamObject(env.openai(), { ...ask('A recipe'), schema: Recipe });
    const partials: unknown[] = [];
    for await (const partial of stream) partials.push(partial);
    expect(partials[0]).toEqual({ title: 'So' });
    expect(partials.at(-1)).toEqual({ title: 'Soup', minutes: 20, tags: ['a'] });
    const result = await stream.result;
    expect(result.object).toEqual({ title: 'Soup', minutes: 20, tags: ['a'] });
    expect(result.costUsd).toBeGreaterThan(0);
  });

  it('streams an Anthropic tool-mode object the same way', async () => {
    env.mock.enqueue('anthropic.messages', {
      toolCalls: [{ name: 'response', input: { title: 'Pie', minutes: 60, tags: ['sweet'] } }],
    });
    const stream = streamObject(env.anthropic(), { ...ask('A recipe'), schema: Recipe });
    const partials: unknown[] = [];
    for await (const partial of stream) partials.push(partial);
    expect(partials.length).toBeGreaterThan(0);
    expect((await stream.result).object).toEqual({ title: 'Pie', minutes: 60, tags: ['sweet'] });
  });

  it('fails both the iteration and the result when the final object is invalid', async () => {
    env.mock.enqueue('openai.chat', { text: '{"title":"Soup"}' });
    const stream = streamObject(env.openai(), { ...ask('x'), schema: Recipe });
    const iteration = (async () => {
      for await (const _ of stream);
    })();
    await expect(iteration).rejects.toSatisfy(ObjectValidationError.isInstance);
    await expect(stream.result).rejects.toSatisfy(ObjectValidationError.isInstance);
  });
});
