import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamPart } from '@keel/core';
import { createFakeChatModel } from '@keel/testing';
import { describe, expect, it } from 'vitest';
import { createCassette } from './cassette';
import { CassetteMissError } from './cassette-miss-error';
import { cassetteModel } from './cassette-model';

const request = { messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('cassetteModel', () => {
  it('makes each distinct request once and replays it with its recorded cost', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'keel-evals-')), 'cassette.jsonl');
    const model = createFakeChatModel({ text: 'Hello', costUsd: 0.003 });
    const cassette = createCassette({ path });
    const first = await cassetteModel(model, cassette).generate(request);
    const again = await cassetteModel(model, createCassette({ path, mode: 'replay' })).generate(
      request,
    );
    expect(model.calls).toHaveLength(1);
    expect(again).toEqual(first);
    expect(again.costUsd).toBe(0.003);
    await cassetteModel(model, cassette).generate({ ...request, temperature: 0 });
    expect(model.calls).toHaveLength(2);
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('records and replays streams', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'keel-evals-')), 'cassette.jsonl');
    const model = createFakeChatModel({ text: 'one two three' });
    const collect = async (parts: AsyncIterable<StreamPart>) => {
      const list: StreamPart[] = [];
      for await (const part of parts) list.push(part);
      return list;
    };
    const recorded = await collect(cassetteModel(model, createCassette({ path })).stream(request));
    const replayed = await collect(
      cassetteModel(model, createCassette({ path, mode: 'replay' })).stream(request),
    );
    expect(model.calls).toHaveLength(1);
    expect(replayed).toEqual(recorded);
    expect(recorded.at(-1)?.type).toBe('finish');
  });

  it('refuses to call through in replay mode', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'keel-evals-')), 'none.jsonl');
    const model = createFakeChatModel({ text: 'Hello' });
    const error = await cassetteModel(model, createCassette({ path, mode: 'replay' }))
      .generate(request)
      .catch((e: unknown) => e);
    expect(CassetteMissError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(path);
    expect(model.calls).toHaveLength(0);
    expect(() => createCassette({ path, mode: 'live' as 'auto' })).toThrow(/mode must be/);
  });
});
