import { ServerResponse } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it, vi } from 'vitest';
import {
  anthropicBody,
  anthropicClient,
  anthropicHeaders,
  chatBody,
  chatStreamBody,
  openaiClient,
  rawPost,
  sseData,
  useMockProvider,
} from '../test/helpers';
import { startMockProvider } from './index';

const env = useMockProvider({ reset: true });
const streamBody = chatStreamBody();

/** Reads a raw response body until it ends or stays silent for `idleMs`, then aborts. */
async function readUntilIdle(url: string, body: unknown, idleMs = 500) {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let ended = false;
  for (;;) {
    const idle = new Promise<'idle'>((resolve) => setTimeout(resolve, idleMs, 'idle'));
    const next = await Promise.race([reader.read(), idle]);
    if (next === 'idle') break;
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
  }
  controller.abort();
  return { ended, bytes: Buffer.concat(chunks) };
}

describe('faults', () => {
  it('delayMs holds the headers back; a client timeout shorter than that disconnects', async () => {
    // Margins wide enough that the request reaches the server even on a loaded machine.
    env.mock.enqueue('openai.chat', { text: 'late', faults: { delayMs: 5_000 } });
    const error = await openaiClient(env.mock, { timeout: 1_000 })
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    await vi.waitFor(() => expect(env.mock.requests[0]?.clientDisconnected).toBe(true), {
      timeout: 30_000,
    });
    expect(env.mock.requests[0]?.status).toBeNull();

    env.mock.enqueue('openai.chat', { text: 'late', faults: { delayMs: 120 } });
    await openaiClient(env.mock).chat.completions.create(chatBody());
    const { receivedAt, headersSentAt = 0 } = env.mock.requests[1]?.timings ?? { receivedAt: 0 };
    expect(headersSentAt - receivedAt).toBeGreaterThanOrEqual(115);
  });

  it('tokensPerSecond drip-feeds the content deltas', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['a', 'b', 'c', 'd', 'e'],
      faults: { tokensPerSecond: 50 },
    });
    let text = '';
    for await (const chunk of await openaiClient(env.mock).chat.completions.create(streamBody)) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('abcde');
    const { headersSentAt = 0, endedAt = 0 } = env.mock.requests[0]?.timings ?? {};
    expect(endedAt - headersSentAt).toBeGreaterThanOrEqual(4 * 20 - 5);
  });

  it('stallAfterEvents stops after N events and keeps the connection open until the client gives up', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['one', 'two', 'three', 'four'],
      faults: { stallAfterEvents: 3 },
    });
    const { ended, bytes } = await readUntilIdle(
      `${env.mock.openaiBaseURL}/chat/completions`,
      streamBody,
    );
    expect(ended).toBe(false);
    const data = sseData(bytes.toString()).map((d) => JSON.parse(d));
    expect(data.map((c) => c.choices[0].delta.content)).toEqual(['', 'one', 'two']);
    await vi.waitFor(
      () => expect(env.mock.requests[0]).toMatchObject({ stalled: true, clientDisconnected: true }),
      { timeout: 30_000 },
    );
    expect(env.mock.requests[0]?.eventsWritten).toBe(3);
    expect(env.mock.requests[0]?.disconnectedAt).toBeGreaterThan(
      env.mock.requests[0]?.timings.firstByteAt ?? 0,
    );
  });

  it('stallAfterBytes stops mid-event after exactly N body bytes', async () => {
    env.mock.enqueue('openai.chat', { text: 'a stalled answer', faults: { stallAfterBytes: 50 } });
    const { ended, bytes } = await readUntilIdle(
      `${env.mock.openaiBaseURL}/chat/completions`,
      streamBody,
    );
    expect(ended).toBe(false);
    expect(bytes.length).toBe(50);
    expect(bytes.toString()).toMatch(/^data: \{/);
  });

  it('stallMs resumes after the stall, delivering the whole stream', async () => {
    env.mock.enqueue('anthropic.messages', {
      text: 'slow but complete',
      faults: { stallAfterEvents: 2, stallMs: 150 },
    });
    const message = await anthropicClient(env.mock).messages.stream(anthropicBody).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'slow but complete' }]);
    const { firstByteAt = 0, endedAt = 0 } = env.mock.requests[0]?.timings ?? {};
    expect(endedAt - firstByteAt).toBeGreaterThanOrEqual(145);
  });

  it('resetAfterBytes: 0 resets before the response starts: a connection error the SDK retries', async () => {
    env.mock.enqueue(
      'openai.chat',
      { text: 'lost', faults: { resetAfterBytes: 0 } },
      { text: 'second try' },
    );
    const completion = await openaiClient(env.mock, { maxRetries: 1 }).chat.completions.create(
      chatBody(),
    );
    expect(completion.choices[0]?.message.content).toBe('second try');
    expect(env.mock.requests[0]).toMatchObject({
      reset: true,
      status: null,
      bytesWritten: 0,
      clientDisconnected: false,
    });

    env.mock.enqueue('openai.chat', { text: 'lost', faults: { resetAfterBytes: 0 } });
    const error = await openaiClient(env.mock)
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
  });

  it('resetAfterBytes mid-body fails the body read after a 200 (the SDK surfaces undici\'s "terminated")', async () => {
    env.mock.enqueue('openai.chat', { text: 'never whole', faults: { resetAfterBytes: 20 } });
    const error = await openaiClient(env.mock, { maxRetries: 2 })
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('terminated');
    expect(env.mock.requests).toHaveLength(1);
    expect(env.mock.requests[0]).toMatchObject({
      reset: true,
      status: 200,
      clientDisconnected: false,
      bytesWritten: 20,
    });
  });

  it('stallAfterEvents: 0 holds back even the headers (a first-byte timeout)', async () => {
    env.mock.enqueue('anthropic.messages', { text: 'x', faults: { stallAfterEvents: 0 } });
    const error = await anthropicClient(env.mock, { timeout: 1_000 })
      .messages.create({ ...anthropicBody, stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
    await vi.waitFor(
      () =>
        expect(env.mock.requests[0]).toMatchObject({
          status: null,
          stalled: true,
          clientDisconnected: true,
        }),
      { timeout: 30_000 },
    );
  });

  it('resetAfterEvents breaks a stream the SDK is iterating, after the text so far', async () => {
    env.mock.enqueue('anthropic.messages', {
      chunks: ['Hel', 'lo', ' there'],
      faults: { resetAfterEvents: 4 },
    });
    const received: string[] = [];
    const stream = anthropicClient(env.mock).messages.stream(anthropicBody);
    stream.on('text', (delta) => received.push(delta));
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/terminated|socket|reset|aborted/i);
    expect(received).toEqual(['Hel', 'lo']); // events 0-3: message_start, block start, two deltas
  });

  it('omitTerminalEvent ends the stream cleanly without [DONE], message_stop or response.completed', async () => {
    env.mock.enqueue('openai.chat', { text: 'done?', faults: { omitTerminalEvent: true } });
    const chat = await rawPost(`${env.mock.openaiBaseURL}/chat/completions`, streamBody);
    expect(sseData(chat.text)).not.toContain('[DONE]');
    expect(JSON.parse(sseData(chat.text).at(-1) ?? '').choices[0].finish_reason).toBe('stop');

    env.mock.enqueue('anthropic.messages', { text: 'done?', faults: { omitTerminalEvent: true } });
    const anthropic = await rawPost(
      `${env.mock.anthropicBaseURL}/v1/messages`,
      { ...anthropicBody, stream: true },
      anthropicHeaders,
    );
    expect(anthropic.text).toContain('event: message_delta');
    expect(anthropic.text).not.toContain('message_stop');

    env.mock.enqueue('openai.responses', { text: 'done?', faults: { omitTerminalEvent: true } });
    const responses = await rawPost(`${env.mock.openaiBaseURL}/responses`, {
      model: 'gpt-4.1',
      input: 'x',
      stream: true,
    });
    expect(responses.text).toContain('response.output_item.done');
    expect(responses.text).not.toContain('response.completed');
  });

  it('malformedEvent corrupts one data line; the SDK fails on exactly that event', async () => {
    env.mock.enqueue('openai.chat', {
      chunks: ['ok', 'broken', 'never'],
      faults: { malformedEvent: 2 },
    });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of await openaiClient(env.mock).chat.completions.create(streamBody)) {
        received.push(chunk.choices[0]?.delta.content ?? '');
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(received).toEqual(['', 'ok']);
  });

  it('malformedEvent on a JSON response truncates the body', async () => {
    env.mock.enqueue('anthropic.messages', { text: 'x', faults: { malformedEvent: 0 } });
    const { status, text } = await rawPost(
      `${env.mock.anthropicBaseURL}/v1/messages`,
      anthropicBody,
      anthropicHeaders,
    );
    expect(status).toBe(200);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('splitUtf8 splits multi-byte characters across writes; correct decoders still get the text', async () => {
    const text = 'naïve café 🌍 — 東京';
    env.mock.enqueue('anthropic.messages', { chunks: [text], faults: { splitUtf8: true } });
    // The server's writes, as it makes them: a busy client may read two writes as one chunk.
    const writes: Buffer[] = [];
    const write = ServerResponse.prototype.write;
    const spy = vi.spyOn(ServerResponse.prototype, 'write').mockImplementation(function (
      this: ServerResponse,
      chunk: unknown,
      ...rest: unknown[]
    ) {
      if (Buffer.isBuffer(chunk)) writes.push(chunk);
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    });
    const { chunks } = await rawPost(
      `${env.mock.anthropicBaseURL}/v1/messages`,
      { ...anthropicBody, stream: true },
      anthropicHeaders,
    ).finally(() => spy.mockRestore());
    const strict = new TextDecoder('utf-8', { fatal: true });
    const splitChunks = writes.filter((chunk) => {
      try {
        strict.decode(chunk);
        return false;
      } catch {
        return true;
      }
    });
    expect(splitChunks.length).toBeGreaterThan(0);
    expect(Buffer.concat(chunks).toString('utf8')).toContain(JSON.stringify(text).slice(1, -1));

    env.mock.enqueue('anthropic.messages', { chunks: [text], faults: { splitUtf8: true } });
    const message = await anthropicClient(env.mock).messages.stream(anthropicBody).finalMessage();
    expect(message.content).toEqual([{ type: 'text', text }]);
  });

  it('oversizedEventBytes sends one text delta of that size before the content', async () => {
    env.mock.enqueue('openai.chat', { text: 'tail', faults: { oversizedEventBytes: 200_000 } });
    const { text } = await rawPost(`${env.mock.openaiBaseURL}/chat/completions`, streamBody);
    const sizes = text.split('\n\n').map((event) => Buffer.byteLength(event));
    expect(Math.max(...sizes)).toBeGreaterThan(200_000);
    const content = sseData(text)
      .slice(0, -1)
      .map((d) => JSON.parse(d).choices[0].delta.content ?? '')
      .join('');
    expect(content).toBe(`${'x'.repeat(200_000)}tail`);
  });

  it('streamError sends the provider’s mid-stream error event after N events', async () => {
    env.mock.enqueue('anthropic.messages', {
      chunks: ['par', 'tial', 'lost'],
      faults: { streamError: { afterEvents: 4 } },
    });
    const received: string[] = [];
    const stream = anthropicClient(env.mock).messages.stream(anthropicBody);
    stream.on('text', (delta) => received.push(delta));
    const error = (await stream.finalMessage().catch((e: unknown) => e)) as InstanceType<
      typeof Anthropic.APIError
    >;
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error.error).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });
    expect(received).toEqual(['par', 'tial']);

    env.mock.enqueue('openai.chat', {
      text: 'a b c',
      faults: { streamError: { afterEvents: 2, type: 'server_error', message: 'boom' } },
    });
    const chatError = await (async () => {
      for await (const _ of await openaiClient(env.mock).chat.completions.create(streamBody)) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(chatError).toBeInstanceOf(OpenAI.APIError);
    expect((chatError as Error).message).toContain('boom');

    env.mock.enqueue('openai.responses', {
      text: 'a b',
      faults: { streamError: { afterEvents: 3, type: 'server_error', message: 'gone' } },
    });
    const { text } = await rawPost(`${env.mock.openaiBaseURL}/responses`, {
      model: 'gpt-4.1',
      input: 'x',
      stream: true,
    });
    const last = text.trim().split('\n\n').at(-1) ?? '';
    expect(last.split('\n')[0]).toBe('event: error');
    expect(JSON.parse(last.split('\n')[1]?.slice(6) ?? '')).toEqual({
      type: 'error',
      code: 'server_error',
      message: 'gone',
      param: null,
      sequence_number: 3,
    });
  });

  it('applies faults to error responses too', async () => {
    env.mock.enqueue('openai.chat', { error: { status: 500 }, faults: { delayMs: 80 } });
    const error = await openaiClient(env.mock)
      .chat.completions.create(chatBody())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const { receivedAt, headersSentAt = 0 } = env.mock.requests[0]?.timings ?? { receivedAt: 0 };
    expect(headersSentAt - receivedAt).toBeGreaterThanOrEqual(75);
  });

  it('close() ends stalled streams instead of hanging', async () => {
    const local = await startMockProvider();
    local.enqueue('openai.chat', { text: 'x', faults: { stallAfterEvents: 1 } });
    const reading = rawPost(`${local.openaiBaseURL}/chat/completions`, streamBody).catch(
      (e: unknown) => e,
    );
    await vi.waitFor(() => expect(local.requests[0]?.stalled).toBe(true), { timeout: 30_000 });
    await local.close();
    const result = await reading;
    expect(result).toBeInstanceOf(Error);
    expect(local.requests[0]?.clientDisconnected).toBe(false);
  });
});
