/**
 * Scenario 3: time to first token the app adds. Sequential requests, alternating: straight to
 * the mock with the openai SDK (time to the first content delta) and through the app (time to
 * the first `text` event). Same reply, no pacing; a warm-up of each first. The client runs in
 * a worker thread, as a real client runs in its own process: on the app's thread it could
 * only read a response once the app had finished its synchronous work after writing it,
 * which charged the app for the client's wait.
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

async function viaApp(url, agent, i) {
  const result = await chat({
    url,
    agent,
    userId: `load-ttft-user-${i % 10}`,
    message: `How are budgets kept? load-app-${i}`,
  });
  const problem = streamProblem(result, EXPECTED_TEXT);
  if (problem) throw new Error(`app stream ${i}: ${problem}`);
  return {
    text: result.firstTextAt - result.startedAt,
    meta: result.firstEventAt - result.startedAt,
  };
}

/** The client's loop, in the worker: resolves with the three series (ms). */
async function measure({ url, mockBaseURL, count, warmup }) {
  const client = new OpenAI({ apiKey: 'test', baseURL: mockBaseURL, maxRetries: 0 });
  const agent = createAgent();
  for (let i = 0; i < warmup; i++) {
    await direct(client, -1 - i);
    await viaApp(url, agent, -1 - i);
  }
  const directMs = [];
  const appMs = [];
  const metaMs = [];
  for (let i = 0; i < count; i++) {
    directMs.push(await direct(client, i));
    const app = await viaApp(url, agent, i);
    appMs.push(app.text);
    metaMs.push(app.meta);
  }
  agent.destroy();
  return { directMs, appMs, metaMs };
}

if (!isMainThread && workerData?.scenario === 'ttft') {
  parentPort.postMessage(await measure(workerData));
}

/** Runs the scenario; resolves with its figures (ms). */
export async function timeToFirstToken(target, { count = 300, warmup = 20 } = {}) {
  target.setResponder(() => ({ chunks: CHUNKS }));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: {
      scenario: 'ttft',
      url: target.url,
      mockBaseURL: target.mock.openaiBaseURL,
      count,
      warmup,
    },
  });
  const { directMs, appMs, metaMs } = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  const figures = (p) => ({
    direct: percentile(directMs, p),
    app: percentile(appMs, p),
    added: percentile(appMs, p) - percentile(directMs, p),
    // The first event (`meta`) leaves before the model call: the app's own work up to it.
    meta: percentile(metaMs, p),
  });
  return { count, p50: figures(50), p99: figures(99) };
}
