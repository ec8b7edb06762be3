/**
 * An encoding: a vocabulary, the pre-tokenizer that splits text into pieces, and the merge
 * engine that turns each piece into tokens, with a cache of recently seen pieces.
 */
import { InvalidArgumentError } from '@keel/core';
import { assertNumber } from '@keel/core/internal';
import { assertText } from './assert-text';
import { bytePairMerge } from './byte-pair-merge';
import type { PieceScanner } from './pre-tokenize';
import { createRankTable, NO_MERGE, type RankData } from './rank-table';
import { decodeBinary, utf8Bytes } from './utf8';

/** The tiktoken encodings @keel/tokens ships. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * A loaded tokenizer. Every method is synchronous; get one from {@link loadEncoding}.
 * Special tokens such as `<|endoftext|>` in the text are encoded as ordinary text, which is
 * what the OpenAI API does with message content.
 */
export interface Encoding {
  readonly name: EncodingName;
  /** Special tokens of the encoding by text, e.g. `{ '<|endoftext|>': 199999, ... }`. */
  readonly specialTokens: Readonly<Record<string, number>>;
  /** The token ids of `text`, identical to tiktoken's `encode_ordinary`. */
  encode(text: string): number[];
  /** The text of `tokens`; byte sequences that are not valid UTF-8 become U+FFFD. */
  decode(tokens: readonly number[]): string;
  /** The UTF-8 bytes of `tokens`. */
  decodeBytes(tokens: readonly number[]): Uint8Array;
  /** How many tokens `text` encodes to. */
  count(text: string): number;
  /** Whether `text` has at most `limit` tokens. Stops as soon as the count passes `limit`. */
  isWithinLimit(text: string, limit: number): boolean;
}

// Pieces up to this many UTF-16 code units are cached; longer ones are rare and unlikely to repeat.
const MAX_CACHED_PIECE = 64;
// The cache is emptied when it reaches this many pieces, bounding its memory.
const MAX_CACHED_PIECES = 100_000;

/** Builds an {@link Encoding} from js-tiktoken's rank data and a piece scanner. */
export function createEncoding(
  name: EncodingName,
  data: RankData,
  scanner: PieceScanner,
): Encoding {
  const table = createRankTable(data);
  const specialTokens = Object.freeze({ ...data.special_tokens });
  const bytesOfToken = new Map<number, string>();
  for (const [text, token] of Object.entries(specialTokens)) bytesOfToken.set(token, text);
  const cache = new Map<string, readonly number[]>();
  // Pieces of one or two ASCII characters (punctuation, spaces, short words in code) skip the
  // cache: twoAscii[a * 128 + b] is the token of the pair, or -1 when it is two byte tokens.
  const twoAscii = new Int32Array(128 * 128).fill(-1);
  const pair = new Uint8Array(2);
  for (let a = 0; a < 128; a++) {
    for (let b = 0; b < 128; b++) {
      pair[0] = a;
      pair[1] = b;
      const token = table.rankOf(pair, 0, 2);
      if (token !== NO_MERGE) twoAscii[a * 128 + b] = token;
    }
  }

  /** The tokens of `text[start, end)`. */
  function encodePiece(text: string, start: number, end: number): number[] {
    const [bytes, length] = utf8Bytes(text, start, end);
    // Like tiktoken, a piece that is itself a token is never merged.
    const whole = table.rankOf(bytes, 0, length);
    if (whole !== NO_MERGE) return [whole];
    const tokens: number[] = [];
    bytePairMerge(bytes, length, table, tokens);
    return tokens;
  }

  /**
   * The token of a one- or two-character ASCII piece, -1 when it is two byte tokens, or -2
   * when the piece is not such a piece.
   */
  function shortAscii(text: string, start: number, end: number): number {
    const first = text.charCodeAt(start);
    if (first >= 128) return -2;
    if (end - start === 1) return table.byteTokens[first] ?? -2;
    if (end - start !== 2) return -2;
    const second = text.charCodeAt(start + 1);
    return second < 128 ? (twoAscii[first * 128 + second] ?? -2) : -2;
  }

  function tokensOf(text: string, start: number, end: number): readonly number[] {
    if (end - start > MAX_CACHED_PIECE) return encodePiece(text, start, end);
    const piece = text.slice(start, end);
    const cached = cache.get(piece);
    if (cached !== undefined) return cached;
    const tokens = encodePiece(text, start, end);
    if (cache.size >= MAX_CACHED_PIECES) cache.clear();
    cache.set(piece, tokens);
    return tokens;
  }

  /** Counts tokens, stopping once the count passes `limit`. */
  function countUpTo(text: string, limit: number): number {
    let total = 0;
    for (let start = 0; start < text.length && total <= limit; ) {
      const end = scanner(text, start);
      // A piece has at least one token per longestToken bytes (and per as many code units):
      // a huge piece that cannot fit is rejected without merging it.
      if (total + Math.ceil((end - start) / table.longestToken) > limit) return limit + 1;
      const short = shortAscii(text, start, end);
      total += short >= 0 ? 1 : short === -1 ? 2 : tokensOf(text, start, end).length;
      start = end;
    }
    return total;
  }

  function binaryOf(tokens: readonly number[]): string {
    if (!Array.isArray(tokens)) {
      throw new InvalidArgumentError({
        argument: 'tokens',
        message: `tokens must be an array of token ids, got ${typeof tokens}`,
      });
    }
    let binary = '';
    for (const token of tokens) {
      const bytes = table.tokenBinary(token) ?? bytesOfToken.get(token);
      if (bytes === undefined) {
        throw new InvalidArgumentError({
          argument: 'tokens',
          message: `${JSON.stringify(token)} is not a token of ${name}; decode ids produced by the same encoding`,
        });
      }
      binary += bytes;
    }
    return binary;
  }

  return {
    name,
    specialTokens,
    encode(text) {
      assertText(text);
      const out: number[] = [];
      for (let start = 0; start < text.length; ) {
        const end = scanner(text, start);
        const short = shortAscii(text, start, end);
        if (short >= 0) {
          out.push(short);
        } else if (short === -1) {
          out.push(table.byteTokens[text.charCodeAt(start)] ?? 0);
          out.push(table.byteTokens[text.charCodeAt(start + 1)] ?? 0);
        } else {
          for (const token of tokensOf(text, start, end)) out.push(token);
        }
        start = end;
      }
      return out;
    },
    decode(tokens) {
      return decodeBinary(binaryOf(tokens));
    },
    decodeBytes(tokens) {
      const binary = binaryOf(tokens);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return bytes;
    },
    count(text) {
      assertText(text);
      return countUpTo(text, Number.POSITIVE_INFINITY);
    },
    isWithinLimit(text, limit) {
      assertText(text);
      assertNumber('limit', limit, { integer: true, min: 0, allowInfinity: true });
      return countUpTo(text, limit) <= limit;
    },
  };
}
