import { describe, expect, it } from 'vitest';
import { drain, fixture, iterate, trackedStream, utf8 } from './__fixtures__/fixtures';
import { fromOpenAIChat } from './from-openai-chat';
import { ProviderStreamError } from './provider-stream-error';
import { StreamParseError } from './stream-parse-error';
import { StreamTruncatedError } from './stream-truncated-error';

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
const delta = (value: Record<string, unknown>, finish_reason: string | null = null) =>
  chunk([{ index: 0, delta: value, finish_reason }]);

describe('fromOpenAIChat', () => {
  it('adapts the documented text stream with its include_usage chunk', async () => {
    expect(await drain(fromOpenAIChat(iterate([fixture('openai-chat-docs-text.sse')])))).toEqual([
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '! How can I assist you today?' },
      {
        type: 'usage',
        usage: {
          inputTokens: 9,
          outputTokens: 9,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'stop', providerReason: 'stop' },
    ]);
  });

  it('reassembles parallel tool calls by index and completes them at the finish_reason', async () => {
    const parts = await drain(
      fromOpenAIChat(iterate([fixture('openai-chat-docs-parallel-tools.sse')])),
    );
    expect(parts.filter((part) => part.type !== 'tool-call-delta')).toEqual([
      {
        type: 'tool-call-start',
        toolCallId: 'call_8Nl2T7wlYmo0KJWvt5dGdCq0',
        toolName: 'get_weather',
      },
      {
        type: 'tool-call-start',
        toolCallId: 'call_1Ctvb6i4pzgFz8RGiZwURLan',
        toolName: 'get_weather',
      },
      {
        type: 'tool-call',
        toolCallId: 'call_8Nl2T7wlYmo0KJWvt5dGdCq0',
        toolName: 'get_weather',
        input: { location: 'Paris, France' },
      },
      {
        type: 'tool-call',
        toolCallId: 'call_1Ctvb6i4pzgFz8RGiZwURLan',
        toolName: 'get_weather',
        input: { location: 'Bogotá, Colombia' },
      },
      { type: 'finish', reason: 'tool-calls', providerReason: 'tool_calls' },
    ]);
  });

  it('interleaves fragments of parallel calls correctly', async () => {
    const call = (index: number, fn: Record<string, string>, id?: string) =>
      delta({ tool_calls: [{ index, ...(id && { id, type: 'function' }), function: fn }] });
    const bytes = utf8(
      call(0, { name: 'a', arguments: '' }, 'call_a') +
        call(1, { name: 'b', arguments: '{"y":' }, 'call_b') +
        call(0, { arguments: '{"x":' }) +
        call(1, { arguments: '2}' }) +
        call(0, { arguments: '1}' }) +
        delta({}, 'tool_calls') +
        'data: [DONE]\n\n',
    );
    const calls = (await drain(fromOpenAIChat(iterate([bytes])))).filter(
      (part) => part.type === 'tool-call',
    );
    expect(calls.map((part) => [part.toolCallId, part.input])).toEqual([
      ['call_a', { x: 1 }],
      ['call_b', { y: 2 }],
    ]);
  });

  it('streams a refusal as text and finishes with content-filter', async () => {
    const parts = await drain(fromOpenAIChat(iterate([fixture('openai-chat-docs-refusal.sse')])));
    expect(parts).toEqual([
      { type: 'text-delta', text: "I'm sorry" },
      { type: 'text-delta', text: ", I can't assist with that request." },
      { type: 'finish', reason: 'content-filter', providerReason: 'stop' },
    ]);
  });

  it('maps finish reasons and keeps unknown ones', async () => {
    const finish = async (reason: string) =>
      (
        await drain(
          fromOpenAIChat(iterate([utf8(`${delta({ content: 'x' }, reason)}data: [DONE]\n\n`)])),
        )
      ).at(-1);
    expect(await finish('length')).toEqual({
      type: 'finish',
      reason: 'length',
      providerReason: 'length',
    });
    expect(await finish('content_filter')).toEqual({
      type: 'finish',
      reason: 'content-filter',
      providerReason: 'content_filter',
    });
    expect(await finish('something_new')).toEqual({
      type: 'finish',
      reason: 'stop',
      providerReason: 'something_new',
    });
  });

  it('streams requested log probabilities after the text they belong to, every chunk read', async () => {
    const logprob = (token: string, value: number) => ({
      index: 0,
      delta: { content: token },
      finish_reason: null,
      logprobs: {
        content: [{ token, logprob: value, bytes: [], top_logprobs: [{ token, logprob: value }] }],
      },
    });
    // Two chunks of the same layout: the second must not be mistaken for the first's text.
    const bytes = utf8(
      `${chunk([logprob('Hi', -0.01)])}${chunk([logprob('!', -0.5)])}${delta({}, 'stop')}data: [DONE]\n\n`,
    );
    const parts = await drain(fromOpenAIChat(iterate([bytes])));
    expect(parts.slice(0, 4)).toEqual([
      { type: 'text-delta', text: 'Hi' },
      {
        type: 'logprobs',
        tokens: [{ token: 'Hi', logprob: -0.01, top: [{ token: 'Hi', logprob: -0.01 }] }],
      },
      { type: 'text-delta', text: '!' },
      {
        type: 'logprobs',
        tokens: [{ token: '!', logprob: -0.5, top: [{ token: '!', logprob: -0.5 }] }],
      },
    ]);
  });

  it('reads the reasoning text of OpenAI-compatible servers', async () => {
    const bytes = utf8(
      `${delta({ reasoning_content: 'think' })}${delta({ content: 'say' }, 'stop')}data: [DONE]\n\n`,
    );
    expect((await drain(fromOpenAIChat(iterate([bytes])))).slice(0, 2)).toEqual([
      { type: 'reasoning-delta', text: 'think' },
      { type: 'text-delta', text: 'say' },
    ]);
  });

  it('ends without [DONE] in StreamTruncatedError, even after a finish_reason', async () => {
    const parts = await drain(fromOpenAIChat(iterate([utf8(delta({ content: 'Hi' }, 'stop'))])));
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Hi' },
      // nothing was reported: the output is estimated from the 2 characters received
      {
        type: 'usage',
        usage: {
          inputTokens: 0,
          outputTokens: 1,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'error', error: expect.any(StreamTruncatedError) },
      { type: 'finish', reason: 'error' },
    ]);
  });

  it('turns an in-band error object into a ProviderStreamError part', async () => {
    const bytes = utf8(
      `${delta({ content: 'Hi' })}data: {"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}\n\n`,
    );
    const parts = await drain(fromOpenAIChat(iterate([bytes])));
    const error = parts.find((part) => part.type === 'error')?.error;
    expect(ProviderStreamError.isInstance(error) && [error.type, error.providerMessage]).toEqual([
      'server_error',
      'The server had an error',
    ]);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
  });

  it('turns malformed JSON into StreamParseError after the parts before it, and cancels the body', async () => {
    const bytes = utf8(
      `${delta({ content: 'Hi' })}data: {"id":"c","choi\n\n${delta({ content: 'lost' })}`,
    );
    const { stream, state } = trackedStream([bytes], { endAfter: false });
    const parts = await drain(fromOpenAIChat(stream));
    expect(state.cancelled).toBe(true);
    expect(parts[0]).toEqual({ type: 'text-delta', text: 'Hi' });
    const error = parts.find((part) => part.type === 'error')?.error;
    expect(StreamParseError.isInstance(error) && error.data).toBe('{"id":"c","choi');
    expect(parts.some((part) => part.type === 'text-delta' && part.text === 'lost')).toBe(false);
  });
});
