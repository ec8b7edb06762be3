import { describe, expect, it } from 'vitest';
import { drain, fixture, iterate, trackedStream, utf8 } from './__fixtures__/fixtures';
import { fromAnthropic } from './from-anthropic';
import { parseSSE } from './parse-sse';
import type { StreamStats } from './part-writer';
import { ProviderStreamError } from './provider-stream-error';
import { StreamTruncatedError } from './stream-truncated-error';
import { ToolInputParseError } from './tool-input-parse-error';

const event = (payload: Record<string, unknown>) =>
  `event: ${String(payload.type)}\ndata: ${JSON.stringify(payload)}\n\n`;
const messageStart = event({
  type: 'message_start',
  message: { usage: { input_tokens: 10, output_tokens: 1 } },
});

/** A block's start and stop around `between` (its deltas), at `index`. */
const block = (index: number, content_block: Record<string, unknown>, between = '') =>
  event({ type: 'content_block_start', index, content_block }) +
  between +
  event({ type: 'content_block_stop', index });
/** The end of a message: its stop reason, output usage and `message_stop`. */
const messageEnd = (stop_reason: string, usage: Record<string, unknown> = { output_tokens: 5 }) =>
  event({ type: 'message_delta', delta: { stop_reason }, usage }) + event({ type: 'message_stop' });

