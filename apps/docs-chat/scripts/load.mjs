/**
 * The docs-chat load script (`pnpm --filter docs-chat load`, after a build): the built app
 * in-process in OpenAI-compatible mode against @keel/testing's mock provider, then four
 * scenarios: 1,000 concurrent streams, client disconnect to upstream abort, time to first token
 * added, and slow readers with slowloris; with DATABASE_URL and REDIS_URL a fifth, scale-out:
 * the 1,000 streams over two replicas on one PostgreSQL and one Redis, and their time to first
 * token against the embedded app's. Prints tables and markdown blocks for the README; exits 1
 * when a goal fails. Mock, apps and clients share one process, so memory and CPU figures are
 * of all of them.
 */
import os from 'node:os';
import { abusers } from './load-abuse.mjs';
import { disconnects } from './load-disconnect.mjs';
import { scaleOut, scaleOutSkipped } from './load-replicas.mjs';
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
const skipped = scaleOutSkipped();
const steps = skipped ? 4 : 5;
let streams;
let cut;
let ttft;
let abuse;
let scaled;
try {
  out(`1/${steps} 1,000 concurrent streams ...`);
  streams = await concurrentStreams(target);
  goal('1,000 streams: no lost, duplicated or reordered event, no failure', streams.failures === 0);
  out(`2/${steps} client disconnect -> upstream abort ...`);
  cut = await disconnects(target);
  goal('disconnect: every upstream call closed', cut.measured === cut.count);
  goal('disconnect -> upstream close p99 <= 100 ms', cut.p99 <= 100);
  out(`3/${steps} time to first token added ...`);
  ttft = await timeToFirstToken(target);
  goal('time to first token added p50 <= 5 ms', ttft.p50.added <= 5);
  goal('time to first token added p99 <= 20 ms', ttft.p99.added <= 20);
  out(`4/${steps} slow readers and slowloris (watches up to 50 s) ...`);
  abuse = await abusers(target);
  goal(
    'normal chats all complete with abusers',
    abuse.alone.failures + abuse.abused.failures === 0,
  );
  goal('server cut every slowloris socket', abuse.slowloris.cutByServer === abuse.slowloris.count);
  if (skipped) out(`scale-out across replicas skipped: ${skipped}`);
  else {
    out(
      '5/5 scale-out: 1,000 streams over 2 replicas on Redis and PostgreSQL, time to first token ...',
    );
    scaled = await scaleOut(target);
    goal(
      'scale-out: 1,000 streams over 2 replicas, no lost, duplicated or reordered event, no failure',
      scaled.streams.failures === 0,
    );
    goal(
      'scale-out: time to first token with Redis and PostgreSQL p50 <= 5 ms over embedded',
      scaled.ttft.compare.p50.overTarget <= 5,
    );
  }
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
/** The scale-out scenario's rows. */
function replicaRows({
  replicas,
  how,
  streams: load,
  streamCalls: calls,
  ttft: t,
  trips,
  startMs,
}) {
  const r = load.memory;
  const perChat = ({ postgres, redis, byCommand }) =>
    `${fixed(postgres)} / ${fixed(redis)} (${Object.entries(byCommand)
      .map(([name, n]) => `${name} ${fixed(n, 2)}`)
      .join(', ')})`;
  const c = t.compare;
  return [
    [
      `${load.count.toLocaleString('en-US')} concurrent streams over ${replicas} replicas`,
      'failed streams',
      `${load.failures} of ${load.count}`,
    ],
    ['', 'events received', `${load.events} (${fixed(load.eventsPerSecond, 0)}/s)`],
    ['', 'total time / all open after', `${ms(load.totalMs)} / ${ms(load.rampMs)}`],
    [
      '',
      `open streams at peak (/healthz, summed over ${replicas})`,
      `${load.openAtPeak}${load.allArrived ? '' : ' (not all had reached the mock 20 s after the first)'}`,
    ],
    [
      '',
      'RSS before / peak / after (the whole process)',
      `${mb(r.before.rss)} / ${mb(r.peak.rss)} / ${mb(r.after.rss)}`,
    ],
    ['', 'PostgreSQL statements / Redis commands per chat', perChat(trips.streams)],
    [
      '',
      'PostgreSQL calls (wait for a pooled connection included) p50 / p99 / max, failed',
      `${ms(calls.p50)} / ${ms(calls.p99)} / ${ms(calls.max)}, ${Object.values(calls.errors).reduce((a, b) => a + b, 0)} of ${calls.count}`,
    ],
    [
      'time to first token, interleaved',
      `direct p50 / p99 (n=${t.count})`,
      `${ms(t.p50.direct)} / ${ms(t.p99.direct)}`,
    ],
    ['', 'embedded app p50 / p99', `${ms(t.p50.app)} / ${ms(t.p99.app)}`],
    ['', 'replicas on Redis + PostgreSQL p50 / p99', `${ms(c.p50.app)} / ${ms(c.p99.app)}`],
    ['', 'added over direct p50: embedded / replicas', `${ms(t.p50.added)} / ${ms(c.p50.added)}`],
    [
      '',
      '**replicas over embedded** p50 / p99',
      `**${ms(c.p50.overTarget)} / ${ms(c.p99.overTarget)}**`,
    ],
    ['', 'first event (meta) p50: embedded / replicas', `${ms(t.p50.meta)} / ${ms(c.p50.meta)}`],
    [
      '',
      'PostgreSQL statements / Redis commands per chat, one at a time',
      perChat(trips.sequential),
    ],
    [
      '',
      'of which before the model call (each a round trip in sequence)',
      perChat(trips.firstToken),
    ],
    ['start', `${how}: migrate, ingest, index, listen`, ms(startMs)],
  ];
}

const table = markdownTable(['scenario', 'figure', 'value'], rows);
const replicaTable = scaled && markdownTable(['scenario', 'figure', 'value'], replicaRows(scaled));
out();
out(table);
out();
if (replicaTable) {
  out(replicaTable);
  out();
}
for (const { name, ok } of goals) out(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
if (streams.failures > 0) out(`stream problems: ${JSON.stringify(streams.problems)}`);
if (scaled?.streams.failures > 0) {
  out(`scale-out stream problems: ${JSON.stringify(scaled.streams.problems)}`);
  out(`scale-out database call failures: ${JSON.stringify(scaled.streamCalls.errors)}`);
}
if (cut.measured < cut.count) out(`disconnect: ${JSON.stringify(cut)}`);
const loadAverage = os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
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
if (replicaTable) {
  out('Markdown for the README (multi-replica figures):');
  out();
  out('```markdown');
  out(
    `Multi-replica figures (\`pnpm --filter docs-chat load\` with DATABASE_URL and REDIS_URL; ${scaled.how}, with the mock provider and the clients, Node ${process.version}, ${os.cpus().length} cores, load average ${loadAverage} (1 / 5 / 15 min) at the end; a fresh PostgreSQL database and Redis database ${scaled.redisDb}, pool ${scaled.poolSize} connections per replica):`,
  );
  out();
  out(replicaTable);
  out('```');
  out();
}
out(`done in ${fixed((performance.now() - started) / 1_000)} s`);
process.exitCode = goals.every((g) => g.ok) ? 0 : 1;
