/**
 * Synthetic provider streams for the benchmarks: about 2 MB each of Chat Completions chunks in
 * the layouts of OpenAI and of five OpenAI-compatible servers, of OpenAI Responses events and of
 * Anthropic Messages events, shaped like the recorded ones (see src/__fixtures__), cut into
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

/** A stream's size in the benchmarks. */
const TARGET_BYTES = 2 * 1024 * 1024;

/** `value` as Python's `json.dumps` writes it: `", "` and `": "` separators, non-ASCII escaped. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(
      ([key, item]) => `${pythonJson(key)}: ${pythonJson(item)}`,
    );
    return `{${members.join(', ')}}`;
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  return JSON.stringify(value);
}

/**
 * How one server writes a Chat Completions stream (see src/__fixtures__/README.md for the
 * sources): the chunks before the text, a text chunk (`index` counts them, for the fields that
 * change during a stream: `created` each second, OpenAI's `obfuscation` padding), and the chunks
 * after it, `[DONE]` excluded.
 */
export interface ChatLayout {
  name: string;
  before: string[];
  text(content: string, index: number): string;
  after: string[];
}

const filterResults = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

/** The layouts of the benchmarks: OpenAI's own, then five OpenAI-compatible servers. */
export const chatLayouts: ChatLayout[] = [
  {
    name: 'OpenAI',
    before: [
      '{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"Wq"}',
    ],
    text: (content, index) =>
      `{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"${'x'.repeat(index % 11)}"}`,
    after: [
      '{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null,"obfuscation":"kL1"}',
      '{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_f9f4fb6dbf","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":50000,"total_tokens":50019,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"u"}',
    ],
  },
  {
    name: 'vLLM',
    before: [
      '{"id":"chatcmpl-8f2a1c","object":"chat.completion.chunk","created":1741570283,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}',
    ],
    text: (content) =>
      `{"id":"chatcmpl-8f2a1c","object":"chat.completion.chunk","created":1741570283,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"logprobs":null,"finish_reason":null}]}`,
    after: [
      '{"id":"chatcmpl-8f2a1c","object":"chat.completion.chunk","created":1741570283,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":""},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}',
      '{"id":"chatcmpl-8f2a1c","object":"chat.completion.chunk","created":1741570283,"model":"Qwen/Qwen3-8B","choices":[],"usage":{"prompt_tokens":19,"total_tokens":50019,"completion_tokens":50000}}',
    ],
  },
  {
    name: 'Ollama',
    before: [],
    text: (content, index) =>
      `{"id":"chatcmpl-466","object":"chat.completion.chunk","created":${1741570283 + Math.floor(index / 50)},"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":${JSON.stringify(content)}},"finish_reason":null}]}`,
    after: [
      '{"id":"chatcmpl-466","object":"chat.completion.chunk","created":1741571283,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}',
      '{"id":"chatcmpl-466","object":"chat.completion.chunk","created":1741571283,"model":"llama3.2","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":50000,"total_tokens":50019}}',
    ],
  },
  {
    name: 'llama.cpp server',
    before: [
      '{"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],"created":1741570283,"id":"chatcmpl-xw2uiXLfoRmK5wvTNRnw9oDv8WPdlUPE","model":"qwen2.5-7b-instruct-q4_k_m.gguf","system_fingerprint":"b6290-a6a58d64","object":"chat.completion.chunk"}',
    ],
    text: (content, index) =>
      `{"choices":[{"finish_reason":null,"index":0,"delta":{"content":${JSON.stringify(content)}}}],"created":${1741570283 + Math.floor(index / 50)},"id":"chatcmpl-xw2uiXLfoRmK5wvTNRnw9oDv8WPdlUPE","model":"qwen2.5-7b-instruct-q4_k_m.gguf","system_fingerprint":"b6290-a6a58d64","object":"chat.completion.chunk"}`,
    after: [
      '{"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"created":1741571283,"id":"chatcmpl-xw2uiXLfoRmK5wvTNRnw9oDv8WPdlUPE","model":"qwen2.5-7b-instruct-q4_k_m.gguf","system_fingerprint":"b6290-a6a58d64","object":"chat.completion.chunk","usage":{"completion_tokens":50000,"prompt_tokens":19,"total_tokens":50019},"timings":{"prompt_n":19,"prompt_ms":41.2,"prompt_per_token_ms":2.17,"prompt_per_second":461.2,"predicted_n":50000,"predicted_ms":999000.5,"predicted_per_token_ms":19.98,"predicted_per_second":50.05}}',
    ],
  },
  {
    name: 'llama-cpp-python',
    before: [
      pythonJson({
        id: 'chatcmpl-0b6f8b0c',
        model: 'llama-3.2-3b-instruct.Q4_K_M.gguf',
        created: 1741570283,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { role: 'assistant' }, logprobs: null, finish_reason: null }],
      }),
    ],
    text: (content) =>
      pythonJson({
        id: 'chatcmpl-0b6f8b0c',
        model: 'llama-3.2-3b-instruct.Q4_K_M.gguf',
        created: 1741570283,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
      }),
    after: [
      pythonJson({
        id: 'chatcmpl-0b6f8b0c',
        model: 'llama-3.2-3b-instruct.Q4_K_M.gguf',
        created: 1741570283,
        object: 'chat.completion.chunk',
        choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      }),
    ],
  },
  {
    name: 'Azure OpenAI',
    before: [
      JSON.stringify({
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: filterResults }],
      }),
      '{"id":"chatcmpl-8zbuFTbty9eu3SuJb19gGSUxPqswD","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":""},"content_filter_results":{}}],"system_fingerprint":"fp_b705f0c291"}',
    ],
    text: (content) =>
      JSON.stringify({
        id: 'chatcmpl-8zbuFTbty9eu3SuJb19gGSUxPqswD',
        object: 'chat.completion.chunk',
        created: 1741570283,
        model: 'gpt-4o-2024-08-06',
        choices: [
          {
            finish_reason: null,
            index: 0,
            delta: { content },
            content_filter_results: filterResults,
          },
        ],
        system_fingerprint: 'fp_b705f0c291',
      }),
    after: [
      '{"id":"chatcmpl-8zbuFTbty9eu3SuJb19gGSUxPqswD","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"finish_reason":"stop","index":0,"delta":{},"content_filter_results":{}}],"system_fingerprint":"fp_b705f0c291"}',
      '{"id":"chatcmpl-8zbuFTbty9eu3SuJb19gGSUxPqswD","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"completion_tokens":50000,"prompt_tokens":19,"total_tokens":50019},"system_fingerprint":"fp_b705f0c291"}',
    ],
  },
];

