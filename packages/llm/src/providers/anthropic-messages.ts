/**
 * Anthropic's Messages API as a driver: prompt-caching breakpoints on the stable prefix, and
 * JSON output through a forced tool (Anthropic's structured-output mode).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { type ChatRequest, InvalidArgumentError, type StreamPart } from '@keel/core';
import { fromAnthropic } from '@keel/streaming';
import { toAnthropicParams } from '@keel/tokens/internal';
import { anthropicToolChoice, anthropicTools } from './anthropic-tools';
import type { Driver, PromptCaching } from './driver';
import { tapResponseInfo } from './driver';

type CacheControl = { type: 'ephemeral'; ttl?: '1h' };

const JSON_INSTRUCTION = 'Respond with a single JSON object and nothing else.';
/** The forced tool that carries structured output when no name is given. */
const JSON_TOOL = 'json_response';

/** Puts a cache breakpoint on the last block of `content`. */
function withBreakpoint(content: string | unknown[], cacheControl: CacheControl): unknown[] {
  const blocks = typeof content === 'string' ? [{ type: 'text', text: content }] : [...content];
  const last = blocks.length - 1;
  if (last >= 0) blocks[last] = { ...(blocks[last] as object), cache_control: cacheControl };
  return blocks;
}

type WireMessage = { role: 'user' | 'assistant'; content: string | unknown[] };

/** A block Anthropic refuses: an empty text, or thinking without the signature it was given. */
function isRefused(block: unknown): boolean {
  const { type, text, signature } = block as {
    type?: unknown;
    text?: unknown;
    signature?: unknown;
  };
  return (type === 'text' && text === '') || (type === 'thinking' && signature === '');
}

/**
 * Anthropic refuses empty text blocks, thinking blocks without a signature (reasoning from
 * another provider) and empty messages (an assistant turn that only called tools often carries
 * an empty text): they are left out.
 */
function withoutRefused(messages: WireMessage[]): WireMessage[] {
  return messages.flatMap((message) => {
    const content =
      typeof message.content === 'string'
        ? message.content
        : message.content.filter((block) => !isRefused(block));
    return content.length === 0 ? [] : [{ ...message, content }];
  });
}

export function toAnthropicMessageParams(
  modelId: string,
  request: ChatRequest,
  maxTokens: number,
  caching: PromptCaching | undefined,
): Anthropic.MessageCreateParamsStreaming {
  const { system, messages, tools, responseFormat: format, metadata } = request;
  const { providerOptions = {} } = request;
  if (request.temperature !== undefined && request.temperature > 1) {
    throw new InvalidArgumentError({
      argument: 'request.temperature',
      message: `Anthropic takes a temperature between 0 and 1, got ${request.temperature}`,
    });
  }
  const jsonTool =
    format?.schema === undefined
      ? undefined
      : {
          name: format.name ?? JSON_TOOL,
          description: "Give the answer as this tool's input.",
          inputSchema: format.schema,
        };
  const base = toAnthropicParams(
    modelId,
    [
      ...(system === undefined ? [] : [{ role: 'system' as const, content: system }]),
      ...(format !== undefined && format.schema === undefined
        ? [{ role: 'system' as const, content: JSON_INSTRUCTION }]
        : []),
      ...messages,
    ],
    jsonTool === undefined ? tools : [jsonTool],
  );
  const cacheControl: CacheControl | undefined =
    caching === undefined
      ? undefined
      : { type: 'ephemeral', ...(caching.ttl === '1h' && { ttl: '1h' }) };
  const turns = withoutRefused(base.messages);
  const pinned = Math.min(caching?.pinnedMessages ?? 0, turns.length);
  const { tools: functionTools, ...rest } = base;
  const allTools = anthropicTools(functionTools, providerOptions.serverTools, cacheControl);
  const params = {
    ...rest,
    ...(cacheControl !== undefined &&
      base.system !== undefined && { system: withBreakpoint(base.system, cacheControl) }),
    ...(allTools !== undefined && { tools: allTools }),
    messages:
      cacheControl === undefined || pinned === 0
        ? turns
        : turns.map((message, index) =>
            index === pinned - 1
              ? { ...message, content: withBreakpoint(message.content, cacheControl) }
              : message,
          ),
    max_tokens: maxTokens,
    stream: true as const,
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.topP !== undefined && { top_p: request.topP }),
    ...(request.stop !== undefined && { stop_sequences: request.stop }),
    ...(jsonTool !== undefined
      ? { tool_choice: { type: 'tool' as const, name: jsonTool.name } }
      : anthropicToolChoice(request)),
    ...(metadata?.userId !== undefined && { metadata: { user_id: metadata.userId } }),
    ...(providerOptions.thinking !== undefined && {
      thinking: { type: 'enabled', budget_tokens: providerOptions.thinking.budgetTokens },
    }),
    ...(providerOptions.serviceTier !== undefined && {
      service_tier: providerOptions.serviceTier === 'auto' ? 'auto' : 'standard_only',
    }),
  };
  return params as Anthropic.MessageCreateParamsStreaming;
}

/** Parts of the forced JSON tool's call that have no place in a text answer. */
const TOOL_ONLY: ReadonlySet<StreamPart['type']> = new Set([
  'text-delta',
  'tool-call-start',
  'tool-call',
]);

/**
 * The forced JSON tool's arguments streamed as the answer's text (and only them: forced tool
 * use has no other text).
 */
export async function* jsonToolAsText(
  parts: AsyncIterable<StreamPart>,
): AsyncGenerator<StreamPart> {
  for await (const part of parts) {
    if (part.type === 'tool-call-delta') yield { type: 'text-delta', text: part.inputTextDelta };
    else if (part.type === 'finish' && part.reason === 'tool-calls')
      yield { ...part, reason: 'stop' };
    else if (!TOOL_ONLY.has(part.type)) yield part;
  }
}

export function anthropicDriver(modelId: string, client: () => Promise<Anthropic>): Driver {
  return {
    provider: 'anthropic',
    api: 'anthropic',
    modelId,
    async open({ request, maxTokens, promptCaching, signal, adapter }, info) {
      const params = toAnthropicMessageParams(modelId, request, maxTokens ?? 4096, promptCaching);
      const stream = await (await client()).messages.create(params, { signal });
      const parts = fromAnthropic(
        tapResponseInfo(stream, (event) => {
          if (event.type !== 'message_start') return false;
          info.id = event.message.id;
          info.model = event.message.model;
          return true;
        }),
        adapter,
      );
      return request.responseFormat?.schema === undefined ? parts : jsonToolAsText(parts);
    },
  };
}
