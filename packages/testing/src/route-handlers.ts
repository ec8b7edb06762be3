/**
 * Per route: which request fields are required (and their types), how a reply is rendered and
 * how a mid-stream error looks. Plain data, one row a route.
 */

import { optionProblem } from './option-checks';
import {
  anthropicStreamError,
  renderAnthropicCountTokens,
  renderAnthropicMessages,
} from './render/anthropic-messages';
import { openaiChatStreamError, renderOpenAIChat } from './render/openai-chat';
import { renderOpenAIEmbeddings } from './render/openai-embeddings';
import { openaiResponsesStreamError, renderOpenAIResponses } from './render/openai-responses';
import type { RenderContext, Rendered, SseEvent } from './render/rendered';
import { renderCohereRerank, renderVoyageRerank } from './render/rerank';
import type { MockProviderName, MockRoute } from './routes';

type FieldType = 'string' | 'array' | 'integer' | 'present';

interface RouteHandler {
  required: ReadonlyArray<readonly [field: string, type: FieldType]>;
  render(context: RenderContext): Rendered;
  streamError(error: { type: string; message: string }, sequenceNumber: number): SseEvent;
}

export const ROUTE_HANDLERS: Readonly<Record<MockRoute, RouteHandler>> = {
  'openai.chat': {
    required: [
      ['model', 'string'],
      ['messages', 'array'],
    ],
    render: renderOpenAIChat,
    streamError: openaiChatStreamError,
  },
  'openai.responses': {
    required: [['model', 'string']],
    render: renderOpenAIResponses,
    streamError: openaiResponsesStreamError,
  },
  'openai.embeddings': {
    required: [
      ['model', 'string'],
      ['input', 'present'],
    ],
    render: renderOpenAIEmbeddings,
    streamError: openaiChatStreamError,
  },
  'anthropic.messages': {
    required: [
      ['model', 'string'],
      ['max_tokens', 'integer'],
      ['messages', 'array'],
    ],
    render: renderAnthropicMessages,
    streamError: anthropicStreamError,
  },
  'anthropic.count_tokens': {
    required: [
      ['model', 'string'],
      ['messages', 'array'],
    ],
    render: renderAnthropicCountTokens,
    streamError: anthropicStreamError,
  },
  'cohere.rerank': {
    required: [
      ['model', 'string'],
      ['query', 'string'],
      ['documents', 'array'],
    ],
    render: renderCohereRerank,
    streamError: openaiChatStreamError,
  },
  'voyage.rerank': {
    required: [
      ['query', 'string'],
      ['documents', 'array'],
      ['model', 'string'],
    ],
    render: renderVoyageRerank,
    streamError: openaiChatStreamError,
  },
};

const checks: Record<FieldType, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string' && value !== '',
  array: Array.isArray,
  integer: Number.isInteger,
  present: (value) => value !== undefined && value !== null,
};

const expected: Record<FieldType, { openai: string; anthropic: string }> = {
  string: { openai: 'a string', anthropic: 'Input should be a valid string' },
  array: { openai: 'an array of objects', anthropic: 'Input should be a valid list' },
  integer: { openai: 'an integer', anthropic: 'Input should be a valid integer' },
  present: { openai: 'a value', anthropic: 'Field required' },
};

/** The first problem with a request body, as the provider words it, or undefined when it is valid. */
export function requestProblem(
  route: MockRoute,
  provider: MockProviderName,
  body: Record<string, unknown>,
): { message: string; param: string; code?: string } | undefined {
  for (const [field, type] of ROUTE_HANDLERS[route].required) {
    const value = body[field];
    if (checks[type](value)) continue;
    const missing = value === undefined || value === null;
    if (provider === 'anthropic') {
      return {
        param: field,
        message: `${field}: ${missing ? 'Field required' : expected[type].anthropic}`,
      };
    }
    return missing
      ? {
          param: field,
          code: 'missing_required_parameter',
          message: `Missing required parameter: '${field}'.`,
        }
      : {
          param: field,
          code: 'invalid_type',
          message: `Invalid type for '${field}': expected ${expected[type].openai}, but got ${Array.isArray(value) ? 'an array' : `a ${typeof value}`} instead.`,
        };
  }
  return optionProblem(route, body);
}
