import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { anthropicClient, useMockProvider } from '../test/helpers';

const env = useMockProvider({ reset: true });

const params = (text: string) => ({
  model: 'claude-haiku-4-5',
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: text }],
});

async function resultsOf(client: Anthropic, id: string) {
  const lines = [];
  for await (const line of await client.messages.batches.results(id)) lines.push(line);
  return lines;
}

describe('Anthropic Message Batches', () => {
  it('stays in_progress for the planned polls, then ends with each item answered', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 2 });
    env.mock.enqueue('anthropic.messages', { text: 'first' }, { error: { status: 400 } });
    const client = anthropicClient(env.mock);
    const created = await client.messages.batches.create({
      requests: [
        { custom_id: 'a', params: params('one') },
        { custom_id: 'b', params: params('two') },
      ],
    });
    expect(created).toMatchObject({
      type: 'message_batch',
      processing_status: 'in_progress',
      request_counts: { processing: 2, succeeded: 0 },
      results_url: null,
    });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await client.messages.batches.retrieve(created.id)).processing_status);
    expect(statuses).toEqual(['in_progress', 'in_progress', 'ended']);
    const ended = await client.messages.batches.retrieve(created.id);
    expect(ended.request_counts).toMatchObject({ succeeded: 1, errored: 1, processing: 0 });
    const lines = await resultsOf(client, created.id);
    expect(lines.map((line) => [line.custom_id, line.result.type])).toEqual([
      ['a', 'succeeded'],
      ['b', 'errored'],
    ]);
    const first = lines[0]?.result;
    expect(first?.type === 'succeeded' && first.message.content[0]).toMatchObject({
      type: 'text',
      text: 'first',
    });
    const second = lines[1]?.result;
    expect(second?.type === 'errored' && second.error.error.type).toBe('invalid_request_error');
  });

  it('expires the items from the planned index on', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 0, expireFrom: 1 });
    const client = anthropicClient(env.mock);
    const { id } = await client.messages.batches.create({
      requests: [
        { custom_id: 'a', params: params('one') },
        { custom_id: 'b', params: params('two') },
      ],
    });
    expect((await client.messages.batches.retrieve(id)).request_counts).toMatchObject({
      succeeded: 1,
      expired: 1,
    });
    expect((await resultsOf(client, id)).map((line) => line.result.type)).toEqual([
      'succeeded',
      'expired',
    ]);
  });

  it('refuses duplicate custom ids and unknown batches as Anthropic does', async () => {
    const client = anthropicClient(env.mock);
    await expect(
      client.messages.batches.create({
        requests: [
          { custom_id: 'a', params: params('one') },
          { custom_id: 'a', params: params('two') },
        ],
      }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(client.messages.batches.retrieve('msgbatch_nope')).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
  });
});
