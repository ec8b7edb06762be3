/**
 * Synthetic provider streams for the benchmarks: about 10 MB of OpenAI Chat Completions chunks
 * and of Anthropic Messages events, shaped like the real ones (see src/__fixtures__), cut into
 * chunks of random sizes as a network delivers them. Seeded, so every run measures the same bytes.
 */

/** A small deterministic PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = [
  'the',
  'stream',
  'of',
  'tokens',
  'arrives',
  'quickly,',
  'café',
  'naïve',
  'über',
  '🌍',
  'and',
  'then',
  'ends.',
  '"quoted"',
  'line\n',
];

function delta(random: () => number): string {
  const count = 1 + Math.floor(random() * 3);
  let text = '';
  for (let index = 0; index < count; index++)
    text += ` ${words[Math.floor(random() * words.length)]}`;
  return text;
}

const TARGET_BYTES = 10 * 1024 * 1024;

/** About 10 MB of `chat.completion.chunk` events, ending with usage and `[DONE]`. */
export function openAIChatStream(): string {
  const random = seeded(1);
  const head =
    '{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":';
  const parts: string[] = [];
  let size = 0;
  while (size < TARGET_BYTES) {
    const event = `data: ${head}${JSON.stringify({ content: delta(random) })},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`;
    parts.push(event);
    size += event.length;
  }
  parts.push(`data: ${head}{},"logprobs":null,"finish_reason":"stop"}],"usage":null}\n\n`);
  parts.push(
    'data: {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":250000,"total_tokens":250019}}\n\n',
  );
  parts.push('data: [DONE]\n\n');
  return parts.join('');
}

/** About 10 MB of Anthropic Messages events, from `message_start` to `message_stop`. */
export function anthropicStream(): string {
  const random = seeded(2);
  const parts = [
    'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1}}}\n\n',
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  ];
  let size = 0;
  while (size < TARGET_BYTES) {
    const event = `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(delta(random))}}}\n\n`;
    parts.push(event);
    size += event.length;
    if (random() < 0.01) parts.push('event: ping\ndata: {"type": "ping"}\n\n');
  }
  parts.push(
    'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":250000}}\n\n',
    'event: message_stop\ndata: {"type":"message_stop"}\n\n',
  );
  return parts.join('');
}

/** `bytes` cut into chunks of random sizes between 1 and `maxSize`. */
export function randomChunks(bytes: Uint8Array, maxSize: number, seed = 3): Uint8Array[] {
  const random = seeded(seed);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxSize);
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/** Yields the chunks asynchronously, as a response body (or an SDK stream) does. */
export async function* deliver<T>(chunks: readonly T[]): AsyncGenerator<T> {
  for (const chunk of chunks) yield chunk;
}

/** About 50 KB of JSON tool arguments cut into about 11,000 fragments. */
export function toolArgumentFragments(): string[] {
  const random = seeded(4);
  const value = {
    query: 'quarterly revenue by region',
    rows: Array.from({ length: 700 }, (_, index) => ({
      id: index,
      region: ['EMEA', 'APAC', 'AMER'][index % 3],
      note: `row ${index}: ${delta(random)}`,
      amount: Math.round(random() * 1e6) / 100,
    })),
  };
  const text = JSON.stringify(value).slice(0, 50_000);
  const closed = `${text.slice(0, text.lastIndexOf('},{') + 1)}]}`;
  const fragments: string[] = [];
  for (let offset = 0; offset < closed.length; ) {
    const size = 1 + Math.floor(random() * 8);
    fragments.push(closed.slice(offset, offset + size));
    offset += size;
  }
  return fragments;
}
