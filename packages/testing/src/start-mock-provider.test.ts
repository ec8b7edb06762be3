import { describe, expect, it } from 'vitest';
import {
  anthropicBody,
  anthropicHeaders,
  chatBody,
  openaiClient,
  rawPost,
  useMockProvider,
} from '../test/helpers';
import { startMockProvider } from './index';

const env = useMockProvider({ reset: true });

describe('request log', () => {
  it('records route, redacted headers, parsed body, status and ordered timings', async () => {
    await openaiClient(env.mock).chat.completions.create(chatBody());
    const [record] = env.mock.requests;
    expect(record).toMatchObject({
      index: 0,
      route: 'openai.chat',
      method: 'POST',
      path: '/v1/chat/completions',
      body: chatBody(),
      stream: false,
      status: 200,
      clientDisconnected: false,
      reset: false,
      stalled: false,
    });
    expect(record?.headers.authorization).toBe('Bearer [redacted]…cdef');
    expect(JSON.stringify(record)).not.toContain('sk-test-0123456789abcdef');
    const {
      receivedAt,
      headersSentAt = 0,
      firstByteAt = 0,
      endedAt = 0,
    } = record?.timings ?? { receivedAt: 0 };
    expect(receivedAt).toBeLessThanOrEqual(headersSentAt);
    expect(headersSentAt).toBeLessThanOrEqual(firstByteAt);
    expect(firstByteAt).toBeLessThanOrEqual(endedAt);
    expect(record?.bytesWritten).toBeGreaterThan(100);
  });

  it('redacts x-api-key too, keeping only the last four characters of long keys', async () => {
    await rawPost(`${env.mock.anthropicBaseURL}/v1/messages`, anthropicBody, {
      ...anthropicHeaders,
      'x-api-key': 'sk-ant-api-secret-value-9876',
    });
    expect(env.mock.requests[0]?.headers['x-api-key']).toBe('[redacted]…9876');
  });

  it('reset() clears the log, queues and responders', async () => {
    env.mock.enqueue('openai.chat', { text: 'queued' });
    env.mock.respondWith('openai.responses', { text: 'always' });
    await rawPost(`${env.mock.openaiBaseURL}/embeddings`, {
      model: 'text-embedding-3-small',
      input: 'x',
    });
    env.mock.reset();
    expect(env.mock.requests).toHaveLength(0);
    expect(env.mock.pending('openai.chat')).toBe(0);
    const response = await openaiClient(env.mock).responses.create({
      model: 'gpt-4.1',
      input: 'q',
    });
    expect(response.output_text).not.toBe('always');
  });
});

describe('request bodies', () => {
  it('413 when the body is larger than the limit', async () => {
    const small = await startMockProvider({ maxBodyBytes: 1024 });
    try {
      const { status, text } = await rawPost(
        `${small.url}/v1/messages`,
        { ...anthropicBody, pad: 'x'.repeat(2048) },
        anthropicHeaders,
      );
      expect(status).toBe(413);
      expect(JSON.parse(text).error.type).toBe('request_too_large');
    } finally {
      await small.close();
    }
  });
});
