import { describe, expect, it } from 'vitest';
import { drain, fixture, iterate, utf8 } from './__fixtures__/fixtures';
import { fromOpenAIResponses } from './from-openai-responses';
import { ProviderStreamError } from './provider-stream-error';
import { StreamTruncatedError } from './stream-truncated-error';

const event = (payload: Record<string, unknown>) =>
  `event: ${String(payload.type)}\ndata: ${JSON.stringify(payload)}\n\n`;
const created = event({ type: 'response.created', response: { status: 'in_progress' } });
const textDelta = (delta: string) =>
  event({ type: 'response.output_text.delta', item_id: 'm', delta });

describe('fromOpenAIResponses', () => {
  it('adapts the documented function-call stream with its reasoning summary', async () => {
    const parts = await drain(
      fromOpenAIResponses(iterate([fixture('openai-responses-docs-function-call.sse')])),
    );
    expect(
      parts
        .filter((part) => part.type === 'reasoning-delta')
        .map((part) => part.text)
        .join(''),
    ).toBe('**Checking the weather**\n\nThe user asks about Paris; I should call get_weather.');
    expect(
      parts.filter((part) => part.type !== 'reasoning-delta' && part.type !== 'tool-call-delta'),
    ).toEqual([
      {
        type: 'tool-call-start',
        toolCallId: 'call_unLAR8MvFNptuiZK6K6HCy5k',
        toolName: 'get_current_weather',
      },
      {
        type: 'tool-call',
        toolCallId: 'call_unLAR8MvFNptuiZK6K6HCy5k',
        toolName: 'get_current_weather',
        input: { location: 'Paris, France', unit: 'celsius' },
      },
      {
        type: 'usage',
        usage: {
          inputTokens: 291,
          outputTokens: 23,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 64,
        },
      },
      { type: 'finish', reason: 'tool-calls', providerReason: 'completed' },
    ]);
  });

  it('maps response.incomplete to length with the usage', async () => {
    const parts = await drain(
      fromOpenAIResponses(iterate([fixture('openai-responses-docs-incomplete.sse')])),
    );
    expect(parts).toEqual([
      { type: 'text-delta', text: 'In a quiet village' },
      { type: 'text-delta', text: ' by the sea,' },
      {
        type: 'usage',
        usage: {
          inputTokens: 12,
          outputTokens: 8,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'length', providerReason: 'max_output_tokens' },
    ]);
  });

  it('turns error and response.failed events into ProviderStreamError parts', async () => {
    const errorEvent = event({
      type: 'error',
      code: 'server_error',
      message: 'Something broke',
      param: null,
    });
    const parts = await drain(
      fromOpenAIResponses(iterate([utf8(created + textDelta('Hi') + errorEvent)])),
    );
    const error = parts.find((part) => part.type === 'error')?.error;
    expect(ProviderStreamError.isInstance(error) && [error.type, error.providerMessage]).toEqual([
      'server_error',
      'Something broke',
    ]);
    const failed = event({
      type: 'response.failed',
      response: {
        status: 'failed',
        error: { code: 'rate_limit_exceeded', message: 'Slow down' },
        usage: null,
      },
    });
    const failedParts = await drain(
      fromOpenAIResponses(iterate([utf8(created + textDelta('Hi') + failed)])),
    );
    expect(failedParts.find((part) => part.type === 'error')?.error).toMatchObject({
      type: 'rate_limit_exceeded',
      providerMessage: 'Slow down',
      isRetryable: true,
    });
    expect(failedParts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
  });

  it('streams the log probabilities of text deltas that carry them', async () => {
    const withLogprobs = (delta: string, logprob: number) =>
      event({
        type: 'response.output_text.delta',
        item_id: 'm',
        delta,
        logprobs: [{ token: delta, logprob, top_logprobs: [] }],
      });
    const bytes = utf8(
      created +
        withLogprobs('Yes', -0.1) +
        withLogprobs('.', -0.2) +
        event({ type: 'response.completed', response: { status: 'completed', usage: null } }),
    );
    const parts = await drain(fromOpenAIResponses(iterate([bytes])));
    expect(parts.filter((part) => part.type === 'logprobs')).toEqual([
      { type: 'logprobs', tokens: [{ token: 'Yes', logprob: -0.1, top: [] }] },
      { type: 'logprobs', tokens: [{ token: '.', logprob: -0.2, top: [] }] },
    ]);
  });

  it('ends without response.completed in StreamTruncatedError', async () => {
    const parts = await drain(fromOpenAIResponses(iterate([utf8(created + textDelta('Hi'))])));
    expect(parts.at(-2)).toEqual({ type: 'error', error: expect.any(StreamTruncatedError) });
  });

  it('skips and counts unknown event types', async () => {
    let unknownEvents = 0;
    const completed = event({
      type: 'response.completed',
      response: { status: 'completed', usage: null },
    });
    const parts = await drain(
      fromOpenAIResponses(
        iterate([
          utf8(created + event({ type: 'response.brand_new.delta' }) + textDelta('ok') + completed),
        ]),
        {
          onStats: (stats) => {
            unknownEvents = stats.unknownEvents;
          },
        },
      ),
    );
    expect(parts).toEqual([
      { type: 'text-delta', text: 'ok' },
      { type: 'finish', reason: 'stop', providerReason: 'completed' },
    ]);
    expect(unknownEvents).toBe(1);
  });

  it('takes the complete arguments from function_call_arguments.done when no deltas came', async () => {
    const parts = await drain(
      fromOpenAIResponses(
        iterate([
          utf8(
            created +
              event({
                type: 'response.output_item.added',
                item: {
                  type: 'function_call',
                  id: 'fc_1',
                  call_id: 'call_1',
                  name: 'f',
                  arguments: '',
                },
              }) +
              event({
                type: 'response.function_call_arguments.done',
                item_id: 'fc_1',
                arguments: '{"a":1}',
              }) +
              event({ type: 'response.completed', response: { status: 'completed', usage: null } }),
          ),
        ]),
      ),
    );
    expect(parts.slice(0, 3)).toEqual([
      { type: 'tool-call-start', toolCallId: 'call_1', toolName: 'f' },
      { type: 'tool-call-delta', toolCallId: 'call_1', inputTextDelta: '{"a":1}' },
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'f', input: { a: 1 } },
    ]);
  });
});