describe('fromAnthropic', () => {
  it('adapts the documented text stream, skipping pings', async () => {
    expect(await drain(fromAnthropic(iterate([fixture('anthropic-docs-text.sse')])))).toEqual([
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '!' },
      {
        type: 'usage',
        usage: {
          inputTokens: 25,
          outputTokens: 15,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'stop', providerReason: 'end_turn' },
    ]);
  });

  it('reassembles a tool_use block from input_json_delta and completes it at content_block_stop', async () => {
    const parts = await drain(fromAnthropic(iterate([fixture('anthropic-docs-tool-use.sse')])));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    expect(deltas.map((part) => part.inputTextDelta).join('')).toBe(
      '{"location": "San Francisco, CA", "unit": "fahrenheit"}',
    );
    expect(
      parts.filter((part) => part.type !== 'text-delta' && part.type !== 'tool-call-delta'),
    ).toEqual([
      {
        type: 'tool-call-start',
        toolCallId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        toolName: 'get_weather',
      },
      {
        type: 'tool-call',
        toolCallId: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
        toolName: 'get_weather',
        input: { location: 'San Francisco, CA', unit: 'fahrenheit' },
      },
      {
        type: 'usage',
        usage: {
          inputTokens: 472,
          outputTokens: 89,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'tool-calls', providerReason: 'tool_use' },
    ]);
  });

  it('streams thinking as reasoning with its signature, and merges message_delta usage over message_start', async () => {
    const parts = await drain(fromAnthropic(iterate([fixture('anthropic-docs-thinking.sse')])));
    const reasoning = parts.filter((part) => part.type === 'reasoning-delta');
    expect(reasoning.at(-1)).toEqual({
      type: 'reasoning-delta',
      text: '',
      signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...',
    });
    expect(reasoning.map((part) => part.text).join('')).toContain('So GCD(1071, 462) = 21');
    expect(parts.find((part) => part.type === 'usage')).toEqual({
      type: 'usage',
      usage: {
        inputTokens: 1068,
        cacheReadTokens: 1024,
        cacheWriteTokens: 0,
        outputTokens: 160,
        reasoningTokens: 0,
      },
    });
  });

  it('adapts a thinking stream whose message_start has no usage, taking it from message_delta', async () => {
    const parts = await drain(
      fromAnthropic(iterate([fixture('anthropic-thinking-no-start-usage.sse')])),
    );
    expect(parts.filter((part) => part.type === 'text-delta')).toEqual([
      { type: 'text-delta', text: '27 × 453 = **12,231**.' },
    ]);
    expect(parts.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 48,
          outputTokens: 112,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 87,
        },
      },
      { type: 'finish', reason: 'stop', providerReason: 'end_turn' },
    ]);
  });

  it('reads cached usage whose message_delta carries output_tokens_details as Anthropic usage', async () => {
    const parts = await drain(
      fromAnthropic(iterate([fixture('anthropic-cache-output-details.sse')])),
    );
    expect(parts.filter((part) => part.type === 'usage')).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 6 + 1536 + 4096,
          outputTokens: 21,
          cacheReadTokens: 4096,
          cacheWriteTokens: 1536,
          reasoningTokens: 0,
        },
      },
    ]);
  });

  it('takes the latest value of each usage field; absent and null fields keep the previous one', async () => {
    const bytes = utf8(
      event({
        type: 'message_start',
        message: {
          usage: {
            input_tokens: 30,
            cache_read_input_tokens: 2000,
            cache_creation_input_tokens: 500,
            output_tokens: 1,
          },
        },
      }) +
        event({
          type: 'message_delta',
          delta: { stop_reason: null },
          // a server tool ran: the input grew; cache writes not repeated
          usage: {
            input_tokens: 1830,
            cache_read_input_tokens: null,
            output_tokens: 40,
            server_tool_use: { web_search_requests: 1 },
          },
        }) +
        event({
          type: 'message_delta',
          delta: { stop_reason: 'end_turn' },
          usage: { output_tokens: 95, output_tokens_details: { thinking_tokens: 30 } },
        }) +
        event({ type: 'message_stop' }),
    );
    const usages = (await drain(fromAnthropic(iterate([bytes])))).filter(
      (part) => part.type === 'usage',
    );
    expect(usages.map((part) => part.usage)).toEqual([
      {
        inputTokens: 1830 + 2000 + 500,
        outputTokens: 40,
        cacheReadTokens: 2000,
        cacheWriteTokens: 500,
        reasoningTokens: 0,
      },
      {
        inputTokens: 1830 + 2000 + 500,
        outputTokens: 95,
        cacheReadTokens: 2000,
        cacheWriteTokens: 500,
        reasoningTokens: 30,
      },
    ]);
  });

  it('bills an aborted thinking stream without message_start usage from what arrived', async () => {
    const controller = new AbortController();
    const text = new TextDecoder().decode(fixture('anthropic-thinking-no-start-usage.sse'));
    const events = text.split(/(?<=\n\n)/).map(utf8);
    const parts = [];
    for await (const part of fromAnthropic(iterate(events), { signal: controller.signal })) {
      parts.push(part);
      if (part.type === 'reasoning-delta') controller.abort();
    }
    expect(parts.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: {
          inputTokens: 0,
          // 81 characters of thinking arrived: 21 tokens by the 4-characters rule
          outputTokens: 21,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
      },
      { type: 'finish', reason: 'abort' },
    ]);
  });

  it('turns an in-band error event into an error part with the provider type and message', async () => {
    const parts = await drain(fromAnthropic(iterate([fixture('anthropic-docs-error.sse')])));
    expect(parts[0]).toEqual({ type: 'text-delta', text: 'Once upon' });
    const error = parts.find((part) => part.type === 'error')?.error;
    expect(
      ProviderStreamError.isInstance(error) && [
        error.type,
        error.providerMessage,
        error.isRetryable,
      ],
    ).toEqual(['overloaded_error', 'Overloaded', true]);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error' });
    // the usage known so far: input from message_start, output estimated from 9 characters
    expect(parts.find((part) => part.type === 'usage')).toMatchObject({
      usage: { inputTokens: 12, outputTokens: 3 },
    });
  });

  it('throws an error that arrives before any part, so callers can fall back', async () => {
    const bytes = utf8(
      `${messageStart}${event({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}`,
    );
    await expect(drain(fromAnthropic(iterate([bytes])))).rejects.toSatisfy(
      ProviderStreamError.isInstance,
    );
  });

  it('ends a stream without message_stop with StreamTruncatedError and finish: error', async () => {
    const text = new TextDecoder().decode(fixture('anthropic-docs-text.sse'));
    const cut = text.slice(0, text.indexOf('event: message_stop'));
    const parts = await drain(fromAnthropic(iterate([utf8(cut)])));
    expect(parts.slice(-2)).toEqual([
      { type: 'error', error: expect.any(StreamTruncatedError) },
      { type: 'finish', reason: 'error' },
    ]);
    // the final usage was already reported, and is not repeated
    expect(parts.filter((part) => part.type === 'usage')).toHaveLength(1);
  });

  it('reports invalid tool JSON with its raw text, never as {}', async () => {
    const bytes = utf8(
      messageStart +
        event({
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 't1', name: 'f', input: {} },
        }) +
        event({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '{"a": ' },
        }) +
        event({ type: 'content_block_stop', index: 0 }) +
        event({
          type: 'message_delta',
          delta: { stop_reason: 'tool_use' },
          usage: { output_tokens: 5 },
        }) +
        event({ type: 'message_stop' }),
    );
    const parts = await drain(fromAnthropic(iterate([bytes])));
    const error = parts.find((part) => part.type === 'error')?.error;
    expect(ToolInputParseError.isInstance(error) && error.text).toBe('{"a": ');
    expect(parts.some((part) => part.type === 'tool-call')).toBe(false);
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'error', providerReason: 'tool_use' });
  });

  it('gives a tool_use block without input deltas the empty object', async () => {
    const bytes = utf8(
      messageStart +
        event({
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 't1', name: 'now', input: {} },
        }) +
        event({ type: 'content_block_stop', index: 0 }) +
        event({
          type: 'message_delta',
          delta: { stop_reason: 'tool_use' },
          usage: { output_tokens: 5 },
        }) +
        event({ type: 'message_stop' }),
    );
    const parts = await drain(fromAnthropic(iterate([bytes])));
    expect(parts).toContainEqual({
      type: 'tool-call',
      toolCallId: 't1',
      toolName: 'now',
      input: {},
    });
  });

  it('skips and counts unknown events, deltas and block types', async () => {
    let stats: StreamStats | undefined;
    const bytes = utf8(
      messageStart +
        event({ type: 'future_event' }) +
        block(0, { type: 'future_block' }) +
        event({ type: 'content_block_delta', index: 1, delta: { type: 'future_delta' } }) +
        messageEnd('end_turn'),
    );
    const parts = await drain(
      fromAnthropic(iterate([bytes]), { onStats: (value) => (stats = value) }),
    );
    expect(parts.map((part) => part.type)).toEqual(['usage', 'finish']);
    expect(stats?.unknownEvents).toBe(3);
  });

  const delta = (index: number, value: Record<string, unknown>) =>
    event({ type: 'content_block_delta', index, delta: value });

  // The web search stream as Anthropic documents it: the server tool's call with its input
  // streamed, its result block whole, then text whose citations arrive as citations_delta.
  const webSearch = utf8(
    messageStart +
      block(
        0,
        { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: {} },
        delta(0, { type: 'input_json_delta', partial_json: '{"query": "weather ' }) +
          delta(0, { type: 'input_json_delta', partial_json: 'Oslo"}' }),
      ) +
      block(1, {
        type: 'web_search_tool_result',
        tool_use_id: 'srvtoolu_01',
        content: [
          {
            type: 'web_search_result',
            title: 'Oslo weather',
            url: 'https://weather.example/oslo',
            encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y',
            page_age: null,
          },
        ],
      }) +
      block(
        2,
        { type: 'text', text: '', citations: null },
        delta(2, {
          type: 'citations_delta',
          citation: {
            type: 'web_search_result_location',
            cited_text: 'Light snow, 2 °C',
            url: 'https://weather.example/oslo',
            title: 'Oslo weather',
            encrypted_index: 'Eo8BCioIAhgBIiQyYjQ0OWJmZi1lNm',
          },
        }) + delta(2, { type: 'text_delta', text: 'It is snowing in Oslo.' }),
      ) +
      messageEnd('end_turn', { output_tokens: 40, server_tool_use: { web_search_requests: 1 } }),
  );

  it('streams server tool calls, their results and citations as parts of their own', async () => {
    const parts = await drain(fromAnthropic(iterate([webSearch])));
    expect(parts.slice(0, 4)).toEqual([
      {
        type: 'server-tool-call',
        toolCallId: 'srvtoolu_01',
        toolName: 'web_search',
        input: { query: 'weather Oslo' },
      },
      {
        type: 'server-tool-result',
        toolCallId: 'srvtoolu_01',
        toolName: 'web_search',
        resultType: 'web_search_tool_result',
        output: [expect.objectContaining({ url: 'https://weather.example/oslo' })],
        isError: false,
      },
      {
        type: 'citation',
        citation: {
          citedText: 'Light snow, 2 °C',
          url: 'https://weather.example/oslo',
          title: 'Oslo weather',
          providerType: 'web_search_result_location',
        },
      },
      { type: 'text-delta', text: 'It is snowing in Oslo.' },
    ]);
    expect(parts.some((part) => part.type === 'tool-call')).toBe(false);
  });

  it('reports a failed server tool and a document citation with its pages', async () => {
    const bytes = utf8(
      messageStart +
        block(0, { type: 'server_tool_use', id: 'srv2', name: 'code_execution', input: {} }) +
        block(1, {
          type: 'bash_code_execution_tool_result',
          tool_use_id: 'srv2',
          content: { type: 'bash_code_execution_tool_result_error', error_code: 'unavailable' },
        }) +
        delta(2, {
          type: 'citations_delta',
          citation: {
            type: 'page_location',
            cited_text: 'Revenue grew 12 %.',
            document_index: 0,
            document_title: 'Annual report',
            start_page_number: 3,
            end_page_number: 4,
          },
        }) +
        messageEnd('end_turn'),
    );
    const parts = await drain(fromAnthropic(iterate([bytes])));
    expect(parts[0]).toEqual({
      type: 'server-tool-call',
      toolCallId: 'srv2',
      toolName: 'code_execution',
      input: {},
    });
    expect(parts[1]).toMatchObject({
      type: 'server-tool-result',
      toolName: 'code_execution',
      isError: true,
    });
    expect(parts[2]).toEqual({
      type: 'citation',
      citation: {
        citedText: 'Revenue grew 12 %.',
        title: 'Annual report',
        documentIndex: 0,
        startPageNumber: 3,
        endPageNumber: 4,
        providerType: 'page_location',
      },
    });
  });

  it('accepts already-parsed SSE events', async () => {
    const events = parseSSE(iterate([fixture('anthropic-docs-text.sse')]));
    const parts = await drain(fromAnthropic(events));
    expect(parts.at(-1)).toEqual({ type: 'finish', reason: 'stop', providerReason: 'end_turn' });
  });

  it('cancels the body once the terminal event arrives and when the consumer stops early', async () => {
    const complete = trackedStream([fixture('anthropic-docs-text.sse')], { endAfter: false });
    await drain(fromAnthropic(complete.stream));
    expect(complete.state.cancelled).toBe(true);

    const early = trackedStream([fixture('anthropic-docs-tool-use.sse')], { endAfter: false });
    for await (const part of fromAnthropic(early.stream)) if (part.type === 'text-delta') break;
    expect(early.state.cancelled).toBe(true);
  });

  it('reports the usage of what arrived through onStats when the consumer stops early, as an abort bills it', async () => {
    const text = new TextDecoder().decode(fixture('anthropic-cache-output-details.sse'));
    const events = text.split(/(?<=\n\n)/).map(utf8);
    let stopped: StreamStats | undefined;
    for await (const part of fromAnthropic(iterate(events), {
      onStats: (stats) => (stopped = stats),
    })) {
      if (part.type === 'text-delta') break;
    }
    const controller = new AbortController();
    let aborted: StreamStats | undefined;
    const parts = [];
    for await (const part of fromAnthropic(iterate(events), {
      signal: controller.signal,
      onStats: (stats) => (aborted = stats),
    })) {
      parts.push(part);
      if (part.type === 'text-delta') controller.abort();
    }
    const billed = {
      // the input and cache counts of message_start; 30 characters of output: 8 tokens
      inputTokens: 6 + 1536 + 4096,
      outputTokens: 8,
      cacheReadTokens: 4096,
      cacheWriteTokens: 1536,
      reasoningTokens: 0,
    };
    expect(stopped?.usage).toEqual(billed);
    expect(stopped?.estimatedOutputTokens).toBe(8);
    expect(parts.find((part) => part.type === 'usage')).toEqual({ type: 'usage', usage: billed });
    expect(aborted?.usage).toEqual(billed);
  });

  it('reports no stats for a stream the consumer never read', async () => {
    let reported = false;
    const parts = fromAnthropic(iterate([fixture('anthropic-docs-text.sse')]), {
      onStats: () => {
        reported = true;
      },
    });
    await parts.return?.();
    expect(reported).toBe(false);
  });

  it('ends at once when the consumer returns while a read is pending, cancelling the body', async () => {
    const { stream, state } = trackedStream([utf8(messageStart)], { endAfter: false });
    const parts = fromAnthropic(stream);
    const pending = parts.next();
    await parts.return?.();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(state.cancelled).toBe(true);
  });

  it('answers next() calls made without waiting in order, as a generator does', async () => {
    const parts = fromAnthropic(iterate([fixture('anthropic-docs-text.sse')]));
    const results = await Promise.all([
      parts.next(),
      parts.next(),
      parts.next(),
      parts.next(),
      parts.next(),
    ]);
    expect(results.map((result) => (result.done ? 'done' : result.value.type))).toEqual([
      'text-delta',
      'text-delta',
      'usage',
      'finish',
      'done',
    ]);
  });

  it('emits each part as soon as the chunk holding it arrives', async () => {
    const text = new TextDecoder().decode(fixture('anthropic-docs-text.sse'));
    const cut = text.indexOf('event: content_block_delta', text.indexOf('"Hello"'));
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const source = (async function* () {
      yield utf8(text.slice(0, cut));
      await held; // the rest of the body has not arrived yet
      yield utf8(text.slice(cut));
    })();
    const parts = fromAnthropic(source);
    expect((await parts.next()).value).toEqual({ type: 'text-delta', text: 'Hello' });
    const second = parts.next();
    release();
    expect((await second).value).toEqual({ type: 'text-delta', text: '!' });
  });
});