/** About 2 MB of Chat Completions chunks in `layout`, ending with `[DONE]`. */
export function chatStream(layout: ChatLayout): string {
  const random = seeded(1);
  const parts = layout.before.map((data) => `data: ${data}\n\n`);
  let size = 0;
  for (let index = 0; size < TARGET_BYTES; index++) {
    const event = `data: ${layout.text(delta(random), index)}\n\n`;
    parts.push(event);
    size += event.length;
  }
  parts.push(...layout.after.map((data) => `data: ${data}\n\n`), 'data: [DONE]\n\n');
  return parts.join('');
}

/** About 2 MB of OpenAI Responses events, text deltas between their usual first and last events. */
export function openAIResponsesStream(): string {
  const random = seeded(3);
  const response = (status: string, usage: string) =>
    `{"id":"resp_67ccd2bed1ec8190","object":"response","created_at":1741476542,"status":"${status}","error":null,"incomplete_details":null,"model":"gpt-4.1-2025-04-14","output":[],"usage":${usage}}`;
  const event = (type: string, body: string) =>
    `event: ${type}\ndata: {"type":"${type}",${body}}\n\n`;
  const parts = [
    event('response.created', `"sequence_number":0,"response":${response('in_progress', 'null')}`),
    event(
      'response.output_item.added',
      '"sequence_number":1,"output_index":0,"item":{"id":"msg_67ccd2bf17f0","type":"message","status":"in_progress","content":[],"role":"assistant"}',
    ),
  ];
  let size = 0;
  let sequence = 2;
  while (size < TARGET_BYTES) {
    const text = event(
      'response.output_text.delta',
      `"sequence_number":${sequence++},"item_id":"msg_67ccd2bf17f0","output_index":0,"content_index":0,"delta":${JSON.stringify(delta(random))},"logprobs":[],"obfuscation":"${'x'.repeat(sequence % 11)}"`,
    );
    parts.push(text);
    size += text.length;
  }
  parts.push(
    event(
      'response.completed',
      `"sequence_number":${sequence},"response":${response('completed', '{"input_tokens":19,"input_tokens_details":{"cached_tokens":0},"output_tokens":50000,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":50019}')}`,
    ),
  );
  return parts.join('');
}

/** About 2 MB of Anthropic Messages events, from `message_start` to `message_stop`. */
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
    'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":50000}}\n\n',
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
