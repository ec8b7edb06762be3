/**
 * Prompt and completion content in the GenAI conventions' message shape
 * (`{ role, parts: [{ type: 'text', content }, ...] }`), for the opt-in content attributes and
 * log fields. Image and document bytes are never copied: an inline file becomes its media type
 * and size.
 */
import type { ChatRequest, ContentPart, Message } from '@keel/core';

/** One message in the GenAI conventions' shape. */
export interface GenAiMessage {
  role: string;
  parts: Record<string, unknown>[];
}

function part(content: ContentPart): Record<string, unknown> {
  switch (content.type) {
    case 'text':
      return { type: 'text', content: content.text };
    case 'reasoning':
      return { type: 'reasoning', content: content.text };
    case 'tool-call':
      return {
        type: 'tool_call',
        id: content.toolCallId,
        name: content.toolName,
        arguments: content.input,
      };
    case 'tool-result':
      return { type: 'tool_call_response', id: content.toolCallId, response: content.output };
    case 'image':
    case 'file': {
      const modality = content.type === 'image' ? 'image' : 'document';
      const { source } = content;
      if (source.type === 'url') return { type: 'uri', modality, uri: source.url };
      const size =
        source.type === 'bytes' ? `${source.data.length} bytes` : `${source.data.length} chars`;
      return {
        type: 'blob',
        modality,
        mime_type: source.mediaType,
        content: `[${source.type} ${modality}, ${size}]`,
      };
    }
  }
}

function message({ role, content }: Message): GenAiMessage {
  return {
    role,
    parts: typeof content === 'string' ? [{ type: 'text', content }] : content.map(part),
  };
}

/** The request's conversation (the system prompt is returned apart, as the conventions do). */
export function inputMessages(request: ChatRequest): GenAiMessage[] {
  return request.messages.map(message);
}

/** The answer's text as one assistant message. */
export function outputMessages(text: string): GenAiMessage[] {
  return [{ role: 'assistant', parts: [{ type: 'text', content: text }] }];
}
