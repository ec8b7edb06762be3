/**
 * The one-call counting API: pick an encoding by model or by name, load it on first use, and
 * count, encode, decode or check a limit.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { assertText } from './assert-text';
import type { Encoding, EncodingName } from './encoding';
import { loadEncoding } from './load-encoding';
import { getModel } from './model-catalogue';

/**
 * Which tokenizer to use: a model from the catalogue, or an encoding by name. Omitted, it is
 * `{ encoding: 'o200k_base' }` (GPT-4o, GPT-4.1, GPT-5 and the o-series).
 */
export type TokenizerOptions = { model: string } | { encoding: EncodingName };

/**
 * The {@link Encoding} for a model or encoding name, loaded on first use.
 *
 * @throws ModelNotFoundError for a model not in the catalogue.
 * @throws InvalidArgumentError for an unknown encoding, or a model whose tokenizer is not
 *   public (Anthropic) or not bundled (Llama, Qwen, DeepSeek).
 * @example
 * ```ts
 * const encoding = await encodingFor({ model: 'gpt-4' }); // cl100k_base
 * encoding.count('hello'); // 1
 * ```
 */
export async function encodingFor(
  options: TokenizerOptions = { encoding: 'o200k_base' },
): Promise<Encoding> {
  if (options !== null && typeof options === 'object' && 'model' in options) {
    const { id, tokenizer } = getModel(options.model);
    if (tokenizer === 'o200k_base' || tokenizer === 'cl100k_base') return loadEncoding(tokenizer);
    throw new InvalidArgumentError({
      argument: 'model',
      message:
        tokenizer === 'anthropic'
          ? `"${id}" uses Anthropic's tokenizer, which is not public: use countMessageTokens(messages, { model: "${id}", client }) for an exact count through Anthropic's API, or its estimate without a client`
          : `"${id}" uses a tokenizer @keel/tokens does not bundle; pass { encoding: 'o200k_base' } for an approximation`,
    });
  }
  if (options !== null && typeof options === 'object' && 'encoding' in options) {
    return loadEncoding(options.encoding);
  }
  throw new InvalidArgumentError({
    argument: 'options',
    message: "options must be { model: 'gpt-4o' } or { encoding: 'o200k_base' }",
  });
}

/**
 * How many tokens `text` is, exactly as tiktoken counts it.
 *
 * @throws InvalidArgumentError when `text` is not a string.
 * @example
 * ```ts
 * await countTokens('Hello, world!'); // 4
 * await countTokens('Hello, world!', { model: 'gpt-4' }); // 4
 * ```
 */
export async function countTokens(text: string, options?: TokenizerOptions): Promise<number> {
  assertText(text);
  return (await encodingFor(options)).count(text);
}

/**
 * The token ids of `text`, identical to tiktoken's `encode_ordinary` (special tokens such as
 * `<|endoftext|>` are treated as text).
 *
 * @example
 * ```ts
 * await encode('hello world'); // [24912, 2375]
 * ```
 */
export async function encode(text: string, options?: TokenizerOptions): Promise<number[]> {
  assertText(text);
  return (await encodingFor(options)).encode(text);
}

/**
 * The text of token ids.
 *
 * @throws InvalidArgumentError for an id the encoding does not have.
 * @example
 * ```ts
 * await decode([24912, 2375]); // 'hello world'
 * ```
 */
export async function decode(
  tokens: readonly number[],
  options?: TokenizerOptions,
): Promise<string> {
  return (await encodingFor(options)).decode(tokens);
}

/**
 * Whether `text` fits in `limit` tokens. Counting stops as soon as the limit is passed, so a
 * huge input is rejected after reading little more than `limit` tokens of it.
 *
 * @throws InvalidArgumentError when `limit` is negative, fractional or NaN.
 * @example
 * ```ts
 * if (!(await isWithinLimit(userInput, 4_000))) throw new Error('Message too long');
 * ```
 */
export async function isWithinLimit(
  text: string,
  limit: number,
  options?: TokenizerOptions,
): Promise<boolean> {
  assertText(text);
  assertNumber('limit', limit, { integer: true, min: 0, allowInfinity: true });
  return (await encodingFor(options)).isWithinLimit(text, limit);
}
