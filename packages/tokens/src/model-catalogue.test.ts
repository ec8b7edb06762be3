import { describe, expect, it } from 'vitest';
import { defineModel, getModel, listModels } from './model-catalogue';
import { ModelNotFoundError } from './model-not-found-error';

describe('getModel', () => {
  it('resolves aliases, dated snapshots, case and provider prefixes to one entry', () => {
    const gpt4o = getModel('gpt-4o');
    expect(getModel('gpt-4o-2024-08-06')).toBe(gpt4o);
    expect(getModel('GPT-4o-2024-11-20')).toBe(gpt4o);
    expect(getModel('openai/gpt-4o')).toBe(gpt4o);
    expect(getModel('claude-sonnet-4-5-20250929').id).toBe('claude-sonnet-4-5');
    expect(getModel('meta-llama/Llama-3.3-70B-Instruct').id).toBe('llama-3.3-70b-instruct');
  });

  it('keeps snapshots with different prices apart', () => {
    expect(getModel('gpt-4o-2024-05-13').prices?.input).toBe(5);
    expect(getModel('gpt-4o').prices?.input).toBe(2.5);
  });

  it("carries Anthropic's cache-write rates for both lifetimes", () => {
    expect(getModel('claude-opus-4-1').prices).toEqual({
      input: 15,
      cachedInput: 1.5,
      cacheWrite5m: 18.75,
      cacheWrite1h: 30,
      output: 75,
    });
  });

  it('throws a typed error naming the model and how to pass prices', () => {
    let caught: unknown;
    try {
      getModel('gpt-9');
    } catch (error) {
      caught = error;
    }
    expect(ModelNotFoundError.isInstance(caught)).toBe(true);
    expect((caught as ModelNotFoundError).model).toBe('gpt-9');
    expect((caught as Error).message).toMatch(/"gpt-9".*defineModel.*prices: \{ input, output \}/);
    expect(() => getModel('' as string)).toThrow(/model must be a model id/);
  });

  it('lists every model once', () => {
    const ids = listModels().map((model) => model.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('gpt-5');
    expect(ids).toContain('claude-haiku-4-5');
  });
});

describe('defineModel', () => {
  it('adds a model that getModel then resolves by id and alias', () => {
    const entry = defineModel({
      id: 'acme-large',
      provider: 'acme',
      aliases: ['acme-large-2026-01-01'],
      contextWindow: 64_000,
      maxOutputTokens: 8_000,
      tokenizer: 'cl100k_base',
      prices: { input: 1, output: 2 },
    });
    expect(getModel('acme-large-2026-01-01')).toBe(entry);
    expect(Object.isFrozen(entry)).toBe(true);
  });

  it('overrides an existing entry, aliases included', () => {
    defineModel({
      id: 'acme-small',
      provider: 'acme',
      aliases: ['acme-small-v1'],
      contextWindow: 8_000,
      maxOutputTokens: 1_000,
      tokenizer: 'o200k_base',
      prices: { input: 1, output: 1 },
    });
    defineModel({
      id: 'acme-small',
      provider: 'acme',
      aliases: ['acme-small-v2'],
      contextWindow: 16_000,
      maxOutputTokens: 1_000,
      tokenizer: 'o200k_base',
      prices: { input: 0.5, output: 1 },
    });
    expect(getModel('acme-small').contextWindow).toBe(16_000);
    expect(getModel('acme-small-v2').prices?.input).toBe(0.5);
    expect(() => getModel('acme-small-v1')).toThrow(ModelNotFoundError);
    expect(listModels().filter((model) => model.id === 'acme-small')).toHaveLength(1);
  });

  it('rejects bad entries with the field named', () => {
    const base = {
      id: 'bad',
      provider: 'acme',
      contextWindow: 1_000,
      maxOutputTokens: 100,
      tokenizer: 'o200k_base' as const,
      prices: { input: 1, output: 1 },
    };
    expect(() => defineModel({ ...base, contextWindow: -1 })).toThrow(
      /model.contextWindow must be a whole number/,
    );
    expect(() => defineModel({ ...base, prices: { input: Number.NaN, output: 1 } })).toThrow(
      /model.prices.input/,
    );
    expect(() => defineModel({ ...base, prices: { input: 0.0001, output: 1 } })).toThrow(
      /multiple of \$0.001/,
    );
    expect(() => defineModel({ ...base, id: '' })).toThrow(/model.id must be a non-empty string/);
  });
});
