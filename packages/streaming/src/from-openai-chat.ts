/**
 * OpenAI Chat Completions streams (`chat.completion.chunk`) to StreamParts.
 */
import {
  type FinishReason,
  normalizeOpenAIChatUsage,
  type OpenAIChatUsage,
  type StreamPart,
} from '@keel/core';
import {
  adaptStream,
  type ProviderStreamSource,
  type StreamAdapterOptions,
  type StreamProtocol,
} from './adapt-stream';
import type { EventLayoutRules } from './learned-layouts';
import { logprobsPart } from './openai-logprobs';
import type { PartWriter } from './part-writer';
import { ProviderStreamError } from './provider-stream-error';
import { StreamTruncatedError } from './stream-truncated-error';

/** `finish_reason` to {@link FinishReason}; anything else is `stop`, with the original kept. */
const finishReasons: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

interface ChatToolCallDelta {
  index?: number;
  id?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
}

interface ChatChoice {
  index?: number;
  delta?: {
    content?: string | null;
    refusal?: string | null;
    /** Reasoning text of OpenAI-compatible servers (DeepSeek, vLLM, Ollama, OpenRouter). */
    reasoning_content?: string | null;
    reasoning?: string | null;
    tool_calls?: ChatToolCallDelta[] | null;
  } | null;
  finish_reason?: string | null;
  /** Present when log probabilities were requested. */
  logprobs?: { content?: unknown } | null;
}

interface ChatChunk {
  choices?: ChatChoice[];
  usage?: OpenAIChatUsage | null;
  error?: { type?: string | null; code?: string | null; message?: string | null };
}

const TERMINAL = 'data: [DONE]';

/** The members of a choice's `delta` the adapter reads. */
const readDeltaMembers: ReadonlySet<string> = new Set([
  'content',
  'reasoning_content',
  'reasoning',
  'refusal',
  'tool_calls',
]);

/** The delta members whose text varies from chunk to chunk, in the order one is chosen. */
const textMembers = ['content', 'reasoning_content', 'reasoning', 'refusal'] as const;

/**
 * What the adapter reads of a chunk: `error`, `usage`, and in `choices` each choice's `index`,
 * `finish_reason`, `logprobs` and the delta members above. Everything else (`id`, `created`, `model`,
 * `system_fingerprint`, `obfuscation`, a delta's `role`, Azure's
 * `content_filter_results`, llama.cpp's `timings`, ...) may vary between chunks of one layout.
 * The string that varies is the first non-empty text member of the first choice's delta.
 */
const layout: EventLayoutRules = {
  reads(path) {
    const [member, , field, deltaMember] = path;
    if (member !== 'choices') return member === 'error' || member === 'usage';
    if (path.length <= 2 || field === 'index' || field === 'finish_reason') return true;
    if (field === 'logprobs') return true;
    return field === 'delta' && (path.length === 3 || readDeltaMembers.has(deltaMember as string));
  },
  hole(payload) {
    // Usage and finish reasons come once a stream (or, as vLLM's continuous usage, change every
    // chunk): such chunks are not learned.
    const { choices, error, usage } = payload as ChatChunk;
    if (error || usage || !Array.isArray(choices)) return undefined;
    const choice = choices[0] as ChatChoice | null | undefined;
    const delta = choice?.delta;
    // Chunks with log probabilities vary in more than their text: they are parsed in full.
    if (choice?.finish_reason || choice?.logprobs || typeof delta !== 'object' || delta === null)
      return undefined;
    let member: string | undefined;
    for (const key of textMembers) {
      const text = delta[key];
      if (typeof text !== 'string') continue;
      member ??= key;
      if (text !== '') {
        member = key;
        break;
      }
    }
    return member === undefined ? undefined : ['choices', 0, 'delta', member];
  },
};

function openAIChatProtocol(writer: PartWriter): StreamProtocol {
  let finishReason: string | undefined;
  let refused = false;

  function toolCalls(deltas: ChatToolCallDelta[]): void {
    for (const delta of deltas) {
      const key = String(delta.index ?? 0);
      if (!writer.hasToolCall(key)) {
        writer.toolCallStart(key, delta.id ?? `call_${key}`, delta.function?.name ?? '');
      }
      const fragment = delta.function?.arguments;
      if (fragment) writer.toolCallDelta(key, fragment);
    }
  }

  function choice({ delta, finish_reason, logprobs }: ChatChoice): void {
    if (delta) {
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) writer.reasoning(reasoning);
      if (delta.content) writer.text(delta.content);
      if (delta.refusal) {
        refused = true;
        writer.text(delta.refusal);
      }
      if (delta.tool_calls) toolCalls(delta.tool_calls);
    }
    const probabilities = logprobsPart(logprobs?.content);
    if (probabilities) writer.whole(probabilities);
    if (finish_reason) {
      finishReason = finish_reason;
      writer.toolCallEndAll();
    }
  }

  const protocol: StreamProtocol = {
    provider: 'openai-chat',
    terminal: TERMINAL,
    chunk(payload) {
      const { choices, usage, error } = payload as ChatChunk;
      if (error) {
        throw new ProviderStreamError({
          provider: 'openai-chat',
          type: error.type ?? error.code ?? 'error',
          message: error.message ?? '',
          raw: payload,
        });
      }
      if (choices) {
        // n > 1 is not merged: the first choice is the answer.
        for (const item of choices) if ((item.index ?? 0) === 0) choice(item);
      }
      if (usage) writer.emitUsage(normalizeOpenAIChatUsage(usage));
    },
    layout,
    done() {
      const reason = finishReason === undefined ? 'stop' : (finishReasons[finishReason] ?? 'stop');
      writer.finish(refused && reason === 'stop' ? 'content-filter' : reason, finishReason);
    },
    end(fromSdk) {
      // The SDKs swallow `[DONE]`: there, a finish_reason followed by the end is complete.
      if (fromSdk && finishReason !== undefined) protocol.done();
      else throw new StreamTruncatedError({ expected: TERMINAL });
    },
  };
  return protocol;
}

/**
 * Adapts an OpenAI Chat Completions stream to StreamParts: text, refusals (as text, finishing
 * with `content-filter`), reasoning text of compatible servers, parallel tool calls by index
 * (completed with parsed input when the `finish_reason` arrives), the `include_usage` chunk, and
 * `finish_reason` mapped to a {@link FinishReason}. A stream without `data: [DONE]` ends with a
 * {@link StreamTruncatedError}; an in-band `error` with a {@link ProviderStreamError}.
 *
 * @example
 * ```ts
 * const stream = await openai.chat.completions.create({ model, messages, stream: true,
 *   stream_options: { include_usage: true } });
 * for await (const part of fromOpenAIChat(stream)) {
 *   if (part.type === 'text-delta') process.stdout.write(part.text);
 * }
 * ```
 */
export function fromOpenAIChat(
  source: ProviderStreamSource,
  options: StreamAdapterOptions = {},
): AsyncIterableIterator<StreamPart> {
  return adaptStream(source, openAIChatProtocol, options);
}
