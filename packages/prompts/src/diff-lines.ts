/**
 * A line diff by longest common subsequence: every line of both texts, prefixed with `' '`,
 * `'-'` or `'+'`. Prompts are short, so the quadratic table stays small; past a bound the diff
 * falls back to "all removed, all added" rather than allocate without limit.
 */

const MAX_CELLS = 4_000_000;

/**
 * The lines of `before` and `after` with `' '` (kept), `'-'` (removed) or `'+'` (added) in front.
 *
 * @example
 * ```ts
 * diffLines('a\nb', 'a\nc'); // [' a', '-b', '+c']
 * ```
 */
export function diffLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > MAX_CELLS)
    return [...a.map((line) => `-${line}`), ...b.map((line) => `+${line}`)];
  const width = b.length + 1;
  // common[i * width + j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i * width + j] =
        a[i] === b[j]
          ? (common[(i + 1) * width + j + 1] as number) + 1
          : Math.max(common[(i + 1) * width + j] as number, common[i * width + j + 1] as number);
    }
  }
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(` ${a[i++]}`);
      j++;
    } else if (
      i < a.length &&
      (j === b.length ||
        (common[(i + 1) * width + j] as number) >= (common[i * width + j + 1] as number))
    ) {
      lines.push(`-${a[i++]}`);
    } else {
      lines.push(`+${b[j++]}`);
    }
  }
  return lines;
}
