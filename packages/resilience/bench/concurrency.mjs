// Concurrency limiter throughput on 100,000 tiny tasks against p-limit, in one process, at
// concurrency 1, 10 and 100. Rounds alternate which limiter runs first, and a full GC runs
// before every sample, so neither pays for the other's garbage. A V8 GC profile of each sample
// counts the bytes allocated per task (heap growth plus what every collection freed).
// Run after `pnpm build`: node --expose-gc bench/concurrency.mjs (or `pnpm bench`)
import v8 from 'node:v8';
import pLimit from 'p-limit';
import { concurrencyLimit } from '../dist/index.js';

const TASKS = 100_000;
const ROUNDS = 7;
const CONCURRENCIES = [1, 10, 100];
const GOAL = 2.5;
const task = async () => {};
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const limiters = {
  keel: (concurrency) => {
    const limit = concurrencyLimit({ maxConcurrent: concurrency });
    return () => limit.execute(task);
  },
  'p-limit': (concurrency) => {
    const limit = pLimit(concurrency);
    return () => limit(task);
  },
};

async function sample(name, concurrency) {
  const call = limiters[name](concurrency);
  const pending = new Array(TASKS);
  globalThis.gc();
  const profiler = new v8.GCProfiler();
  const usedBefore = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  const start = process.hrtime.bigint();
  for (let i = 0; i < TASKS; i++) pending[i] = call();
  await Promise.all(pending);
  const ns = Number(process.hrtime.bigint() - start) / TASKS;
  const { statistics } = profiler.stop();
  const usedAfter = v8.getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const { beforeGC, afterGC } of statistics)
    freed += beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize;
  return { ns, bytes: (usedAfter - usedBefore + freed) / TASKS };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(
  `\n${TASKS.toLocaleString()} tiny tasks, median of ${ROUNDS} rotated rounds, gc() before each sample (Node ${process.version})\n`,
);
console.log(
  '| concurrency | keel ns per task | p-limit ns per task | keel vs p-limit (min–max) | bytes per task, keel / p-limit |',
);
console.log('| ---: | ---: | ---: | ---: | ---: |');
let met = true;
for (const concurrency of CONCURRENCIES) {
  const names = Object.keys(limiters);
  for (const name of names) await sample(name, concurrency); // warm up
  const times = { keel: [], 'p-limit': [] };
  const bytes = { keel: [], 'p-limit': [] };
  const ratios = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const { ns, bytes: allocated } = await sample(name, concurrency);
      times[name].push(ns);
      bytes[name].push(allocated);
    }
    ratios.push(times['p-limit'][round] / times.keel[round]);
  }
  const ratio = median(ratios);
  met &&= ratio >= GOAL;
  console.log(
    `| ${concurrency} | ${median(times.keel).toFixed(0)} | ${median(times['p-limit']).toFixed(0)} | ${ratio.toFixed(2)}x (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) | ${median(bytes.keel).toFixed(0)} / ${median(bytes['p-limit']).toFixed(0)} |`,
  );
}
console.log(
  `\nkeel throughput vs p-limit at every concurrency: goal >= ${GOAL}x ${met ? 'MET' : 'MISSED'}`,
);
