import { describe, expect, it } from 'vitest';
import {
  anthropicBody,
  anthropicHeaders,
  chatBody,
  rawPost,
  useMockProvider,
} from '../test/helpers';

const env = useMockProvider({ reset: true });

describe('malformed requests get the real APIs’ answers', () => {
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    rawPost(`${env.mock.url}${path}`, body, headers);

  it('401 without an OpenAI key', async () => {
    const { status, text } = await post('/v1/chat/completions', chatBody(), {});
    expect(status).toBe(401);
    expect(JSON.parse(text).error).toMatchObject({
      type: 'invalid_request_error',
      code: null,
      message: expect.stringContaining("You didn't provide an API key"),
    });
  });

  it('401 without an Anthropic key, 400 without anthropic-version', async () => {
    const missingKey = await post('/v1/messages', anthropicBody, {
      'anthropic-version': '2023-06-01',
    });
    expect(missingKey.status).toBe(401);
    expect(JSON.parse(missingKey.text)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
    });
    const missingVersion = await post('/v1/messages', anthropicBody, { 'x-api-key': 'k' });
    expect(missingVersion.status).toBe(400);
    expect(JSON.parse(missingVersion.text).error).toEqual({
      type: 'invalid_request_error',
      message: 'anthropic-version: header is required',
    });
  });

  it('400 for a body that is not JSON, and the log keeps the raw text', async () => {
    const openai = await post('/v1/chat/completions', '{"model": "gpt', {
      authorization: 'Bearer k',
    });
    expect(openai.status).toBe(400);
    expect(JSON.parse(openai.text).error.message).toMatch(
      /^We could not parse the JSON body of your request/,
    );
    expect(env.mock.requests[0]?.body).toBe('{"model": "gpt');
    const anthropic = await post('/v1/messages', '[1, 2]', anthropicHeaders);
    expect(anthropic.status).toBe(400);
    expect(JSON.parse(anthropic.text).error.type).toBe('invalid_request_error');
  });

  it.each([
    [
      '/v1/chat/completions',
      { model: 'gpt-4o' },
      "Missing required parameter: 'messages'.",
      'messages',
      'missing_required_parameter',
    ],
    [
      '/v1/chat/completions',
      { model: 'gpt-4o', messages: 'hi' },
      "Invalid type for 'messages': expected an array of objects, but got a string instead.",
      'messages',
      'invalid_type',
    ],
    [
      '/v1/embeddings',
      { model: 'text-embedding-3-small' },
      "Missing required parameter: 'input'.",
      'input',
      'missing_required_parameter',
    ],
    [
      '/v1/responses',
      { input: 'x' },
      "Missing required parameter: 'model'.",
      'model',
      'missing_required_parameter',
    ],
  ])('400 from %s for %j', async (path, body, message, param, code) => {
    const { status, text } = await post(path, body, { authorization: 'Bearer k' });
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      error: { message, type: 'invalid_request_error', param, code },
    });
  });

  it.each([
    [{ model: 'claude-haiku-4-5', messages: [] }, 'max_tokens: Field required'],
    [
      { model: 'claude-haiku-4-5', max_tokens: '10', messages: [] },
      'max_tokens: Input should be a valid integer',
    ],
    [{ max_tokens: 10, messages: [] }, 'model: Field required'],
  ])('400 from Anthropic for %j', async (body, message) => {
    const { status, text } = await post('/v1/messages', body, anthropicHeaders);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message },
    });
  });

  it('404 for unknown paths and for other methods, in the matching provider shape', async () => {
    const unknown = await post('/v1/completions-typo', {}, { authorization: 'Bearer k' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.message).toBe('Invalid URL (POST /v1/completions-typo)');
    const get = await fetch(`${env.mock.url}/v1/messages`);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(env.mock.requests.map((r) => r.route)).toEqual([null, 'anthropic.messages']);
  });
});
