/**
 * The OpenAI Responses API as a driver.
 */
import { type ChatRequest, InvalidArgumentError, type Message } from '@keel/core';
import { fromOpenAIResponses } from '@keel/streaming';
import type OpenAI from 'openai';
import {
  type Driver,
  openAIUserContent,
  splitAssistant,
  tapResponseInfo,
  toolOutputText,
} from './driver';
import { isStrictSchema } from './json-schema';
import { openAIToolChoice } from './openai-chat';
import { openAIOptions } from './openai-options';

type InputItem = OpenAI.Responses.ResponseInputItem;

function inputItems(message: Message): InputItem[] {
  switch (message.role) {
    case 'system':
      return [{ role: 'system', content: message.content }];
    case 'user':
      return [
        {
          role: 'user',
          content: openAIUserContent<OpenAI.Responses.ResponseInputContent>(message.content, {
            text: (text) => ({ type: 'input_text', text }),
            image: (url) => ({ type: 'input_image', image_url: url, detail: 'auto' }),
            file: (url, isUrl, filename) =>
              isUrl
                ? { type: 'input_file', file_url: url }
                : { type: 'input_file', filename, file_data: url },
          }),
        },
      ];
    case 'assistant': {
      if (typeof message.content === 'string')
        return [{ role: 'assistant', content: message.content }];
      const { text, toolCalls } = splitAssistant(message.content);
      return [
        ...(text === '' ? [] : [{ role: 'assistant' as const, content: text }]),
        ...toolCalls.map(({ id, name, arguments: args }) => ({
          type: 'function_call' as const,
          call_id: id,
          name,
          arguments: args,
        })),
      ];
    }
    case 'tool':
      return message.content.map((part) => ({
        type: 'function_call_output' as const,
        call_id: part.toolCallId,
        output: toolOutputText(part.output),
      }));
  }
}

export function toResponsesParams(
  modelId: string,
  request: ChatRequest,
  maxTokens: number | undefined,
): OpenAI.Responses.ResponseCreateParamsStreaming {
  const { system, messages, tools, toolChoice, responseFormat: format, metadata } = request;
  const { providerOptions = {} } = request;
  if (request.stop !== undefined && request.stop.length > 0) {
    throw new InvalidArgumentError({
      argument: 'request.stop',
      message: "The OpenAI Responses API has no stop sequences; drop stop or use api: 'chat'",
    });
  }
  return {
    model: modelId,
    input: messages.flatMap(inputItems),
    stream: true,
    ...(system !== undefined && { instructions: system }),
    ...(maxTokens !== undefined && { max_output_tokens: maxTokens }),
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.topP !== undefined && { top_p: request.topP }),
    ...(tools !== undefined &&
      tools.length > 0 && {
        tools: tools.map((tool) => ({
          type: 'function' as const,
          name: tool.name,
          description: tool.description,
          parameters: tool.inputSchema as Record<string, unknown>,
          strict: false,
        })),
      }),
    // A tool choice without tools is refused by the API: it only goes with tools.
    ...(toolChoice !== undefined &&
      tools !== undefined &&
      tools.length > 0 && {
        tool_choice: openAIToolChoice(toolChoice, (name) => ({ type: 'function' as const, name })),
      }),
    ...(format !== undefined && {
      text: {
        format:
          format.schema === undefined
            ? { type: 'json_object' as const }
            : {
                type: 'json_schema' as const,
                name: format.name ?? 'response',
                schema: format.schema as Record<string, unknown>,
                strict: isStrictSchema(format.schema),
              },
      },
    }),
    ...(metadata?.userId !== undefined && { user: metadata.userId }),
    ...openAIOptions(providerOptions),
    ...(providerOptions.reasoningEffort !== undefined && {
      reasoning: { effort: providerOptions.reasoningEffort },
    }),
    ...(providerOptions.logprobs !== undefined && {
      top_logprobs: providerOptions.logprobs,
      include: ['message.output_text.logprobs' as const],
    }),
  };
}

export function openAIResponsesDriver(modelId: string, client: () => Promise<OpenAI>): Driver {
  return {
    provider: 'openai',
    api: 'openai-responses',
    modelId,
    async open({ request, maxTokens, signal, adapter }, info) {
      const params = toResponsesParams(modelId, request, maxTokens);
      const stream = await (await client()).responses.create(params, { signal });
      return fromOpenAIResponses(
        tapResponseInfo(stream, (event) => {
          if (event.type !== 'response.created') return false;
          info.id = event.response.id;
          info.model = event.response.model;
          return true;
        }),
        adapter,
      );
    },
  };
}
