/**
 * A small timing harness for the printed tables: warm up, then repeat until enough time has
 * passed, and report the mean.
 */

/** Mean milliseconds per call of `fn`: one warm-up call, then calls for at least `minMs`. */
export function meanMs(fn: () => void, { minMs = 1_000, warmup = 1 } = {}): number {
  for (let i = 0; i < warmup; i++) fn();
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return elapsed / runs;
}

/** Milliseconds of one call of `fn`, on a cold start (no warm-up). */
export function onceMs(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** Prints rows as an aligned Markdown table, ready to paste into the README. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n${title}\n`);
  console.log(line(header));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}
