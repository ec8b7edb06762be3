// Success-path overhead per call: Keel's retry + breaker + timeout + concurrency limit composed,
// against cockatiel's wrap(retry, breaker, timeout), p-retry and opossum, in one process.
// Rounds rotate the order of the contenders and a full GC runs before every sample, so no one
// pays for another's garbage; a V8 GC profile of each sample counts the bytes allocated per call
// (heap growth plus what every collection during the sample freed) and the collections run.
// Run after `pnpm build`: node --expose-gc bench/overhead.mjs
import v8 from 'node:v8';
import * as cockatiel from 'cockatiel';
import Opossum from 'opossum';
import pRetry from 'p-retry';
import { circuitBreaker, concurrencyLimit, retry, timeout, wrap } from '../dist/index.js';

const CALLS = 100_000;
const ROUNDS = 5;
const GOAL_NS = 1_000;
const work = async () => 42;
const readsSignal = ({ signal }) => work(signal);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const keel = wrap(
  retry({ maxAttempts: 3 }),
  circuitBreaker(),
  timeout({ totalMs: 60_000 }),
  concurrencyLimit({ maxConcurrent: 1_000 }),
);
const keelNoTimeout = wrap(
  retry({ maxAttempts: 3 }),
  circuitBreaker(),
  concurrencyLimit({ maxConcurrent: 1_000 }),
);
const keelRetry = retry();
const cockatielPolicy = cockatiel.wrap(
  cockatiel.retry(cockatiel.handleAll, {
    maxAttempts: 3,
    backoff: new cockatiel.ExponentialBackoff(),
  }),
  cockatiel.circuitBreaker(cockatiel.handleAll, {
    halfOpenAfter: 10_000,
    breaker: new cockatiel.ConsecutiveBreaker(5),
  }),
  cockatiel.timeout(60_000, cockatiel.TimeoutStrategy.Cooperative),
);
const opossum = new Opossum(work, { timeout: 60_000 });

const contenders = [
  ['keel wrap(retry, breaker, timeout, limit)', () => keel.execute(work)],
  ['keel composed, fn reads its signal', () => keel.execute(readsSignal)],
  ['keel composed, caller passes a signal', (signal) => keel.execute(work, { signal })],
  [
    'keel wrap(retry, breaker, limit), fn reads its signal (nothing can abort it)',
    () => keelNoTimeout.execute(readsSignal),
  ],
  ['keel retry alone', () => keelRetry.execute(work)],
  ['cockatiel wrap(retry, breaker, timeout)', () => cockatielPolicy.execute(work)],
  ['p-retry', () => pRetry(work, { retries: 2 })],
  ['opossum', () => opossum.fire()],
  ['bare await (baseline)', work],
];

async function sample(call, signal) {
  globalThis.gc();
  const profiler = new v8.GCProfiler();
  const usedBefore = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await call(signal);
  const ns = Number(process.hrtime.bigint() - start) / CALLS;
  const { statistics } = profiler.stop();
  const usedAfter = v8.getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const { beforeGC, afterGC } of statistics)
    freed += beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize;
  return { ns, bytes: (usedAfter - usedBefore + freed) / CALLS, gcs: statistics.length };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const signal = new AbortController().signal;
for (const [, call] of contenders) for (let i = 0; i < 20_000; i++) await call(signal); // warm up
const samples = new Map(contenders.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const shift = round % contenders.length;
  const order = [...contenders.slice(shift), ...contenders.slice(0, shift)];
  for (const [name, call] of order) samples.get(name).push(await sample(call, signal));
}

const rows = contenders.map(([name]) => {
  const runs = samples.get(name);
  return {
    name,
    ns: median(runs.map((s) => s.ns)),
    bytes: median(runs.map((s) => s.bytes)),
    gcs: median(runs.map((s) => s.gcs)),
  };
});
const keelNs = rows[0].ns;
console.log(
  `\nSuccess-path cost per call, median of ${ROUNDS} rotated rounds x ${CALLS.toLocaleString()} sequential calls, gc() before each sample (Node ${process.version})\n`,
);
console.log(
  '| policy | ns per call | vs keel composed | bytes allocated per call | GCs per sample |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const { name, ns, bytes, gcs } of rows) {
  console.log(
    `| ${name} | ${ns.toFixed(0)} | ${(ns / keelNs).toFixed(2)}x | ${bytes.toFixed(0)} | ${gcs} |`,
  );
}
const overhead = keelNs - rows.at(-1).ns;
console.log(
  `\nkeel composed overhead over a bare await: ${(overhead / 1000).toFixed(2)} µs (goal: <= ${GOAL_NS / 1000} µs) ${overhead <= GOAL_NS ? 'MET' : 'MISSED'}`,
);
