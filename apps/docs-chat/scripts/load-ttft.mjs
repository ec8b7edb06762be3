/**
 * Scenario 3: time to first token the app adds. Sequential requests, alternating: straight to
 * the mock with the openai SDK (time to the first content delta) and through the app (time to
 * the first `text` event). Same reply, no pacing; a warm-up of each first. The client runs in
 * a worker thread, as a real client runs in its own process: on the app's thread it could
 * only read a response once the app had finished its synchronous work after writing it,
 * which charged the app for the client's wait.
 *
 * With `compare` (another target: the replicas on Redis and PostgreSQL) each round also sends
 * a chat through it, to its apps in turn, so both are measured under the same machine load;
 * the two go first in alternate rounds.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import OpenAI from 'openai';
import { chat, createAgent, now, streamProblem } from './load-client.mjs';
import { CHUNKS, EXPECTED_TEXT } from './load-setup.mjs';
import { percentile } from './load-stats.mjs';

async function direct(client, i) {
  const started = now();
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: `How are budgets kept? load-direct-${i}` }],
  });
  let first;
  let text = '';
  for await (const part of stream) {
    const delta = part.choices[0]?.delta?.content;
    if (delta) {
      first ??= now() - started;
      text += delta;
    }
  }
  if (text !== EXPECTED_TEXT) throw new Error(`direct stream ${i}: unexpected text`);
  return first;
}

async function viaApp(url, agent, i, kind = 'app') {
  const result = await chat({
    url,
    agent,
    userId: `load-ttft-user-${i % 10}`,
    message: `How are budgets kept? load-${kind}-${i}`,
  });
  const problem = streamProblem(result, EXPECTED_TEXT);
  if (problem) throw new Error(`app stream ${i}: ${problem}`);
  return {
    text: result.firstTextAt - result.startedAt,
    meta: result.firstEventAt - result.startedAt,
  };
}

/**
 * The client's loop, in the worker: resolves with the direct series and, for each entry of
 * `targets` (`{ kind, urls }`), its app and meta series (ms).
 */
async function measure({ targets, mockBaseURL, count, warmup }) {
  const client = new OpenAI({ apiKey: 'test', baseURL: mockBaseURL, maxRetries: 0 });
  const agent = createAgent();
  const series = targets.map(() => ({ appMs: [], metaMs: [] }));
  const round = async (i, record) => {
    const ms = await direct(client, i);
    const order = i % 2 === 0 ? targets.keys() : [...targets.keys()].reverse();
    for (const t of order) {
      const { kind, urls } = targets[t];
      const app = await viaApp(urls[Math.abs(i) % urls.length], agent, i, kind);
      if (!record) continue;
      series[t].appMs.push(app.text);
      series[t].metaMs.push(app.meta);
    }
    return ms;
  };
  for (let i = 0; i < warmup; i++) await round(-1 - i, false);
  const directMs = [];
  for (let i = 0; i < count; i++) directMs.push(await round(i, true));
  agent.destroy();
  return { directMs, series };
}

if (!isMainThread && workerData?.scenario === 'ttft') {
  parentPort.postMessage(await measure(workerData));
}

/**
 * Runs the scenario; resolves with its figures (ms): `p50` and `p99` of `target`, and with
 * `compare` the same of it plus `overTarget`, its time to first token minus `target`'s.
 * `onUpstream(request)` is called as each model call reaches the mock.
 */
export async function timeToFirstToken(
  target,
  { count = 300, warmup = 20, compare, onUpstream } = {},
) {
  target.setResponder((request) => {
    onUpstream?.(request);
    return { chunks: CHUNKS };
  });
  const targets = [{ kind: 'app', urls: target.urls }];
  if (compare) targets.push({ kind: 'replica', urls: compare.urls });
  const worker = new Worker(new URL(import.meta.url), {
    workerData: {
      scenario: 'ttft',
      targets,
      mockBaseURL: target.mock.openaiBaseURL,
      count,
      warmup,
    },
  });
  const { directMs, series } = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const figures = ({ appMs, metaMs }, p) => ({
    direct: percentile(directMs, p),
    app: percentile(appMs, p),
    added: percentile(appMs, p) - percentile(directMs, p),
    // The first event (`meta`) leaves before the model call: the app's own work up to it.
    meta: percentile(metaMs, p),
  });
  const [base, other] = series;
  const result = { count, p50: figures(base, 50), p99: figures(base, 99) };
  if (!other) return result;
  const compared = (p) => ({
    ...figures(other, p),
    overTarget: percentile(other.appMs, p) - percentile(base.appMs, p),
  });
  return { ...result, compare: { p50: compared(50), p99: compared(99) } };
}
