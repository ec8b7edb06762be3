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
 * (each contender first in turn), with a full GC before every sample, and the ratio of the
 * adapter's median to each peer's median is printed; then the median and range of the three.
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

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc (pnpm bench sets it)');

const RUNS = 3;
const ROUNDS = 6;
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

/** The medians of each contender over rotated rounds, a full GC before every sample. */
async function measure(contenders: readonly Contender[], chunks: readonly Uint8Array[]) {
  const samples = contenders.map((): number[] => []);
  for (let round = -WARMUP_ROUNDS; round < ROUNDS; round++) {
    for (let turn = 0; turn < contenders.length; turn++) {
      const index = (Math.max(round, 0) + turn) % contenders.length;
      gc?.();
      const start = performance.now();
      await (contenders[index] as Contender)(chunks);
      if (round >= 0) samples[index]?.push(performance.now() - start);
    }
  }
  return samples.map(median);
}

/** adapter / baseline and adapter / eventsource-parser, per case, per run. */
const ratios = cases.map(() => ({
  baseline: [] as number[],
  eventsource: [] as number[],
  ms: [] as number[][],
}));
for (let run = 0; run < RUNS; run++) {
  for (const [index, { chunks, contenders }] of cases.entries()) {
    const [base = 0, eventsource = 0, adapter = 0] = await measure(contenders, chunks);
    const row = ratios[index];
    row?.baseline.push(adapter / base);
    row?.eventsource.push(adapter / eventsource);
    row?.ms.push([base, eventsource, adapter]);
  }
}
const spread = (values: readonly number[]) =>
  `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
console.log(
  `\nadapter / peer, ${RUNS} runs of ${ROUNDS} rotated rounds, gc() before each sample (Node ${process.version}): median (min-max)`,
);
console.log(
  '| stream, chunks | ms: baseline / eventsource-parser / adapter (run 1) | adapter / baseline | adapter / eventsource-parser |',
);
console.log('| --- | ---: | --- | --- |');
for (const [index, { name }] of cases.entries()) {
  const row = ratios[index];
  if (row === undefined) continue;
  const ms = (row.ms[0] ?? []).map((value) => value.toFixed(0)).join(' / ');
  console.log(`| ${name} | ${ms} | ${spread(row.baseline)} | ${spread(row.eventsource)} |`);
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
