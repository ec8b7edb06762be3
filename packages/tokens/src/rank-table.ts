/**
 * A tiktoken vocabulary in the form the merge engine wants: the bytes of every token decoded
 * once into one typed array, an open-addressing hash table from bytes to rank over it, and a
 * memo of "which token do these two tokens merge into". Nothing is allocated per token, so
 * loading a 200,000-token vocabulary takes milliseconds.
 */

/**
 * js-tiktoken's published rank data: `bpe_ranks` holds lines of `<tag> <first rank> <base64
 * token> <base64 token> ...`, ranks counting up from the first.
 */
export interface RankData {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/** Larger than any rank: "these two tokens do not merge". */
export const NO_MERGE = 0x7fffffff;

// The merge memo: an open-addressing hash table of (left, right) -> merged token, emptied when
// half full so that hostile input cannot grow it.
const MEMO_SLOTS = 1 << 17;
const MEMO_MASK = MEMO_SLOTS - 1;
const EMPTY = -1;

// FNV-1a over bytes, which can be continued across the two halves of a pair.
const HASH_SEED = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) SEXTET[BASE64.charCodeAt(i)] = i;
const SPACE = 32;
const NEWLINE = 10;

/** A loaded vocabulary. */
export interface RankTable {
  /** The length in bytes of the longest token. */
  readonly longestToken: number;
  /** The token of each single byte. */
  readonly byteTokens: Int32Array;
  /** The token whose bytes are `bytes[start, end)`, or {@link NO_MERGE}. */
  rankOf(bytes: Uint8Array, start: number, end: number): number;
  /** The bytes of `token` as a Latin-1 "binary" string, or undefined when it is not a token. */
  tokenBinary(token: number): string | undefined;
  /** The token whose bytes are `left`'s followed by `right`'s, or {@link NO_MERGE}. */
  mergedToken(left: number, right: number): number;
}

/** The decoded rank data: every token's bytes back to back, and where each rank's bytes are. */
interface Vocabulary {
  bytes: Uint8Array;
  /** Where each rank's bytes start in `bytes`, -1 for a rank that is not listed. */
  start: Int32Array;
  length: Int32Array;
  /** The hash of each rank's bytes. */
  hash: Int32Array;
  /** One more than the highest rank. */
  tokenCount: number;
  longestToken: number;
}

/** `vocabulary`'s per-rank arrays grown to hold `rank`. */
function grow(vocabulary: Vocabulary, rank: number): void {
  const size = Math.max(rank + 1, vocabulary.start.length * 2);
  const start = new Int32Array(size).fill(-1);
  start.set(vocabulary.start);
  const length = new Int32Array(size);
  length.set(vocabulary.length);
  const hash = new Int32Array(size);
  hash.set(vocabulary.hash);
  Object.assign(vocabulary, { start, length, hash });
}

/** Decodes `bpe_ranks` in one pass over its characters, hashing each token as it goes. */
function decodeRanks(text: string): Vocabulary {
  const end = text.length;
  // Each token takes at least five characters: four of base64 and a separator.
  const capacity = Math.ceil(end / 5) + 1;
  const vocabulary: Vocabulary = {
    bytes: new Uint8Array(Math.ceil((end * 3) / 4)),
    start: new Int32Array(capacity).fill(-1),
    length: new Int32Array(capacity),
    hash: new Int32Array(capacity),
    tokenCount: 0,
    longestToken: 0,
  };
  const bytes = vocabulary.bytes;
  let size = 0;
  let i = 0;
  while (i < end) {
    while (i < end && text.charCodeAt(i) !== SPACE) i++;
    i++;
    let rank = 0;
    for (; i < end; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      rank = rank * 10 + digit;
    }
    for (; i < end && text.charCodeAt(i) === SPACE; rank++) {
      i++;
      if (rank >= vocabulary.start.length) grow(vocabulary, rank);
      const first = size;
      let hash = HASH_SEED;
      let bits = 0;
      let pending = 0;
      for (; i < end; i++) {
        const unit = text.charCodeAt(i);
        if (unit <= SPACE) break;
        const sextet = unit < 128 ? (SEXTET[unit] ?? -1) : -1;
        if (sextet < 0) continue;
        bits = ((bits << 6) | sextet) & 0xffff;
        pending += 6;
        if (pending >= 8) {
          pending -= 8;
          const byte = (bits >> pending) & 0xff;
          bytes[size++] = byte;
          hash = Math.imul(hash ^ byte, HASH_PRIME);
        }
      }
      vocabulary.start[rank] = first;
      vocabulary.length[rank] = size - first;
      vocabulary.hash[rank] = hash;
      vocabulary.tokenCount = Math.max(vocabulary.tokenCount, rank + 1);
      vocabulary.longestToken = Math.max(vocabulary.longestToken, size - first);
    }
    if (i < end && text.charCodeAt(i) === NEWLINE) i++;
  }
  return vocabulary;
}

