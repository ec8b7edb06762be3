import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@keel/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from './load-scenario';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keel-scenario-'));
});

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe('loadScenario', () => {
  it('reads JSON scenarios', async () => {
    const path = await file('ok.json', JSON.stringify({ 'openai.chat': [{ text: 'hi' }] }));
    expect(await loadScenario(path)).toEqual({ 'openai.chat': [{ text: 'hi' }] });
  });

  it('reads module scenarios with responder functions', async () => {
    const path = await file(
      'ok.mjs',
      "export default { 'anthropic.messages': ({ callIndex }) => ({ text: 'call ' + callIndex }) };",
    );
    const scenario = await loadScenario(path);
    const responder = scenario['anthropic.messages'] as (r: { callIndex: number }) => {
      text: string;
    };
    expect(responder({ callIndex: 2 })).toEqual({ text: 'call 2' });
  });

  it.each([
    ['bad.json', '{"openai.chat": [', /Could not load scenario .*bad\.json/],
    ['list.json', '[]', /must be an object keyed by route/],
    ['typo.json', '{"openai.chats": []}', /unknown routes "openai.chats"; use openai.chat,/],
  ])('rejects %s with a typed error', async (name, content, message) => {
    const path = await file(name, content);
    await expect(loadScenario(path)).rejects.toThrow(InvalidArgumentError);
    await expect(loadScenario(path)).rejects.toThrow(message);
  });

  it('names a missing file', async () => {
    await expect(loadScenario(join(dir, 'missing.json'))).rejects.toThrow(
      /Could not load scenario .*missing\.json: ENOENT/,
    );
  });
});
