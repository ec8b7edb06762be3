// Success-path overhead per call: Keel's retry + breaker + timeout + concurrency limit composed,
// against cockatiel's wrap(retry, breaker, timeout), p-retry and opossum, in one process.
// Run after `pnpm build`: node bench/overhead.mjs
import * as cockatiel from 'cockatiel';
import Opossum from 'opossum';
import pRetry from 'p-retry';
import { circuitBreaker, concurrencyLimit, retry, timeout, wrap } from '../dist/index.js';

const N = 200_000;
const ROUNDS = 5;
const work = async () => 42;
const signalCost = await (async () => {
  const start = process.hrtime.bigint();
  for (let i = 0; i < 100_000; i++) void new AbortController().signal;
  return Number(process.hrtime.bigint() - start) / 100_000;
})();

async function measure(name, call) {
  for (let i = 0; i < 20_000; i++) await call(); // warm up
  const samples = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < N; i++) await call();
    samples.push(Number(process.hrtime.bigint() - start) / N);
  }
  samples.sort((a, b) => a - b);
  return { name, nsPerCall: samples[Math.floor(ROUNDS / 2)] };
}

const keel = wrap(
  retry({ maxAttempts: 3 }),
  circuitBreaker(),
  timeout({ totalMs: 60_000 }),
  concurrencyLimit({ maxConcurrent: 1_000 }),
);
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

const results = [];
results.push(await measure('keel wrap(retry, breaker, timeout, limit)', () => keel.execute(work)));
results.push(
  await measure('keel composed, fn reads its signal', () =>
    keel.execute(({ signal }) => work(signal)),
  ),
);
results.push(
  await measure(
    'keel retry alone',
    (
      (policy) => () =>
        policy.execute(work)
    )(retry()),
  ),
);
results.push(
  await measure('cockatiel wrap(retry, breaker, timeout)', () => cockatielPolicy.execute(work)),
);
results.push(await measure('p-retry', () => pRetry(work, { retries: 2 })));
results.push(await measure('opossum', () => opossum.fire()));
results.push(await measure('bare await (baseline)', work));

const keelNs = results[0].nsPerCall;
console.log(
  `\nSuccess-path overhead per call, median of ${ROUNDS} x ${N.toLocaleString()} sequential calls (Node ${process.version})\n`,
);
console.log('| policy | ns per call | vs keel composed |');
console.log('| --- | ---: | ---: |');
for (const { name, nsPerCall } of results) {
  console.log(`| ${name} | ${nsPerCall.toFixed(0)} | ${(nsPerCall / keelNs).toFixed(2)}x |`);
}
const overhead = keelNs - results.at(-1).nsPerCall;
console.log(
  `\n(creating one AbortSignal costs ${signalCost.toFixed(0)} ns on this Node; a function that reads its signal pays it once per call)`,
);
console.log(
  `keel composed overhead over a bare await: ${(overhead / 1000).toFixed(2)} µs (goal: <= 2 µs) ${overhead <= 2000 ? 'MET' : 'MISSED'}`,
);
