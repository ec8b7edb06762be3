import OpenAI, { toFile } from 'openai';
import { describe, expect, it } from 'vitest';
import { openaiClient, useMockProvider } from '../test/helpers';

const env = useMockProvider({ reset: true });

const line = (customId: string, text: string) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] },
  });

async function submit(client: OpenAI, lines: string[]) {
  const file = await client.files.create({
    file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'batch.jsonl'),
    purpose: 'batch',
  });
  return client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
}

const jsonl = async (client: OpenAI, id: string | null) =>
  id === null
    ? []
    : (await (await client.files.content(id)).text())
        .split('\n')
        .filter((text) => text !== '')
        .map((text) => JSON.parse(text));

describe('OpenAI Batch API', () => {
  it('uploads the input file, runs the batch for the planned polls and writes output and error files', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 2 });
    env.mock.enqueue('openai.chat', { text: 'first' }, { error: { status: 400, message: 'bad' } });
    const client = openaiClient(env.mock);
    const created = await submit(client, [line('a', 'one'), line('b', 'two')]);
    expect(created).toMatchObject({ object: 'batch', status: 'validating', output_file_id: null });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await client.batches.retrieve(created.id)).status);
    expect(statuses).toEqual(['in_progress', 'in_progress', 'completed']);
    const batch = await client.batches.retrieve(created.id);
    expect(batch.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    const [output] = await jsonl(client, batch.output_file_id ?? null);
    expect(output).toMatchObject({
      custom_id: 'a',
      response: { status_code: 200, body: { object: 'chat.completion' } },
      error: null,
    });
    expect(output.response.body.choices[0].message.content).toBe('first');
    const [failed] = await jsonl(client, batch.error_file_id ?? null);
    expect(failed).toMatchObject({
      custom_id: 'b',
      response: { status_code: 400, body: { error: { message: 'bad' } } },
    });
  });

  it('expires the items from the planned index on, and fails a batch when told to', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 0, expireFrom: 1 });
    const client = openaiClient(env.mock);
    const expired = await client.batches.retrieve(
      (await submit(client, [line('a', 'one'), line('b', 'two')])).id,
    );
    expect(expired.status).toBe('expired');
    expect(await jsonl(client, expired.error_file_id ?? null)).toMatchObject([
      { custom_id: 'b', response: null, error: { code: 'batch_expired' } },
    ]);
    env.mock.planBatches({
      pollsBeforeEnd: 0,
      failWith: { code: 'token_limit_exceeded', message: 'Enqueued token limit reached.' },
    });
    const failed = await client.batches.retrieve((await submit(client, [line('a', 'one')])).id);
    expect(failed).toMatchObject({
      status: 'failed',
      errors: { data: [{ code: 'token_limit_exceeded' }] },
    });
  });

  it('fails a batch whose input repeats a custom_id, and refuses unknown files and batches', async () => {
    env.mock.planBatches({ pollsBeforeEnd: 0 });
    const client = openaiClient(env.mock);
    const batch = await client.batches.retrieve(
      (await submit(client, [line('a', 'one'), line('a', 'two')])).id,
    );
    expect(batch).toMatchObject({
      status: 'failed',
      errors: { data: [{ code: 'duplicate_custom_id', line: 2 }] },
    });
    await expect(
      client.batches.create({
        input_file_id: 'file-nope',
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.batches.retrieve('batch_nope')).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });
});
