/**
 * OpenAI Chat Completions (and the servers that speak it: Ollama, vLLM, llama.cpp, Groq,
 * OpenRouter) as a driver.
 */
import type { ChatRequest, Message, ToolChoice } from '@keel/core';
import { fromOpenAIChat } from '@keel/streaming';
import type OpenAI from 'openai';
import {
  type Driver,
  openAIUserContent,
  splitAssistant,
  tapResponseInfo,
  toolOutputText,
} from './driver';
import { isStrictSchema } from './json-schema';
import { openAIOptions } from './openai-options';

/** Which field carries the output limit: OpenAI's own, or the older one compatible servers know. */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

type ChatMessageParam = OpenAI.Chat.ChatCompletionMessageParam;

function chatMessage(message: Message): ChatMessageParam[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user':
      return [
        {
          role: 'user',
          content: openAIUserContent<OpenAI.Chat.ChatCompletionContentPart>(message.content, {
            text: (text) => ({ type: 'text', text }),
            image: (url) => ({ type: 'image_url', image_url: { url } }),
            file: (url, _isUrl, filename) => ({ type: 'file', file: { filename, file_data: url } }),
          }),
        },
      ];
    case 'assistant': {
      if (typeof message.content === 'string')
        return [{ role: 'assistant', content: message.content }];
      const { text, toolCalls } = splitAssistant(message.content);
      return [
        {
          role: 'assistant',
          content: text === '' && toolCalls.length > 0 ? null : text,
          ...(toolCalls.length > 0 && {
            tool_calls: toolCalls.map(({ id, name, arguments: args }) => ({
              id,
              type: 'function' as const,
              function: { name, arguments: args },
            })),
          }),
        },
      ];
    }
    case 'tool':
      return message.content.map((part) => ({
        role: 'tool' as const,
        tool_call_id: part.toolCallId,
        content: toolOutputText(part.output),
      }));
  }
}

/** A Keel tool choice in OpenAI's shape (Chat Completions and Responses differ in the named form). */
export function openAIToolChoice<Named>(
  choice: ToolChoice,
  named: (name: string) => Named,
): 'auto' | 'none' | 'required' | Named {
  return typeof choice === 'string' ? choice : named(choice.toolName);
}

export function toChatParams(
  modelId: string,
  request: ChatRequest,
  maxTokens: number | undefined,
  maxTokensField: MaxTokensField,
): OpenAI.Chat.ChatCompletionCreateParamsStreaming {
  const { system, messages, tools, toolChoice, responseFormat, metadata } = request;
  const { providerOptions = {} } = request;
  const format = responseFormat;
  return {
    model: modelId,
    messages: [
      ...(system === undefined ? [] : [{ role: 'system' as const, content: system }]),
      ...messages.flatMap(chatMessage),
    ],
    stream: true,
    stream_options: { include_usage: true },
    ...(maxTokens !== undefined && { [maxTokensField]: maxTokens }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.topP !== undefined && { top_p: request.topP }),
    ...(request.stop !== undefined && { stop: request.stop }),
    ...(tools !== undefined &&
      tools.length > 0 && {
        tools: tools.map((tool) => ({
          type: 'function' as const,
          function: {
            name: tool.name,
            description: tool.description,
            parameters: tool.inputSchema as Record<string, unknown>,
          },
        })),
      }),
    // A tool choice without tools is refused by the API: it only goes with tools.
    ...(toolChoice !== undefined &&
      tools !== undefined &&
      tools.length > 0 && {
        tool_choice: openAIToolChoice(toolChoice, (name) => ({
          type: 'function' as const,
          function: { name },
        })),
      }),
    ...(format !== undefined && {
      response_format:
        format.schema === undefined
          ? { type: 'json_object' as const }
          : {
              type: 'json_schema' as const,
              json_schema: {
                name: format.name ?? 'response',
                schema: format.schema as Record<string, unknown>,
                strict: isStrictSchema(format.schema),
              },
            },
    }),
    ...(metadata?.userId !== undefined && { user: metadata.userId }),
    ...openAIOptions(providerOptions),
    ...(providerOptions.reasoningEffort !== undefined && {
      reasoning_effort: providerOptions.reasoningEffort,
    }),
    ...(providerOptions.seed !== undefined && { seed: providerOptions.seed }),
    ...(providerOptions.logprobs !== undefined && {
      logprobs: true,
      top_logprobs: providerOptions.logprobs,
    }),
  };
}

export function openAIChatDriver(
  modelId: string,
  client: () => Promise<OpenAI>,
  maxTokensField: MaxTokensField,
): Driver {
  return {
    provider: 'openai',
    api: 'openai-chat',
    modelId,
    async open({ request, maxTokens, signal, adapter }, info) {
      const params = toChatParams(modelId, request, maxTokens, maxTokensField);
      const stream = await (await client()).chat.completions.create(params, { signal });
      return fromOpenAIChat(
        tapResponseInfo(stream, (chunk) => {
          info.id = chunk.id;
          info.model = chunk.model;
          return true;
        }),
        adapter,
      );
    },
  };
}
