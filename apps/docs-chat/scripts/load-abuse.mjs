/**
 * Scenario 4: slow readers and slowloris. Normal chats' time to first token is measured alone,
 * then again while slowloris sockets drip header bytes and slow-reader chats read nothing; the
 * slowloris sockets are then watched until the server cuts them (its headersTimeout is 10 s).
 */
import net from 'node:net';
import { chat, createAgent, now, streamProblem } from './load-client.mjs';
import { CHUNKS, EXPECTED_TEXT, tagOf } from './load-setup.mjs';
import { pool, settledMemory, summary } from './load-stats.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A reply big enough to fill the socket buffers of a client that reads nothing (loopback
 * buffers take a few MB before the server's writes back up): 96 chunks of 64 KB, dripped over
 * about 4 s so that the slow readers are open while the normal chats run.
 */
const BIG_REPLY = {
  chunks: Array.from({ length: 96 }, (_, i) => `${'x'.repeat(65_535)}${i % 10}`),
  faults: { tokensPerSecond: 24 },
};

async function normalChats(target, { count, concurrency, label }) {
  const agent = createAgent();
  const results = await pool(count, concurrency, (i) =>
    chat({
      url: target.url,
      agent,
      userId: `load-${label}-user-${i % 20}`,
      message: `Where do citations come from? load-${label}-${i}`,
    }),
  );
  agent.destroy();
  const failures = results.filter((r) => streamProblem(r, EXPECTED_TEXT) !== undefined).length;
  return {
    failures,
    ttft: summary(results.map((r) => r.firstTextAt - r.startedAt).filter(Number.isFinite)),
  };
}

/** Opens a socket that sends a request's headers one byte at a time, never finishing them. */
function slowloris(port, i) {
  const socket = net.connect(port, '127.0.0.1');
  const state = { openedAt: now(), closedAt: undefined, reply: '', bytesSent: 0 };
  const text = `POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slowloris-${i}: ${'a'.repeat(200)}`;
  let timer;
  socket.on('connect', () => {
    timer = setInterval(() => {
      if (state.bytesSent < text.length) socket.write(text[state.bytesSent++]);
    }, 250);
  });
  socket.setEncoding('utf8');
  socket.on('data', (data) => {
    state.reply += data;
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    clearInterval(timer);
    state.closedAt ??= now();
  });
  return {
    state,
    close() {
      clearInterval(timer);
      state.closedByUs = state.closedAt === undefined;
      socket.destroy();
    },
  };
}

/** Runs the scenario; resolves with its figures. */
export async function abusers(
  target,
  { normal = 200, concurrency = 10, lorises = 100, slowReaders = 50, watchMs = 50_000 } = {},
) {
  target.setResponder((request) =>
    tagOf(request.body)?.startsWith('load-slow-') ? BIG_REPLY : { chunks: CHUNKS },
  );
  await normalChats(target, { count: 20, concurrency, label: 'warm' });
  const alone = await normalChats(target, { count: normal, concurrency, label: 'alone' });

  const heapBefore = settledMemory().heap;
  const port = Number(new URL(target.url).port);
  const sockets = Array.from({ length: lorises }, (_, i) => slowloris(port, i));
  const readerAgent = createAgent();
  const readers = await Promise.all(
    Array.from({ length: slowReaders }, (_, i) =>
      chat({
        url: target.url,
        agent: readerAgent,
        userId: `load-slow-user-${i}`,
        message: `Tell me everything. load-slow-${i}`,
        readNothing: true,
      }),
    ),
  );
  // The normal chats run once the slow readers have filled their buffers and stalled, so
  // they measure the abusers holding connections, not the burst of 300 MB that fills them.
  const slowUpstream = () =>
    target.mock.requests.filter((r) => tagOf(r.body)?.startsWith('load-slow-'));
  const filling = (r) => r.timings.endedAt === undefined && r.disconnectedAt === undefined;
  const fillStart = now();
  while (slowUpstream().some(filling) && now() - fillStart < 15_000) await sleep(100);
  const fillMs = now() - fillStart;
  // Live heap held per stalled slow reader (slowloris sockets are a rounding error in it).
  const heapPerReaderMb = (settledMemory().heap - heapBefore) / slowReaders;
  const abused = await normalChats(target, { count: normal, concurrency, label: 'abused' });
  const health = await fetch(`${target.url}/healthz`).then((r) => r.json());

  // Watch until the server has cut every slowloris socket and every stalled slow reader (its
  // 30 s write stall), or the watch ends.
  const watchStart = sockets[0]?.state.openedAt ?? now();
  let openStreams = health.openStreams;
  let streamsClosedAt;
  while (now() - watchStart < watchMs) {
    openStreams = (await fetch(`${target.url}/healthz`).then((r) => r.json())).openStreams;
    if (openStreams === 0) streamsClosedAt ??= now();
    if (openStreams === 0 && sockets.every((s) => s.state.closedAt !== undefined)) break;
    await sleep(250);
  }
  const cut = sockets.filter((s) => s.state.closedAt !== undefined);
  for (const socket of sockets) socket.close();
  for (const reader of readers) reader.hold?.destroy();
  readerAgent.destroy();
  const upstream = slowUpstream();
  const readersStarted = Math.min(...readers.map((r) => r.startedAt));
  const upstreamCut = upstream.filter((r) => r.disconnectedAt !== undefined);
  return {
    normal,
    concurrency,
    alone,
    abused,
    slowReaders: {
      count: slowReaders,
      answered: readers.filter((r) => r.status === 200).length,
      openStreamsDuringAbuse: health.openStreams,
      fillMs,
      heapPerReaderMb,
      // The mock sent the whole reply: backpressure never reached the provider.
      upstreamFinished: upstream.filter((r) => r.timings.endedAt !== undefined).length,
      upstreamCut: upstreamCut.length,
      mbSentPerReader: summary(upstream.map((r) => r.bytesWritten / 2 ** 20)),
      openStreamsAtWatchEnd: openStreams,
      // When the server had closed every slow reader's stream, from the readers' start.
      allClosedAfterMs:
        streamsClosedAt === undefined ? Number.NaN : streamsClosedAt - readersStarted,
    },
    slowloris: {
      count: lorises,
      watchedMs: now() - watchStart,
      cutByServer: cut.length,
      answered408: cut.filter((s) => s.state.reply.startsWith('HTTP/1.1 408')).length,
      cutAfterMs: summary(cut.map((s) => s.state.closedAt - s.state.openedAt)),
    },
  };
}
