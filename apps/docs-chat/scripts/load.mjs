/**
 * The docs-chat load script (`pnpm --filter docs-chat load`, after a build): the built app
 * in-process in OpenAI-compatible mode against @keel/testing's mock provider, then four
 * scenarios: 1,000 concurrent streams, client disconnect to upstream abort, time to first token
 * added, and slow readers with slowloris. Prints a table and a markdown block for the README;
 * exits 1 when a goal fails. Mock, app and clients share one process, so memory and CPU
 * figures are of all three.
 */
import os from 'node:os';
import { abusers } from './load-abuse.mjs';
import { disconnects } from './load-disconnect.mjs';
import { startLoadTarget } from './load-setup.mjs';
import { fixed, markdownTable } from './load-stats.mjs';
import { concurrentStreams } from './load-streams.mjs';
import { timeToFirstToken } from './load-ttft.mjs';

const out = (text = '') => process.stdout.write(`${text}\n`);
const ms = (value) => `${fixed(value)} ms`;
const mb = (value) => `${fixed(value, 0)} MB`;

const started = performance.now();
out(
  `docs-chat load: node ${process.version}, ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const target = await startLoadTarget();
out(`app ${target.url} -> mock ${target.mock.url}`);

const goals = [];
const goal = (name, ok) => goals.push({ name, ok });
let streams;
let cut;
let ttft;
let abuse;
try {
  out('1/4 1,000 concurrent streams ...');
  streams = await concurrentStreams(target);
  goal('1,000 streams: no lost, duplicated or reordered event, no failure', streams.failures === 0);
  out('2/4 client disconnect -> upstream abort ...');
  cut = await disconnects(target);
  goal('disconnect: every upstream call closed', cut.measured === cut.count);
  goal('disconnect -> upstream close p99 <= 100 ms', cut.p99 <= 100);
  out('3/4 time to first token added ...');
  ttft = await timeToFirstToken(target);
  goal('time to first token added p50 <= 5 ms', ttft.p50.added <= 5);
  goal('time to first token added p99 <= 20 ms', ttft.p99.added <= 20);
  out('4/4 slow readers and slowloris (watches up to 50 s) ...');
  abuse = await abusers(target);
  goal(
    'normal chats all complete with abusers',
    abuse.alone.failures + abuse.abused.failures === 0,
  );
  goal('server cut every slowloris socket', abuse.slowloris.cutByServer === abuse.slowloris.count);
} finally {
  await target.close();
}

const m = streams.memory;
const rows = [
  ['1,000 concurrent streams', 'failed streams', `${streams.failures} of ${streams.count}`],
  ['', 'events received', `${streams.events} (${fixed(streams.eventsPerSecond, 0)}/s)`],
  ['', 'total time / all open after', `${ms(streams.totalMs)} / ${ms(streams.rampMs)}`],
  [
    '',
    'open streams at peak (/healthz)',
    `${streams.openAtPeak}${streams.allArrived ? '' : ' (not all had reached the mock 20 s after the first)'}`,
  ],
  [
    '',
    'RSS before / peak / after (6 s later)',
    `${mb(m.before.rss)} / ${mb(m.peak.rss)} / ${mb(m.after.rss)}`,
  ],
  [
    '',
    'heap before / all open (after GC) / peak / after',
    `${mb(m.before.heap)} / ${mb(m.live?.heap)} / ${mb(m.peak.heap)} / ${mb(m.after.heap)}`,
  ],
  [
    '',
    'per open stream: RSS / heap peak / heap live',
    `${fixed(m.perStreamKb.rss, 0)} KB / ${fixed(m.perStreamKb.heap, 0)} KB / ${fixed(m.perStreamKb.liveHeap, 0)} KB`,
  ],
  [
    'disconnect -> upstream close',
    `p50 / p99 / max (n=${cut.measured} of ${cut.count})`,
    `${ms(cut.p50)} / ${ms(cut.p99)} / ${ms(cut.max)}`,
  ],
  [
    'time to first token',
    `direct p50 / p99 (n=${ttft.count})`,
    `${ms(ttft.p50.direct)} / ${ms(ttft.p99.direct)}`,
  ],
  ['', 'through the app p50 / p99', `${ms(ttft.p50.app)} / ${ms(ttft.p99.app)}`],
  ['', 'added p50 / p99', `${ms(ttft.p50.added)} / ${ms(ttft.p99.added)}`],
  [
    '',
    'through the app, first event (meta) p50 / p99',
    `${ms(ttft.p50.meta)} / ${ms(ttft.p99.meta)}`,
  ],
  [
    'abusers',
    `normal chats TTFT alone p50 / p99 (${abuse.normal}, ${abuse.concurrency} at once)`,
    `${ms(abuse.alone.ttft.p50)} / ${ms(abuse.alone.ttft.p99)}`,
  ],
  [
    '',
    'with 100 slowloris + 50 slow readers p50 / p99',
    `${ms(abuse.abused.ttft.p50)} / ${ms(abuse.abused.ttft.p99)}`,
  ],
  [
    '',
    'normal chats failed alone / with abusers',
    `${abuse.alone.failures} / ${abuse.abused.failures}`,
  ],
  [
    '',
    'slowloris cut by the server (408) / after',
    `${abuse.slowloris.cutByServer} (${abuse.slowloris.answered408}) of ${abuse.slowloris.count} / ${ms(abuse.slowloris.cutAfterMs.p50)} p50, ${ms(abuse.slowloris.cutAfterMs.max)} max`,
  ],
  [
    '',
    'slow readers: MB sent upstream each / live heap each once stalled / fill time',
    `${fixed(abuse.slowReaders.mbSentPerReader.p50)} MB / ${fixed(abuse.slowReaders.heapPerReaderMb)} MB / ${ms(abuse.slowReaders.fillMs)}`,
  ],
  [
    '',
    'slow-reader streams open during / at watch end',
    `${abuse.slowReaders.openStreamsDuringAbuse} / ${abuse.slowReaders.openStreamsAtWatchEnd} (watched ${ms(abuse.slowloris.watchedMs)})`,
  ],
  [
    '',
    'slow-reader turns all ended by the server (write stall) after',
    ms(abuse.slowReaders.allClosedAfterMs),
  ],
];
const table = markdownTable(['scenario', 'figure', 'value'], rows);
out();
out(table);
out();
for (const { name, ok } of goals) out(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
if (streams.failures > 0) out(`stream problems: ${JSON.stringify(streams.problems)}`);
if (cut.measured < cut.count) out(`disconnect: ${JSON.stringify(cut)}`);
out();
out('Markdown for the README:');
out();
out('```markdown');
out(
  `Load figures (\`pnpm --filter docs-chat load\`; app, mock provider and clients in one Node ${process.version} process, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)} at the end):`,
);
out();
out(table);
out('```');
out();
out(`done in ${fixed((performance.now() - started) / 1_000)} s`);
process.exitCode = goals.every((g) => g.ok) ? 0 : 1;
