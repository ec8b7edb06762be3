import { describe, expect, it } from 'vitest';
import { answerMode } from './answerer';
import { bundledCorpus, loadConfig } from './config';
import { ConfigError } from './config-error';

describe('loadConfig', () => {
  it('runs offline on the bundled corpus with no variables set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, provider: 'auto', log: 'json' });
    expect(config.corpus).toEqual(bundledCorpus());
    expect(config.corpus.some((path) => path.endsWith('packages/tokens/README.md'))).toBe(true);
    expect(config.corpus.some((path) => path.endsWith('apps/docs-chat/README.md'))).toBe(true);
    expect(answerMode(config)).toBe('offline');
  });

  it('reports every bad variable at once, naming each', () => {
    let caught: unknown;
    try {
      loadConfig({
        DOCS_CHAT_PORT: '70000',
        DOCS_CHAT_PROVIDER: 'gemini',
        OPENAI_BASE_URL: 'localhost:11434',
        DOCS_CHAT_USER_DAILY_USD: '-1',
      });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/DOCS_CHAT_PORT/);
    expect(problems).toMatch(/DOCS_CHAT_PROVIDER/);
    expect(problems).toMatch(/OPENAI_BASE_URL: must be an http\(s\) URL/);
    expect(problems).toMatch(/DOCS_CHAT_USER_DAILY_USD/);
    expect((caught as Error).message).toContain('.env.example');
  });

  it('refuses limits that would refuse every turn', () => {
    expect(() => loadConfig({ DOCS_CHAT_USER_DAILY_USD: '0' })).toThrow(/DOCS_CHAT_USER_DAILY_USD/);
    expect(() =>
      loadConfig({ DOCS_CHAT_USER_DAILY_TOKENS: '500', DOCS_CHAT_MAX_OUTPUT_TOKENS: '1024' }),
    ).toThrow(/DOCS_CHAT_USER_DAILY_TOKENS: 500 is below DOCS_CHAT_MAX_OUTPUT_TOKENS \(1024\)/);
  });

  it('reads DATABASE_URL and REDIS_URL, and names a malformed one without echoing it', () => {
    expect(loadConfig({})).not.toHaveProperty('databaseUrl');
    const shared = loadConfig({
      DATABASE_URL: 'postgres://app:secret@db.internal:5432/docs',
      REDIS_URL: 'rediss://cache.internal:6380',
    });
    expect(shared).toMatchObject({
      databaseUrl: 'postgres://app:secret@db.internal:5432/docs',
      databasePoolSize: 10,
      redisUrl: 'rediss://cache.internal:6380',
    });
    let caught: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/docs', REDIS_URL: '127.0.0.1:6379' });
    } catch (error) {
      caught = error;
    }
    expect(ConfigError.isInstance(caught)).toBe(true);
    const message = (caught as Error).message;
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/user@host:5432\/database URL/);
    expect(message).toMatch(/REDIS_URL: must be a redis:\/\/host:6379 URL/);
    expect(message).not.toContain('hunter2');
  });

  it('reads the turn slots and the Redis prefix, and refuses bad ones', () => {
    expect(loadConfig({})).toMatchObject({
      redisPrefix: 'docs-chat:',
      turnQueueMs: 30_000,
      turnLeaseMs: 15_000,
    });
    expect(loadConfig({})).not.toHaveProperty('maxTurns');
    expect(
      loadConfig({ DOCS_CHAT_MAX_TURNS: '8', DOCS_CHAT_REDIS_PREFIX: 'prod:chat:' }),
    ).toMatchObject({
      maxTurns: 8,
      redisPrefix: 'prod:chat:',
    });
    expect(() => loadConfig({ DOCS_CHAT_MAX_TURNS: '0' })).toThrow(/DOCS_CHAT_MAX_TURNS/);
    expect(() => loadConfig({ DOCS_CHAT_TURN_LEASE_MS: '10' })).toThrow(/DOCS_CHAT_TURN_LEASE_MS/);
    expect(() => loadConfig({ DOCS_CHAT_REDIS_PREFIX: 'a b{c}' })).toThrow(
      /DOCS_CHAT_REDIS_PREFIX: must be 1 to 64 letters/,
    );
  });

  it('refuses a provider chosen without its key', () => {
    expect(() => loadConfig({ DOCS_CHAT_PROVIDER: 'anthropic' })).toThrow(/ANTHROPIC_API_KEY/);
    expect(() => loadConfig({ DOCS_CHAT_PROVIDER: 'openai' })).toThrow(/OPENAI_API_KEY/);
  });

  it.each([
    [{ OPENAI_API_KEY: 'k' }, 'openai'],
    [{ ANTHROPIC_API_KEY: 'k' }, 'anthropic'],
    [{ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }, 'openai-compatible'],
    [{ OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'k' }, 'openai'],
    [{ OPENAI_API_KEY: 'k', DOCS_CHAT_PROVIDER: 'offline' }, 'offline'],
    [{ OPENAI_API_KEY: ' ' }, 'offline'],
  ])('picks the answerer from the keys: %j -> %s', (env, mode) => {
    expect(answerMode(loadConfig(env))).toBe(mode);
  });

  it('redacts the corpus unless DOCS_CHAT_TRUSTED_CORPUS is true, and refuses other values', () => {
    expect(loadConfig({}).trustedCorpus).toBe(false);
    expect(loadConfig({ DOCS_CHAT_TRUSTED_CORPUS: '' }).trustedCorpus).toBe(false);
    expect(loadConfig({ DOCS_CHAT_TRUSTED_CORPUS: 'false' }).trustedCorpus).toBe(false);
    expect(loadConfig({ DOCS_CHAT_TRUSTED_CORPUS: ' TRUE ' }).trustedCorpus).toBe(true);
    expect(() => loadConfig({ DOCS_CHAT_TRUSTED_CORPUS: 'yes' })).toThrow(
      /DOCS_CHAT_TRUSTED_CORPUS: must be true or false/,
    );
  });
});
