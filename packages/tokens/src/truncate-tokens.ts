/**
 * Cutting text to a token budget on token boundaries, never inside a character.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { assertText } from './assert-text';
import { encodingFor } from './count-tokens';
import type { Encoding, EncodingName } from './encoding';

/** Which part of the text {@link truncateTokens} keeps. */
export type TruncateKeep = 'start' | 'end' | 'middle';

/** Options of {@link truncateTokens}. */
export interface TruncateOptions {
  /** `'start'` (default) keeps the beginning, `'end'` the end, `'middle'` the centre. */
  keep?: TruncateKeep;
  /** Count with this model's tokenizer. */
  model?: string;
  /** Count with this encoding (when no `model` is given); default `'o200k_base'`. */
  encoding?: EncodingName;
}

const decoder = new TextDecoder();

/** Whether byte `offset` of `bytes` starts a character (or is the end). */
function isCharBoundary(bytes: Uint8Array, offset: number): boolean {
  return offset >= bytes.length || ((bytes[offset] ?? 0) & 0xc0) !== 0x80;
}

/**
 * Cuts `text` to its `[from, to)` token range, moved inwards to character boundaries (a
 * token can end inside a multi-byte character).
 */
function slice(bytes: Uint8Array, offsets: number[], from: number, to: number): string {
  let start = from;
  let end = to;
  while (start < end && !isCharBoundary(bytes, offsets[start] ?? 0)) start++;
  while (end > start && !isCharBoundary(bytes, offsets[end] ?? 0)) end--;
  return decoder.decode(bytes.subarray(offsets[start] ?? 0, offsets[end] ?? 0));
}

function truncateWith(encoding: Encoding, text: string, max: number, keep: TruncateKeep): string {
  const tokens = encoding.encode(text);
  if (tokens.length <= max) return text;
  const bytes = encoding.decodeBytes(tokens);
  const offsets = [0];
  for (const token of tokens) {
    offsets.push((offsets.at(-1) ?? 0) + encoding.decodeBytes([token]).length);
  }
  // Re-encoding a cut can merge differently at the cut, so shrink by the overshoot until the
  // result fits (one or two rounds in practice).
  let kept = max;
  while (kept > 0) {
    const dropped = tokens.length - kept;
    const from = keep === 'start' ? 0 : keep === 'end' ? dropped : Math.floor(dropped / 2);
    const result = slice(bytes, offsets, from, from + kept);
    const count = encoding.count(result);
    if (count <= max) return result;
    kept -= Math.max(1, count - max);
  }
  return '';
}

/**
 * Shortens `text` to at most `max` tokens, cutting on token boundaries and never inside a
 * character. Text already within `max` is returned unchanged. The result always counts
 * `<= max` tokens when encoded again.
 *
 * @throws InvalidArgumentError for non-string text, a negative or fractional `max`, or an unknown `keep`.
 * @example
 * ```ts
 * await truncateTokens(longDocument, 1_000); // the first ~1,000 tokens
 * await truncateTokens(logOutput, 500, { keep: 'end' }); // the last ~500 tokens
 * ```
 */
export async function truncateTokens(
  text: string,
  max: number,
  options: TruncateOptions = {},
): Promise<string> {
  assertText(text);
  assertNumber('max', max, { integer: true, min: 0, allowInfinity: true });
  const { keep = 'start', model, encoding: name = 'o200k_base' } = options;
  if (keep !== 'start' && keep !== 'end' && keep !== 'middle') {
    throw new InvalidArgumentError({
      argument: 'keep',
      message: `keep must be 'start', 'end' or 'middle', got ${JSON.stringify(keep)}`,
    });
  }
  const encoding = await encodingFor(model !== undefined ? { model } : { encoding: name });
  return truncateWith(encoding, text, max, keep);
}
