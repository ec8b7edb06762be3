/**
 * How a reply's text becomes stream deltas: about one word (roughly one token) per delta.
 */

/** Splits `text` into word-sized deltas that join back to exactly `text`. */
export function wordChunks(text: string): string[] {
  return text.match(/\s*\S+|\s+$/gu) ?? (text === '' ? [] : [text]);
}

/** Splits JSON argument text into small fragments, as providers stream them; never inside a code point. */
export function argumentFragments(json: string, size = 8): string[] {
  const codePoints = Array.from(json);
  const fragments: string[] = [];
  for (let i = 0; i < codePoints.length; i += size)
    fragments.push(codePoints.slice(i, i + size).join(''));
  return fragments;
}

/** A rough token estimate (four characters a token) for usage the script did not give. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
