// Concurrency limiter throughput on 100,000 tiny tasks against p-limit, in one process.
// Run after `pnpm build`: node bench/concurrency.mjs
import pLimit from 'p-limit';
import { concurrencyLimit } from '../dist/index.js';

const TASKS = 100_000;
const CONCURRENCY = 10;
const ROUNDS = 5;
const task = async () => {};

async function measure(name, run) {
  await run(); // warm up
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / TASKS);
  }
  samples.sort((a, b) => a - b);
  return { name, nsPerTask: samples[Math.floor(ROUNDS / 2)] };
}

const keel = await measure('keel concurrencyLimit', () => {
  const limit = concurrencyLimit({ maxConcurrent: CONCURRENCY });
  return Promise.all(Array.from({ length: TASKS }, () => limit.execute(task)));
});
const plimit = await measure('p-limit', () => {
  const limit = pLimit(CONCURRENCY);
  return Promise.all(Array.from({ length: TASKS }, () => limit(task)));
});

console.log(
  `\n${TASKS.toLocaleString()} tiny tasks, concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds (Node ${process.version})\n`,
);
console.log('| limiter | ns per task | tasks per second |');
console.log('| --- | ---: | ---: |');
for (const { name, nsPerTask } of [keel, plimit]) {
  console.log(
    `| ${name} | ${nsPerTask.toFixed(0)} | ${Math.round(1e9 / nsPerTask).toLocaleString()} |`,
  );
}
const ratio = plimit.nsPerTask / keel.nsPerTask;
console.log(
  `\nkeel throughput vs p-limit: ${ratio.toFixed(2)}x (goal: >= 2x) ${ratio >= 2 ? 'MET' : 'MISSED'}`,
);
