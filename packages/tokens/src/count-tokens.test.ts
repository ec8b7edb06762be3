import { describe, expect, it } from 'vitest';
import { countTokens, decode, encode, encodingFor, isWithinLimit } from './count-tokens';
import { ModelNotFoundError } from './model-not-found-error';

describe('countTokens, encode, decode, isWithinLimit', () => {
  it('default to o200k_base and follow the model or encoding asked for', async () => {
    expect(await encode('hello world')).toEqual([24912, 2375]);
    expect(await decode([24912, 2375])).toBe('hello world');
    expect(await countTokens('Hello, world!')).toBe(4);
    expect(await encode('hello world', { model: 'gpt-4' })).toEqual([15339, 1917]);
    expect(await encode('hello world', { encoding: 'cl100k_base' })).toEqual([15339, 1917]);
    expect(await countTokens('hello world', { model: 'gpt-4o-2024-08-06' })).toBe(2);
    expect(await isWithinLimit('hello world', 2)).toBe(true);
    expect(await isWithinLimit('hello world', 1)).toBe(false);
  });

  it('load each encoding once', async () => {
    expect(await encodingFor({ model: 'gpt-4o' })).toBe(
      await encodingFor({ encoding: 'o200k_base' }),
    );
  });

  it('reject bad input with typed errors that say what to do', async () => {
    await expect(countTokens(undefined as unknown as string)).rejects.toThrow(
      /text must be a string, got undefined/,
    );
    await expect(countTokens('x', { encoding: 'p99k' as 'o200k_base' })).rejects.toThrow(
      /Unknown encoding "p99k"; use one of o200k_base, cl100k_base/,
    );
    await expect(countTokens('x', { model: 'gpt-9' })).rejects.toThrow(ModelNotFoundError);
    await expect(countTokens('x', { model: 'claude-sonnet-4-5' })).rejects.toThrow(
      /countMessageTokens.*client/,
    );
    await expect(countTokens('x', { model: 'deepseek-chat' })).rejects.toThrow(/does not bundle/);
    await expect(countTokens('x', {} as { encoding: 'o200k_base' })).rejects.toThrow(
      /options must be/,
    );
    await expect(isWithinLimit('x', -1)).rejects.toThrow(/limit must be a whole number >= 0/);
  });
});
