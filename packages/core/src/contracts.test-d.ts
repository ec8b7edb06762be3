import { describe, expectTypeOf, it } from 'vitest';
import type {
  CallOptions,
  ChatModel,
  ChatRequest,
  ContentPart,
  FinishReason,
  GenerateResult,
  Message,
  StreamPart,
  StreamPartType,
  ToolCall,
  Usage,
} from './index';

describe('contracts', () => {
  it('pins the closed set of finish reasons', () => {
    expectTypeOf<FinishReason>().toEqualTypeOf<
      'stop' | 'length' | 'tool-calls' | 'content-filter' | 'abort' | 'error'
    >();
  });

  it('pins the stream part tags', () => {
    expectTypeOf<StreamPartType>().toEqualTypeOf<
      | 'text-delta'
      | 'reasoning-delta'
      | 'tool-call-start'
      | 'tool-call-delta'
      | 'tool-call'
      | 'server-tool-call'
      | 'server-tool-result'
      | 'citation'
      | 'logprobs'
      | 'usage'
      | 'finish'
      | 'error'
    >();
    expectTypeOf<Extract<StreamPart, { type: 'tool-call' }>>().toMatchTypeOf<ToolCall>();
    expectTypeOf<Extract<StreamPart, { type: 'finish' }>['reason']>().toEqualTypeOf<FinishReason>();
    expectTypeOf<Extract<StreamPart, { type: 'usage' }>['usage']>().toEqualTypeOf<Usage>();
    expectTypeOf<Extract<StreamPart, { type: 'reasoning-delta' }>['signature']>().toEqualTypeOf<
      string | undefined
    >();
  });

  it('pins the content part tags and message roles', () => {
    expectTypeOf<ContentPart['type']>().toEqualTypeOf<
      'text' | 'image' | 'file' | 'tool-call' | 'tool-result' | 'reasoning'
    >();
    expectTypeOf<Message['role']>().toEqualTypeOf<'system' | 'user' | 'assistant' | 'tool'>();
    // A tool message holds only tool results; a user message cannot carry a tool call.
    expectTypeOf<{ role: 'tool'; content: string }>().not.toMatchTypeOf<Message>();
    expectTypeOf<{
      role: 'user';
      content: [{ type: 'tool-call'; toolCallId: string; toolName: string; input: unknown }];
    }>().not.toMatchTypeOf<Message>();
  });

  it('pins every usage field as a required number', () => {
    expectTypeOf<Usage>().toEqualTypeOf<{
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      reasoningTokens: number;
    }>();
  });

  it('pins the ChatModel shape', () => {
    expectTypeOf<ChatModel['provider']>().toEqualTypeOf<string>();
    expectTypeOf<ChatModel['modelId']>().toEqualTypeOf<string>();
    expectTypeOf<ChatModel['generate']>().parameters.toEqualTypeOf<
      [request: ChatRequest, options?: CallOptions]
    >();
    expectTypeOf<ChatModel['generate']>().returns.toEqualTypeOf<Promise<GenerateResult>>();
    expectTypeOf<ChatModel['stream']>().returns.toEqualTypeOf<AsyncIterable<StreamPart>>();
    expectTypeOf<CallOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
  });

  it('accepts a plain object as a ChatModel (no base class needed)', () => {
    const fake = {
      provider: 'fake',
      modelId: 'echo',
      async generate(): Promise<GenerateResult> {
        throw new Error('not called');
      },
      async *stream(): AsyncGenerator<StreamPart> {
        yield { type: 'finish', reason: 'stop' };
      },
    };
    expectTypeOf(fake).toMatchTypeOf<ChatModel>();
  });
});
