/**
 * Decoding plus adapting provider streams in eight layouts (OpenAI Chat as OpenAI, vLLM, Ollama,
 * llama.cpp server, llama-cpp-python and Azure OpenAI write it; OpenAI Responses; Anthropic),
 * against a bare baseline (split lines, JSON.parse each payload) and eventsource-parser plus
 * JSON.parse, in one process; and tool-call previews after every one of ~11,000 fragments against
 * re-parsing the prefix each time. Every contender reads the same chunks from the same kind of
 * async source, as a response body delivers them. @keel/streaming is measured as published (the
 * built dist/).
 *
 * The layouts table: three runs; in each, every stream and chunking is measured in rotated rounds
 * (each contender first in turn), with a full GC before every sample, and the adapter's time is
 * divided by each peer's (fastest sample by fastest sample, and median by median); printed are
 * the median of the three runs and their range.
 */
import { createParser } from 'eventsource-parser';
import { bench, describe } from 'vitest';
import {
  createPartialJsonParser,
  fromAnthropic,
  fromOpenAIChat,
  fromOpenAIResponses,
} from '../dist/index.js';
import {
  anthropicStream,
  chatLayouts,
  chatStream,
  deliver,
  openAIResponsesStream,
  randomChunks,
  toolArgumentFragments,
} from './corpora';

type Adapter = typeof fromOpenAIChat;
type Contender = (chunks: readonly Uint8Array[]) => Promise<number>;

async function baseline(chunks: readonly Uint8Array[]): Promise<number> {
  const decoder = new TextDecoder();
  let buffer = '';
  let payloads = 0;
  for await (const chunk of deliver(chunks)) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('data: ') && line !== 'data: [DONE]') {
        JSON.parse(line.slice(6));
        payloads++;
      }
    }
  }
  return payloads;
}

async function eventsourceParser(chunks: readonly Uint8Array[]): Promise<number> {
  const decoder = new TextDecoder();
  let payloads = 0;
  const parser = createParser({
    onEvent(event) {
      if (event.data !== '[DONE]') {
        JSON.parse(event.data);
        payloads++;
      }
    },
  });
  for await (const chunk of deliver(chunks)) parser.feed(decoder.decode(chunk, { stream: true }));
  return payloads;
}

const keel =
  (adapt: Adapter): Contender =>
  async (chunks) => {
    let parts = 0;
    for await (const part of adapt(deliver(chunks))) if (part.type !== 'finish') parts++;
    return parts;
  };

/** `STREAMING_BENCH_GC=0` skips the full GC before each sample, to see what it costs whom. */
const forceGC = process.env.STREAMING_BENCH_GC !== '0';
const gc = (globalThis as { gc?: () => void }).gc;
if (forceGC && gc === undefined) throw new Error('run with node --expose-gc (pnpm bench sets it)');

const RUNS = 3;
const ROUNDS = 10;
const WARMUP_ROUNDS = 1;
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;

const streams: [string, string, Adapter][] = [
  ...chatLayouts.map((layout): [string, string, Adapter] => [
    `Chat: ${layout.name}`,
    chatStream(layout),
    fromOpenAIChat,
  ]),
  ['Responses: OpenAI', openAIResponsesStream(), fromOpenAIResponses],
  ['Anthropic', anthropicStream(), fromAnthropic],
];
const cases = streams.flatMap(([name, text, adapt]) => {
  const bytes = new TextEncoder().encode(text);
  return [64, 4096].map((maxChunk) => ({
    name: `${name}, 1..${maxChunk} B`,
    chunks: randomChunks(bytes, maxChunk),
    contenders: [baseline, eventsourceParser, keel(adapt)],
  }));
});

/**
 * The fastest and the median sample of each contender over rotated rounds (each contender first
 * in turn), a full GC before every sample. On a shared machine most samples are slowed by other
 * processes; the fastest is the least disturbed.
 */
async function measure(contenders: readonly Contender[], chunks: readonly Uint8Array[]) {
  const samples = contenders.map((): number[] => []);
  for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const index = (Math.max(round, 0) + turn) % contenders.length;
      if (forceGC) gc?.();
      const start = performance.now();
      await (contenders[index] as Contender)(chunks);
      if (round >= 0) samples[index]?.push(performance.now() - start);
    }
  }
  return samples.map((values) => ({ fastest: Math.min(...values), median: median(values) }));
}

