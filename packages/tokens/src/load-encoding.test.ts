import { describe, expect, it, vi } from 'vitest';

const loaded = vi.hoisted(() => new Set<string>());
vi.mock('js-tiktoken/ranks/o200k_base', async (importOriginal) => {
  loaded.add('o200k_base');
  return importOriginal();
});
vi.mock('js-tiktoken/ranks/cl100k_base', async (importOriginal) => {
  loaded.add('cl100k_base');
  return importOriginal();
});

describe('lazy loading', () => {
  it('loads no rank table on import, and only the one asked for on first use', async () => {
    const tokens = await import('./index');
    expect(loaded.size).toBe(0);
    await tokens.countTokens('hello', { model: 'gpt-4' });
    expect([...loaded]).toEqual(['cl100k_base']);
  });
});
