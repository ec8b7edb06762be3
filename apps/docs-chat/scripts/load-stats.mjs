/**
 * Figures for the load script: percentiles, memory samples and the printed table.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** Nearest-rank percentile of `values` (0 < p <= 100); NaN when empty. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `{ p50, p99, max }` of `values`. */
export function summary(values) {
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: percentile(values, 100) };
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** RSS and heap used in MB, after a full collection so that before and after compare. */
export function settledMemory() {
  gc();
  gc();
  return currentMemory();
}

/** RSS and heap used in MB, now. */
export function currentMemory() {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: rss / 2 ** 20, heap: heapUsed / 2 ** 20 };
}

/** Samples memory every `everyMs` and keeps the highest RSS and heap until `stop()`. */
export function memoryPeak(everyMs = 50) {
  const peak = currentMemory();
  const sample = () => {
    const m = currentMemory();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heap);
  };
  const timer = setInterval(sample, everyMs);
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** `value` with `digits` decimals, or `n/a`. */
export function fixed(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Renders rows (arrays of cells) as a markdown table with `header`. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Runs `task(i)` for i in 0..count-1 with at most `concurrency` at once; resolves with results. */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