type Ratios = { fastest: number[]; median: number[] };
/** adapter / baseline and adapter / eventsource-parser, per case, one entry per run. */
const results = cases.map(() => ({
  baseline: { fastest: [], median: [] } as Ratios,
  eventsource: { fastest: [], median: [] } as Ratios,
  ms: [] as number[][],
}));
for (let run = 0; run < RUNS; run++) {
  for (const [index, { chunks, contenders }] of cases.entries()) {
    const [base, eventsource, adapter] = await measure(contenders, chunks);
    const row = results[index];
    if (
      row === undefined ||
      base === undefined ||
      eventsource === undefined ||
      adapter === undefined
    )
      continue;
    for (const key of ['fastest', 'median'] as const) {
      row.baseline[key].push(adapter[key] / base[key]);
      row.eventsource[key].push(adapter[key] / eventsource[key]);
    }
    row.ms.push([base.fastest, eventsource.fastest, adapter.fastest]);
  }
}
const spread = (values: readonly number[]) =>
  `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
console.log(
  `\nadapter / peer over ${RUNS} runs, each of ${ROUNDS} rotated rounds${forceGC ? ' with gc() before every sample' : ', no forced GC'} (Node ${process.version}): median of the runs (min-max); per run, fastest sample / fastest sample, then median / median`,
);
console.log(
  '| stream, chunks | fastest ms, run 1: baseline / eventsource-parser / adapter | adapter / baseline | adapter / eventsource-parser | by medians: adapter / baseline | by medians: adapter / eventsource-parser |',
);
console.log('| --- | ---: | --- | --- | --- | --- |');
for (const [index, { name }] of cases.entries()) {
  const row = results[index];
  if (row === undefined) continue;
  const ms = (row.ms[0] ?? []).map((value) => value.toFixed(0)).join(' / ');
  console.log(
    `| ${name} | ${ms} | ${spread(row.baseline.fastest)} | ${spread(row.eventsource.fastest)} | ${spread(row.baseline.median)} | ${spread(row.eventsource.median)} |`,
  );
}

const fragments = toolArgumentFragments();
const callChunks = [
  {
    choices: [
      {
        index: 0,
        delta: {
          tool_calls: [{ index: 0, id: 'call_1', function: { name: 'report', arguments: '' } }],
        },
      },
    ],
  },
  ...fragments.map((fragment) => ({
    choices: [
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: fragment } }] } },
    ],
  })),
  { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
];

/** What a naive preview does: close the open brackets of the whole prefix and JSON.parse it. */
function reparsePrefix(prefix: string): unknown {
  const closers: string[] = [];
  let inString = false;
  for (let index = 0; index < prefix.length; index++) {
    const char = prefix[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') closers.push('}');
    else if (char === '[') closers.push(']');
    else if (char === '}' || char === ']') closers.pop();
  }
  try {
    return JSON.parse(prefix + (inString ? '"' : '') + closers.reverse().join(''));
  } catch {
    return undefined;
  }
}

const argumentBytes = fragments.join('').length;
describe(`tool arguments: ${(argumentBytes / 1000).toFixed(0)} KB in ${fragments.length} fragments, a preview after each`, () => {
  bench(
    '@keel/streaming createPartialJsonParser: push every fragment',
    () => {
      const parser = createPartialJsonParser();
      for (const fragment of fragments) parser.push(fragment);
    },
    { time: 0, iterations: 20, warmupIterations: 3 },
  );
  bench(
    '@keel/streaming fromOpenAIChat with onToolInputPreview (whole adapter)',
    async () => {
      let previews = 0;
      const parts = fromOpenAIChat(deliver(callChunks), {
        onToolInputPreview: () => {
          previews++;
        },
      });
      for await (const _part of parts);
      if (previews !== fragments.length)
        throw new Error(`expected ${fragments.length} previews, got ${previews}`);
    },
    { time: 0, iterations: 20, warmupIterations: 3 },
  );
  bench(
    'naive: re-parse the whole prefix after every fragment',
    () => {
      let prefix = '';
      for (const fragment of fragments) {
        prefix += fragment;
        reparsePrefix(prefix);
      }
    },
    { time: 0, iterations: 2, warmupIterations: 0 },
  );
});
