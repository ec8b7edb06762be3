import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createPromptRegistry,
  definePrompt,
  PromptFileError,
  PromptNotFoundError,
} from '../src/index';
import { loadPromptDirectory } from '../src/node';
import { thrownBy } from './helpers';

const directory = new URL('./fixtures/prompts', import.meta.url).pathname;

describe('prompt registry', () => {
  const temp: string[] = [];
  afterAll(async () => {
    for (const dir of temp) await rm(dir, { recursive: true, force: true });
  });

  it('loads <id>.v<N>.md files, lists ids and versions, and returns the latest by default', async () => {
    const registry = await loadPromptDirectory(directory);
    expect(registry.ids()).toEqual(['classify', 'summarize']);
    expect(registry.versions('summarize')).toEqual([1, 2]);
    expect(registry.get('summarize').ref).toMatch(/^summarize@2#/);
    expect(registry.get('summarize', 1).version).toBe(1);
  });

  it('pins a version, from options or later, and unpins', async () => {
    const registry = await loadPromptDirectory(directory, { pins: { summarize: 1 } });
    expect(registry.get('summarize').version).toBe(1);
    expect(registry.pinned('summarize')).toBe(1);
    registry.unpin('summarize');
    expect(registry.get('summarize').version).toBe(2);
    registry.pin('summarize', 1);
    expect(registry.get('summarize').version).toBe(1);
    expect(registry.get('summarize', 2).version).toBe(2);
  });

  it('diffs two versions line by line', async () => {
    const registry = await loadPromptDirectory(directory);
    const diff = registry.diff('summarize', 1, 2).split('\n');
    expect(diff[0]).toMatch(/^--- summarize@1#[0-9a-f]{12}$/);
    expect(diff[1]).toMatch(/^\+\+\+ summarize@2#[0-9a-f]{12}$/);
    expect(diff).toContain('+::system');
    expect(diff).toContain('+You summarise web pages{{#if tone}} in a {{tone}} tone{{/if}}.');
    expect(diff).toContain(' Summarise this page in {{words}} words:');
    expect(diff.filter((line) => line.startsWith('-input:'))).toHaveLength(1);
    expect(
      registry
        .diff('summarize', 2, 2)
        .split('\n')
        .slice(2)
        .every((line) => line.startsWith(' ')),
    ).toBe(true);
  });

  it('reports unknown ids and versions with what is available', async () => {
    const registry = await loadPromptDirectory(directory);
    const missing = thrownBy(() => registry.get('nope'));
    expect(PromptNotFoundError.isInstance(missing)).toBe(true);
    expect(missing).toMatchObject({ id: 'nope', available: [] });
    expect(thrownBy(() => registry.get('summarize', 7))).toMatchObject({
      version: 7,
      available: [1, 2],
    });
    expect(thrownBy(() => registry.pin('summarize', 9))).toMatchObject({
      name: 'PromptNotFoundError',
    });
    await expect(loadPromptDirectory(directory, { pins: { classify: 4 } })).rejects.toThrow(
      /no version 4/,
    );
  });

  it('mixes prompts from modules, and refuses two prompts with one id and version', () => {
    const make = (version: number, template: string) =>
      definePrompt({ id: 'greet', version, input: z.object({}), template });
    const registry = createPromptRegistry([make(1, 'Hi'), make(2, 'Hello')]);
    expect(registry.get('greet').messages).toEqual([{ role: 'user', content: 'Hello' }]);
    expect(() => createPromptRegistry([make(1, 'a'), make(1, 'b')])).toThrow(
      /Two prompts are greet@1/,
    );
  });

  it('fails the load on a malformed file, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-prompts-'));
    temp.push(dir);
    await writeFile(join(dir, 'ok.v1.md'), 'fine');
    await writeFile(join(dir, 'notes.md'), 'not a prompt, ignored');
    expect((await loadPromptDirectory(dir)).ids()).toEqual(['ok']);
    await writeFile(join(dir, 'bad.v1.md'), '---\ninput: [\n---\n');
    const error = await loadPromptDirectory(dir).catch((e: unknown) => e);
    expect(PromptFileError.isInstance(error)).toBe(true);
    expect((error as PromptFileError).file).toBe(join(dir, 'bad.v1.md'));
  });
});
