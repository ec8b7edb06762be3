import { describe, expect, it } from 'vitest';
import { openaiClient, rawPost, useMockProvider } from '../../test/helpers';

const env = useMockProvider();

describe('OpenAI Responses API', () => {
  it('answers with a completed response whose output_text the SDK assembles', async () => {
    const response = await openaiClient(env.mock).responses.create({
      model: 'gpt-4.1',
      input: 'Say hi',
      instructions: 'Be brief',
    });
    expect(response).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-4.1',
      instructions: 'Be brief',
      output: [{ type: 'message', role: 'assistant', status: 'completed' }],
    });
    expect(response.output_text).toBe('This is a mock answer to "Say hi".');
    expect(response.id).toMatch(/^resp_/);
  });

  it('returns reasoning, text and function calls with usage in Responses terms', async () => {
    env.mock.enqueue('openai.responses', {
      reasoning: 'Need the weather.',
      text: 'Let me check.',
      toolCalls: [{ id: 'call_w', name: 'get_weather', input: { city: 'Oslo' } }],
      usage: { inputTokens: 328, cacheReadTokens: 128, outputTokens: 52, reasoningTokens: 20 },
    });
    const response = await openaiClient(env.mock).responses.create({
      model: 'o4-mini',
      input: [{ role: 'user', content: 'Weather?' }],
    });
    expect(response.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
    ]);
    expect(response.output[2]).toMatchObject({
      type: 'function_call',
      call_id: 'call_w',
      name: 'get_weather',
      arguments: '{"city":"Oslo"}',
    });
    expect(response.usage).toEqual({
      input_tokens: 328,
      input_tokens_details: { cached_tokens: 128 },
      output_tokens: 52,
      output_tokens_details: { reasoning_tokens: 20 },
      total_tokens: 380,
    });
  });

  it('streams events that the SDK accumulates into the same final response', async () => {
    env.mock.enqueue('openai.responses', {
      reasoning: 'Thinking it over',
      text: 'Answer: 42',
      toolCalls: [
        { name: 'calc', input: { expr: '6*7' } },
        { name: 'log', input: { level: 'info' } },
      ],
    });
    const stream = openaiClient(env.mock).responses.stream({
      model: 'gpt-4.1',
      input: 'What is 6*7?',
    });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe('Answer: 42');
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe('Answer: 42');
    expect(
      final.output
        .filter((o) => o.type === 'function_call')
        .map((o) => o.type === 'function_call' && JSON.parse(o.arguments)),
    ).toEqual([{ expr: '6*7' }, { level: 'info' }]);
  });

  it('numbers events in order and names each in its event line, ending at response.completed', async () => {
    const { text } = await rawPost(`${env.mock.openaiBaseURL}/responses`, {
      model: 'gpt-4.1',
      input: 'x',
      stream: true,
    });
    const events = text
      .split('\n\n')
      .filter(Boolean)
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        return { name: eventLine?.slice(7), data: JSON.parse(dataLine?.slice(6) ?? '') };
      });
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.every((e) => e.name === e.data.type)).toBe(true);
    expect(events.map((e) => e.name)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(7).fill('response.output_text.delta'), // 'This is a mock answer to "x".'
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text).not.toContain('[DONE]');
  });

  it('reports a length stop as an incomplete response', async () => {
    env.mock.enqueue('openai.responses', { text: 'cut', finishReason: 'length' });
    const response = await openaiClient(env.mock).responses.create({
      model: 'gpt-4.1',
      input: 'x',
    });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });
});
