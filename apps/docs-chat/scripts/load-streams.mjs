/**
 * Scenario 1: a thousand streaming chats open at once. The mock holds every upstream reply
 * until all of them have arrived (so they are all open together; at most 20 s), then drips 40
 * chunks each;
 * every stream is checked event by event, and memory is sampled before, at the peak and after.
 * With several apps (`target.urls`) the chats go to them in turn.
 */

import { chat, createAgent, now, streamProblem } from './load-client.mjs';
import { CHUNKS, EXPECTED_TEXT, tagOf } from './load-setup.mjs';
import { memoryPeak, settledMemory } from './load-stats.mjs';

/** Runs the scenario; resolves with its figures. */
export async function concurrentStreams(target, { count = 1_000, tokensPerSecond = 10 } = {}) {
  const agent = createAgent();
  let arrived = 0;
  let live;
  let release;
  const allOpen = new Promise((resolve) => {
    release = resolve;
  });
  // The app gives up on a provider that sends nothing for 30 s (its first-byte timeout, then
  // the offline fallback answers): never hold a reply longer than 20 s after the first arrived,
  // even when a slow machine has not opened all the chats by then.
  let giveUp;
  target.setResponder(async (request) => {
    if (!tagOf(request.body)?.startsWith('load-stream-')) return { chunks: CHUNKS };
    arrived++;
    if (arrived === 1) giveUp = setTimeout(() => release('timeout'), 20_000);
    if (arrived === count) {
      // Every chat is open and waiting for its first token: the live memory of 1,000 streams.
      live = settledMemory();
      release('all');
    }
    await allOpen;
    return { chunks: CHUNKS, faults: { tokensPerSecond } };
  });

  // The mock keeps every request it saw (bodies included): start and end with an empty log so
  // that before and after are the app's own memory (during the run it holds ~5 KB a request).
  target.mock.requests.length = 0;
  const before = settledMemory();
  const peak = memoryPeak();
  const started = now();
  let openAtPeak = 0;
  let rampMs = Number.NaN;
  let allArrived = false;
  allOpen.then(async (how) => {
    rampMs = now() - started;
    allArrived = how === 'all';
    peak.sample();
    const healths = await Promise.all(
      target.urls.map((url) => fetch(`${url}/healthz`).then((r) => r.json())),
    );
    openAtPeak = healths.reduce((sum, health) => sum + health.openStreams, 0);
    if (how !== 'all') live = undefined;
  });
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      chat({
        url: target.urls[i % target.urls.length],
        agent,
        userId: `load-user-${i}`,
        message: `How does streaming work? load-stream-${i}`,
      }),
    ),
  );
  const totalMs = now() - started;
  const top = peak.stop();
  clearTimeout(giveUp);
  agent.destroy();
  target.mock.requests.length = 0;
  // Idle keep-alive sockets (client to app, app to mock) close after 4-5 s; wait them out so
  // that `after` is what the app keeps, not a pool of a thousand idle connections.
  await new Promise((resolve) => setTimeout(resolve, 6_000));
  const after = settledMemory();

  const problems = new Map();
  let failures = 0;
  let events = 0;
  for (const result of results) {
    events += result.events.length;
    const problem = streamProblem(result, EXPECTED_TEXT);
    if (problem) {
      failures++;
      const key = problem.replace(/\d+/g, 'N');
      problems.set(key, (problems.get(key) ?? 0) + 1);
    }
  }
  return {
    count,
    failures,
    problems: Object.fromEntries(problems),
    events,
    totalMs,
    rampMs,
    openAtPeak,
    allArrived,
    eventsPerSecond: events / (totalMs / 1_000),
    memory: {
      before,
      live,
      peak: top,
      after,
      perStreamKb: {
        rss: ((top.rss - before.rss) * 1024) / count,
        heap: ((top.heap - before.heap) * 1024) / count,
        liveHeap: live ? ((live.heap - before.heap) * 1024) / count : Number.NaN,
      },
    },
  };
}
