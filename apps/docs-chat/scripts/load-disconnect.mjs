/**
 * Scenario 2: a client that goes away aborts the upstream call. Each chat is cut at its first
 * `text` event; the figure is the time from that cut to the mock provider seeing the upstream
 * connection close (its `disconnectedAt`, on the same clock).
 */

import { chat, createAgent } from './load-client.mjs';
import { CHUNKS, tagOf } from './load-setup.mjs';
import { pool, summary } from './load-stats.mjs';

/** Runs the scenario; resolves with its figures. */
export async function disconnects(target, { count = 200, concurrency = 4 } = {}) {
  const agent = createAgent();
  // A slow drip, so the upstream stream is still running long after the cut.
  target.setResponder(() => ({ chunks: CHUNKS, faults: { tokensPerSecond: 5 } }));
  const upstreamEnds = new Map();
  const waiters = new Map();
  const stop = target.onRequestEnd((record) => {
    const tag = tagOf(record.body);
    if (!tag?.startsWith('load-cut-')) return;
    upstreamEnds.set(tag, record);
    waiters.get(tag)?.();
  });
  const ended = (tag, ms) =>
    new Promise((resolve) => {
      if (upstreamEnds.has(tag)) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      waiters.set(tag, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });

  const delays = [];
  let notCut = 0;
  let upstreamCompleted = 0;
  let noDisconnect = 0;
  await pool(count, concurrency, async (i) => {
    const tag = `load-cut-${i}`;
    const result = await chat({
      url: target.url,
      agent,
      userId: `load-cut-user-${i}`,
      message: `What is a budget? ${tag}`,
      onFirstText: (destroy) => destroy(),
    });
    if (result.destroyedAt === undefined) {
      notCut++;
      return;
    }
    if (!(await ended(tag, 5_000))) {
      noDisconnect++;
      return;
    }
    const record = upstreamEnds.get(tag);
    if (record.disconnectedAt === undefined) {
      if (record.timings.endedAt !== undefined) upstreamCompleted++;
      else noDisconnect++;
      return;
    }
    delays.push(record.disconnectedAt - result.destroyedAt);
  });
  stop();
  agent.destroy();
  return {
    count,
    measured: delays.length,
    notCut,
    noDisconnect,
    upstreamCompleted,
    ...summary(delays),
  };
}
