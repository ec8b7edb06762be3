/**
 * Keel messages and tools in the shape of Anthropic's Messages API, for its count_tokens
 * endpoint.
 */
import type { FilePart, ImagePart, Message, ToolDefinition } from '@keel/core';
import { decodeBase64, encodeBase64, inspectMedia } from '@keel/core/internal';

/** The subset of Anthropic's request body that count_tokens reads. */
export interface AnthropicCountTokensParams {
  model: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string | unknown[] }>;
  system?: string;
  tools?: Array<{ name: string; description: string; input_schema: unknown }>;
}

function toolResultContent(output: unknown): string {
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/** An inline source's base64 text. */
function base64Of(source: { type: 'base64'; data: string } | { type: 'bytes'; data: Uint8Array }) {
  return source.type === 'base64' ? source.data : encodeBase64(source.data);
}

function imageBlock({ source }: ImagePart) {
  return {
    type: 'image',
    source:
      source.type === 'url'
        ? { type: 'url', url: source.url }
        : {
            type: 'base64',
            // Raw bytes may come without a media type: their magic bytes name it.
            media_type:
              source.mediaType ??
              (source.type === 'bytes' ? inspectMedia(source.data).mediaType : undefined),
            data: base64Of(source),
          },
  };
}

/** A document block: PDFs by URL or base64, plain text as its text. */
function documentBlock({ source, filename, citations }: FilePart) {
  const text = source.mediaType === 'text/plain' && source.type !== 'url';
  return {
    type: 'document',
    source:
      source.type === 'url'
        ? { type: 'url', url: source.url }
        : text
          ? {
              type: 'text',
              media_type: 'text/plain',
              data: new TextDecoder().decode(
                source.type === 'bytes'
                  ? source.data
                  : (decodeBase64(source.data) ?? new Uint8Array()),
              ),
            }
          : { type: 'base64', media_type: 'application/pdf', data: base64Of(source) },
    ...(filename !== undefined && { title: filename }),
    ...(citations === true && { citations: { enabled: true } }),
  };
}

function toAnthropicMessage(message: Exclude<Message, { role: 'system' }>) {
  if (message.role === 'tool') {
    return {
      role: 'user' as const,
      content: message.content.map((part) => ({
        type: 'tool_result',
        tool_use_id: part.toolCallId,
        content: toolResultContent(part.output),
        ...(part.isError === true ? { is_error: true } : {}),
      })),
    };
  }
  if (typeof message.content === 'string') return { role: message.role, content: message.content };
  return {
    role: message.role,
    content: message.content.map((part) => {
      switch (part.type) {
        case 'text':
          return { type: 'text', text: part.text };
        case 'image':
          return imageBlock(part);
        case 'file':
          return documentBlock(part);
        case 'reasoning':
          return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
        case 'tool-call':
          return { type: 'tool_use', id: part.toolCallId, name: part.toolName, input: part.input };
        default:
          return part satisfies never;
      }
    }),
  };
}

/** The count_tokens request for `messages`; system messages become the `system` field. */
export function toAnthropicParams(
  model: string,
  messages: readonly Message[],
  tools: readonly ToolDefinition[] | undefined,
): AnthropicCountTokensParams {
  const system = messages.filter((message) => message.role === 'system').map((m) => m.content);
  const params: AnthropicCountTokensParams = {
    model,
    messages: messages
      .filter(
        (message): message is Exclude<Message, { role: 'system' }> => message.role !== 'system',
      )
      .map(toAnthropicMessage),
  };
  if (system.length > 0) params.system = system.join('\n\n');
  if (tools !== undefined && tools.length > 0) {
    params.tools = tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.inputSchema,
    }));
  }
  return params;
}