/** Builds a {@link RankTable} from js-tiktoken's rank data. */
export function createRankTable(data: RankData): RankTable {
  const {
    bytes: vocabulary,
    start,
    length,
    hash,
    tokenCount,
    longestToken,
  } = decodeRanks(data.bpe_ranks);
  let slots = 1;
  while (slots < tokenCount * 2) slots <<= 1;
  const mask = slots - 1;
  const slotRank = new Int32Array(slots).fill(EMPTY);

  /** Whether token `rank` is `bytes[from, from + count)`. */
  const equals = (rank: number, bytes: Uint8Array, from: number, count: number): boolean => {
    if (length[rank] !== count) return false;
    const at = start[rank] ?? 0;
    for (let k = 0; k < count; k++) if (vocabulary[at + k] !== bytes[from + k]) return false;
    return true;
  };

  const hashOf = (seed: number, bytes: Uint8Array, from: number, to: number): number => {
    let h = seed;
    for (let k = from; k < to; k++) h = Math.imul(h ^ (bytes[k] ?? 0), HASH_PRIME);
    return h;
  };

  for (let rank = 0; rank < tokenCount; rank++) {
    const at = start[rank] ?? -1;
    if (at < 0) continue;
    const count = length[rank] ?? 0;
    const bytesHash = hash[rank] ?? 0;
    let slot = bytesHash & mask;
    // A byte string listed twice keeps its last rank, as js-tiktoken's object does.
    for (let other = slotRank[slot] ?? EMPTY; other !== EMPTY; other = slotRank[slot] ?? EMPTY) {
      if (hash[other] === bytesHash && equals(other, vocabulary, at, count)) break;
      slot = (slot + 1) & mask;
    }
    slotRank[slot] = rank;
  }

  function rankOf(bytes: Uint8Array, from: number, to: number): number {
    if (to - from > longestToken) return NO_MERGE;
    const bytesHash = hashOf(HASH_SEED, bytes, from, to);
    let slot = bytesHash & mask;
    for (let rank = slotRank[slot] ?? EMPTY; rank !== EMPTY; rank = slotRank[slot] ?? EMPTY) {
      if (hash[rank] === bytesHash && equals(rank, bytes, from, to - from)) return rank;
      slot = (slot + 1) & mask;
    }
    return NO_MERGE;
  }

  /** The token whose bytes are `left`'s followed by `right`'s, without the memo. */
  function lookUpPair(left: number, right: number): number {
    const leftAt = start[left] ?? -1;
    const rightAt = start[right] ?? -1;
    if (leftAt < 0 || rightAt < 0) return NO_MERGE;
    const leftLength = length[left] ?? 0;
    const rightLength = length[right] ?? 0;
    const total = leftLength + rightLength;
    if (total > longestToken) return NO_MERGE;
    const pairHash = hashOf(hash[left] ?? 0, vocabulary, rightAt, rightAt + rightLength);
    let slot = pairHash & mask;
    for (let rank = slotRank[slot] ?? EMPTY; rank !== EMPTY; rank = slotRank[slot] ?? EMPTY) {
      if (
        hash[rank] === pairHash &&
        length[rank] === total &&
        isPair(rank, leftAt, leftLength, rightAt, rightLength)
      ) {
        return rank;
      }
      slot = (slot + 1) & mask;
    }
    return NO_MERGE;
  }

  /** Whether token `rank` is the bytes at `leftAt` followed by those at `rightAt`. */
  function isPair(
    rank: number,
    leftAt: number,
    leftLength: number,
    rightAt: number,
    rightLength: number,
  ): boolean {
    const at = start[rank] ?? 0;
    for (let k = 0; k < leftLength; k++) {
      if (vocabulary[at + k] !== vocabulary[leftAt + k]) return false;
    }
    for (let k = 0; k < rightLength; k++) {
      if (vocabulary[at + leftLength + k] !== vocabulary[rightAt + k]) return false;
    }
    return true;
  }

  const byteTokens = new Int32Array(256);
  const single = new Uint8Array(1);
  for (let byte = 0; byte < 256; byte++) {
    single[0] = byte;
    byteTokens[byte] = rankOf(single, 0, 1);
  }

  const binaries: Array<string | undefined> = [];
  const memoLeft = new Int32Array(MEMO_SLOTS).fill(EMPTY);
  const memoRight = new Int32Array(MEMO_SLOTS);
  const memoMerged = new Int32Array(MEMO_SLOTS);
  let memoSize = 0;
  return {
    longestToken,
    byteTokens,
    rankOf,
    tokenBinary(token) {
      const at =
        Number.isInteger(token) && token >= 0 && token < tokenCount ? (start[token] ?? -1) : -1;
      if (at < 0) return undefined;
      let binary = binaries[token];
      if (binary === undefined) {
        binary = String.fromCharCode(...vocabulary.subarray(at, at + (length[token] ?? 0)));
        binaries[token] = binary;
      }
      return binary;
    },
    mergedToken(left, right) {
      let slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca6b)) & MEMO_MASK;
      for (;;) {
        const key = memoLeft[slot];
        if (key === EMPTY) break;
        if (key === left && memoRight[slot] === right) return memoMerged[slot] ?? NO_MERGE;
        slot = (slot + 1) & MEMO_MASK;
      }
      const merged = lookUpPair(left, right);
      if (memoSize >= MEMO_SLOTS >> 1) {
        memoLeft.fill(EMPTY);
        memoSize = 0;
        slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca6b)) & MEMO_MASK;
      }
      memoLeft[slot] = left;
      memoRight[slot] = right;
      memoMerged[slot] = merged;
      memoSize++;
      return merged;
    },
  };
}
