/**
 * A tiktoken vocabulary in the form the merge engine wants: byte strings to ranks, ranks back
 * to bytes, and a memo of "which token do these two tokens merge into".
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

/** A loaded vocabulary. */
export interface RankTable {
  /** The length in bytes of the longest token. */
  readonly longestToken: number;
  /** The token of a byte string written as a Latin-1 "binary" string, if there is one. */
  readonly ranks: ReadonlyMap<string, number>;
  /** The bytes of each token, by rank, as Latin-1 binary strings. */
  readonly tokenBytes: readonly string[];
  /** The token of each single byte. */
  readonly byteTokens: Int32Array;
  /** The token whose bytes are `left`'s followed by `right`'s, or {@link NO_MERGE}. */
  mergedToken(left: number, right: number): number;
}

/** Builds a {@link RankTable} from js-tiktoken's rank data. */
export function createRankTable(data: RankData): RankTable {
  const ranks = new Map<string, number>();
  const tokenBytes: string[] = [];
  let longestToken = 0;
  for (const line of data.bpe_ranks.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const first = Number.parseInt(fields[1] ?? '', 10);
    for (let i = 2; i < fields.length; i++) {
      const bytes = atob(fields[i] ?? '');
      const rank = first + i - 2;
      ranks.set(bytes, rank);
      tokenBytes[rank] = bytes;
      longestToken = Math.max(longestToken, bytes.length);
    }
  }
  const byteTokens = new Int32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    byteTokens[byte] = ranks.get(String.fromCharCode(byte)) ?? NO_MERGE;
  }
  const memoLeft = new Int32Array(MEMO_SLOTS).fill(EMPTY);
  const memoRight = new Int32Array(MEMO_SLOTS);
  const memoMerged = new Int32Array(MEMO_SLOTS);
  let memoSize = 0;
  return {
    longestToken,
    ranks,
    tokenBytes,
    byteTokens,
    mergedToken(left, right) {
      let slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca6b)) & MEMO_MASK;
      for (;;) {
        const key = memoLeft[slot];
        if (key === EMPTY) break;
        if (key === left && memoRight[slot] === right) return memoMerged[slot] ?? NO_MERGE;
        slot = (slot + 1) & MEMO_MASK;
      }
      const merged = ranks.get(`${tokenBytes[left]}${tokenBytes[right]}`) ?? NO_MERGE;
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
