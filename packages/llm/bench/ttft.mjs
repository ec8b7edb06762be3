// Time to first token added by @keel/llm over calling the openai SDK directly, against the
// same loopback mock, in one process. Calls alternate (raw, Keel, raw, Keel...) so drift in the
// machine's load hits both alike. Run after `pnpm build`: node bench/ttft.mjs
import { startMockProvider } from '@keel/testing';
import OpenAI from 'openai';
import { createOpenAIModel } from '../dist/index.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 400);
const mock = await startMockProvider();
mock.respondWith('openai.chat', {
  chunks: ['Hello', ' there', '.'],
  usage: { inputTokens: 500, outputTokens: 3 },
});

const raw = new OpenAI({ apiKey: 'sk-bench', baseURL: mock.openaiBaseURL, maxRetries: 0 });
const keel = createOpenAIModel({
  model: 'gpt-4o-mini',
  apiKey: 'sk-bench',
  baseURL: mock.openaiBaseURL,
  maxTokensField: 'max_completion_tokens',
  timeouts: { totalMs: 60_000, firstByteMs: 10_000, idleMs: 10_000 },
});

function history(turns) {
  const messages = [];
  for (let i = 0; i < turns; i++) {
    messages.push({
      role: 'user',
      content: `Question ${i}: how do I configure the retry budget for service ${i}?`,
    });
    messages.push({
      role: 'assistant',
      content: `Answer ${i}: set maxRetryRatio to 0.1 and minRetriesPerSecond to ${i}.`,
    });
  }
  messages.push({ role: 'user', content: 'And the breaker?' });
  return messages;
}

async function rawTtft(messages) {
  const start = performance.now();
  const stream = await raw.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'system', content: 'You are a helpful assistant.' }, ...messages],
    max_completion_tokens: 200,
    stream: true,
    stream_options: { include_usage: true },
  });
  let ttft;
  for await (const chunk of stream) {
    if (ttft === undefined && chunk.choices[0]?.delta?.content) ttft = performance.now() - start;
  }
  return ttft;
}

async function keelTtft(messages) {
  const start = performance.now();
  let ttft;
  for await (const part of keel.stream({
    system: 'You are a helpful assistant.',
    messages,
    maxTokens: 200,
  })) {
    if (ttft === undefined && part.type === 'text-delta') ttft = performance.now() - start;
  }
  return ttft;
}

const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * p)];

console.log(
  `@keel/llm time-to-first-token overhead vs the openai SDK (${CALLS} calls each, loopback mock)`,
);
for (const turns of [5, 200]) {
  const messages = history(turns);
  for (let i = 0; i < 50; i++) {
    await rawTtft(messages);
    await keelTtft(messages);
  }
  const rawTimes = [];
  const keelTimes = [];
  for (let i = 0; i < CALLS; i++) {
    rawTimes.push(await rawTtft(messages));
    keelTimes.push(await keelTtft(messages));
  }
  const [r50, k50, r90, k90] = [
    percentile(rawTimes, 0.5),
    percentile(keelTimes, 0.5),
    percentile(rawTimes, 0.9),
    percentile(keelTimes, 0.9),
  ];
  console.log(
    `  ${String(turns * 2 + 1).padStart(3)} messages: sdk p50 ${r50.toFixed(3)} ms, keel p50 ${k50.toFixed(3)} ms, ` +
      `added ${(k50 - r50).toFixed(3)} ms (ratio ${(k50 / r50).toFixed(2)}x); p90 added ${(k90 - r90).toFixed(3)} ms`,
  );
}
await mock.close();
