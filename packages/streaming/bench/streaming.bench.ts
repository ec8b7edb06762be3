/**
 * Decoding plus adapting 10 MB provider streams, against a bare baseline (split lines,
 * JSON.parse each payload) and eventsource-parser plus JSON.parse, in one process (with our push
 * parser plus JSON.parse beside them, to separate decoding from adapting); and tool-call
 * previews after every one of ~11,000 fragments against re-parsing the prefix each time. Every
 * contender reads the same chunks from the same kind of async source, as a response body
 * delivers them. @keel/streaming is measured as published (the built dist/).
 */
import { createParser } from 'eventsource-parser';
import { bench, describe } from 'vitest';
import {
  createPartialJsonParser,
  createSSEParser,
  fromAnthropic,
  fromOpenAIChat,
} from '../dist/index.js';
import {
  anthropicStream,
  deliver,
  openAIChatStream,
  randomChunks,
  toolArgumentFragments,
} from './corpora';

type Adapter = typeof fromOpenAIChat;

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

async function keelParser(chunks: readonly Uint8Array[]): Promise<number> {
  let payloads = 0;
  const parser = createSSEParser({
    onEvent(event) {
      if (event.data !== '[DONE]') {
        JSON.parse(event.data);
        payloads++;
      }
    },
  });
  for await (const chunk of deliver(chunks)) parser.feed(chunk);
  return payloads;
}

async function keel(adapt: Adapter, chunks: readonly Uint8Array[]): Promise<number> {
  let parts = 0;
  for await (const part of adapt(deliver(chunks))) if (part.type !== 'finish') parts++;
  return parts;
}

const streams: [string, string, Adapter][] = [
  ['OpenAI Chat', openAIChatStream(), fromOpenAIChat],
  ['Anthropic', anthropicStream(), fromAnthropic],
];
const options = { time: 0, iterations: 8, warmupIterations: 2 };

for (const [provider, text, adapt] of streams) {
  const bytes = new TextEncoder().encode(text);
  for (const maxChunk of [64, 4096]) {
    const chunks = randomChunks(bytes, maxChunk);
    const megabytes = (bytes.length / 1024 / 1024).toFixed(1);
    describe(`${provider}, ${megabytes} MB in chunks of 1..${maxChunk} bytes`, () => {
      bench(
        'baseline: split lines + JSON.parse',
        () => baseline(chunks).then(() => undefined),
        options,
      );
      bench(
        'eventsource-parser + JSON.parse',
        () => eventsourceParser(chunks).then(() => undefined),
        options,
      );
      bench(
        '@keel/streaming createSSEParser + JSON.parse',
        () => keelParser(chunks).then(() => undefined),
        options,
      );
      bench(
        `@keel/streaming ${adapt.name} (decode + adapt)`,
        () => keel(adapt, chunks).then(() => undefined),
        options,
      );
    });
  }
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
