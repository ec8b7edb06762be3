/**
 * The model catalogue: what each model's context window, output limit, tokenizer and prices
 * are, looked up by id, alias or dated snapshot. The data lives in `models.ts`.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import type { EncodingName } from './encoding';
import { ModelNotFoundError } from './model-not-found-error';
import { BUILT_IN_MODELS } from './models';

/**
 * How a model splits text: a tiktoken encoding @keel/tokens ships, Anthropic's (not public;
 * counts are estimated or come from Anthropic's count_tokens endpoint), or another one
 * (Llama, Qwen, DeepSeek, ...) that @keel/tokens cannot count with.
 */
export type Tokenizer = EncodingName | 'anthropic' | 'other';

/**
 * Prices in USD per million tokens. `cachedInput` is the cache-read rate (cached prompt
 * tokens are billed at `input` when it is absent); `cacheWrite5m` and `cacheWrite1h` are
 * Anthropic's cache-write rates for the two cache lifetimes (billed at `input` when absent).
 * Rates must be whole multiples of $0.001 per million tokens, so costs add up exactly.
 */
export interface ModelPrices {
  input: number;
  output: number;
  cachedInput?: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
}

/** One model in the catalogue. */
export interface ModelInfo {
  /** The canonical id, e.g. `'gpt-4o'`. */
  id: string;
  /** Who serves or made it: `'openai'`, `'anthropic'`, `'deepseek'`, `'meta'`, ... */
  provider: string;
  /** Other ids that mean this model: dated snapshots, host-specific names. */
  aliases?: readonly string[];
  /** Prompt plus output, in tokens. */
  contextWindow: number;
  /** The most output tokens one call may produce. */
  maxOutputTokens: number;
  tokenizer: Tokenizer;
  /** `null` when the price depends on the host (open-weight models). */
  prices: ModelPrices | null;
}

let registry: Map<string, ModelInfo> | undefined;

function keyOf(id: string): string {
  return id.toLowerCase();
}

function register(target: Map<string, ModelInfo>, model: ModelInfo): void {
  for (const [key, existing] of target) if (existing.id === model.id) target.delete(key);
  target.set(keyOf(model.id), model);
  for (const alias of model.aliases ?? []) target.set(keyOf(alias), model);
}

function models(): Map<string, ModelInfo> {
  if (registry === undefined) {
    registry = new Map();
    for (const model of BUILT_IN_MODELS) register(registry, model);
  }
  return registry;
}

/**
 * The catalogue entry of a model id, alias or dated snapshot (case-insensitive; a
 * `provider/` prefix such as `openai/` is ignored).
 *
 * @throws ModelNotFoundError when the model is not in the catalogue.
 * @example
 * ```ts
 * getModel('gpt-4o-2024-08-06').id; // 'gpt-4o'
 * getModel('claude-sonnet-4-5').prices?.cacheWrite1h; // 6
 * ```
 */
export function getModel(model: string): ModelInfo {
  if (typeof model !== 'string' || model === '') {
    throw new InvalidArgumentError({
      argument: 'model',
      message: `model must be a model id such as "gpt-4o", got ${JSON.stringify(model) ?? typeof model}`,
    });
  }
  const all = models();
  const key = keyOf(model);
  const found = all.get(key) ?? all.get(key.slice(key.indexOf('/') + 1));
  if (found === undefined) throw new ModelNotFoundError({ model });
  return found;
}

/**
 * Every model in the catalogue, built-in and defined, once each.
 *
 * @example
 * ```ts
 * listModels().filter((m) => m.provider === 'anthropic').map((m) => m.id);
 * ```
 */
export function listModels(): ModelInfo[] {
  return [...new Set(models().values())];
}

/** Prices are kept as whole thousandths of a dollar per million tokens, so sums stay exact. */
function assertPrice(value: unknown, argument: string): void {
  assertNumber(argument, value, { min: 0 });
  const thousandths = value * 1000;
  if (Math.abs(thousandths - Math.round(thousandths)) > 1e-6) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a whole multiple of $0.001 per million tokens, got ${value}`,
    });
  }
}

/** Throws unless `prices` is a valid {@link ModelPrices}. */
export function assertPrices(prices: unknown, argument: string): asserts prices is ModelPrices {
  if (prices === null || typeof prices !== 'object') {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be { input, output, cachedInput?, cacheWrite5m?, cacheWrite1h? } in USD per million tokens`,
    });
  }
  const record = prices as Record<string, unknown>;
  assertPrice(record.input, `${argument}.input`);
  assertPrice(record.output, `${argument}.output`);
  for (const field of ['cachedInput', 'cacheWrite5m', 'cacheWrite1h']) {
    if (record[field] !== undefined) assertPrice(record[field], `${argument}.${field}`);
  }
}

/**
 * Adds a model to the catalogue, or replaces the entry with the same id (its aliases move
 * with it). Use it for fine-tunes, new models and your host's prices.
 *
 * @throws InvalidArgumentError when a field is missing or out of range.
 * @example
 * ```ts
 * defineModel({
 *   id: 'ft:gpt-4o-mini:acme', provider: 'openai', contextWindow: 128_000, maxOutputTokens: 16_384,
 *   tokenizer: 'o200k_base', prices: { input: 0.3, cachedInput: 0.15, output: 1.2 },
 * });
 * ```
 */
export function defineModel(model: ModelInfo): ModelInfo {
  if (model === null || typeof model !== 'object') {
    throw new InvalidArgumentError({
      argument: 'model',
      message:
        'defineModel needs { id, provider, contextWindow, maxOutputTokens, tokenizer, prices }',
    });
  }
  for (const field of ['id', 'provider', 'tokenizer'] as const) {
    if (typeof model[field] !== 'string' || model[field] === '') {
      throw new InvalidArgumentError({
        argument: `model.${field}`,
        message: `model.${field} must be a non-empty string, got ${JSON.stringify(model[field]) ?? 'undefined'}`,
      });
    }
  }
  assertNumber('model.contextWindow', model.contextWindow, {
    integer: true,
    min: 0,
    allowInfinity: true,
  });
  assertNumber('model.maxOutputTokens', model.maxOutputTokens, {
    integer: true,
    min: 0,
    allowInfinity: true,
  });
  if (model.prices !== null) assertPrices(model.prices, 'model.prices');
  const entry: ModelInfo = Object.freeze({
    ...model,
    aliases: Object.freeze([...(model.aliases ?? [])]),
    prices: model.prices === null ? null : Object.freeze({ ...model.prices }),
  });
  register(models(), entry);
  return entry;
}
