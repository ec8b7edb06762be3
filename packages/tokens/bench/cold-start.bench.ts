/**
 * Import plus first count of "hello world" on o200k_base, each in a fresh Node process, and
 * the resident memory once the encoding is loaded. The table is printed; the spawns are also
 * benchmarked so Vitest prints the ratio (process start-up included on both sides).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bench, describe } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const cwd = fileURLToPath(new URL('..', import.meta.url));

const scripts = {
  '@keel/tokens': `const { countTokens } = await import(${JSON.stringify(dist)}); await countTokens('hello world');`,
  'js-tiktoken': `const { getEncoding } = await import('js-tiktoken'); getEncoding('o200k_base').encode('hello world');`,
  'gpt-tokenizer': `const { countTokens } = await import('gpt-tokenizer/encoding/o200k_base'); countTokens('hello world');`,
};

function run(body: string): { ms: number; rssMb: number } {
  const script = `const start = performance.now(); ${body} const ms = performance.now() - start; globalThis.gc?.(); process.stdout.write(JSON.stringify({ ms, rssMb: process.memoryUsage().rss / 2 ** 20 }));`;
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--input-type=module', '-e', script],
    { cwd },
  );
  return JSON.parse(output.toString()) as { ms: number; rssMb: number };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

const rows = Object.entries(scripts).map(([name, body]) => {
  const runs = Array.from({ length: 7 }, () => run(body));
  return { name, ms: median(runs.map((r) => r.ms)), rssMb: median(runs.map((r) => r.rssMb)) };
});
const ours = rows[0]?.ms ?? 0;
console.log('\nimport + first count, o200k_base, fresh process (median of 7)');
for (const row of rows) {
  console.log(
    `  ${row.name.padEnd(14)} ${row.ms.toFixed(0).padStart(5)} ms  ${(row.ms / ours).toFixed(2)}x ours  RSS ${row.rssMb.toFixed(0)} MB`,
  );
}

describe('import + first count (whole process)', () => {
  for (const [name, body] of Object.entries(scripts)) {
    bench(
      name,
      () => {
        run(body);
      },
      { time: 0, iterations: 5, warmupIterations: 1 },
    );
  }
});
