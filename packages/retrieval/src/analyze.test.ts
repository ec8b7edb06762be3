import { describe, expect, it } from 'vitest';
import { createAnalyzer, identifierParts, identifierWords } from './analyze';

const analyze = createAnalyzer({ identifiers: true });

describe('createAnalyzer with identifiers', () => {
  it('keeps a code identifier whole and adds its words', () => {
    expect(analyze('createRedisBudget')).toEqual([
      'createredisbudget',
      'create',
      'redis',
      'budget',
    ]);
    expect(analyze('BudgetExceededError')).toEqual([
      'budgetexceedederror',
      'budget',
      'exceeded',
      'error',
    ]);
    expect(analyze('max_tokens')).toEqual(['max_tokens', 'max', 'tokens']);
    expect(analyze('DEFAULT_REDACTION_RULES')).toEqual([
      'default_redaction_rules',
      'default',
      'redaction',
      'rules',
    ]);
    expect(analyze('HTTPServer')).toEqual(['httpserver', 'http', 'server']);
    expect(analyze('keel.cost_usd')).toEqual(['keel.cost_usd', 'keel', 'cost', 'usd']);
    expect(analyze('retriever.retrieve')).toEqual(['retriever.retrieve', 'retriever', 'retrieve']);
    expect(analyze('keel-mock')).toEqual(['keel-mock', 'keel', 'mock']);
  });

  it('keeps letters and digits together, and reads Unicode case', () => {
    expect(analyze('gpt4o p50 GPT4o')).toEqual(['gpt4o', 'p50', 'gpt4o']);
    expect(analyze('v2Client base64Encode')).toEqual([
      'v2client',
      'v2',
      'client',
      'base64encode',
      'base64',
      'encode',
    ]);
    expect(analyze('ÉtatCivil')).toEqual(['étatcivil', 'état', 'civil']);
    expect(identifierParts('XMLHttpRequest')).toEqual(['XML', 'Http', 'Request']);
  });

  it('stems and stop-lists the words, never the whole identifier', () => {
    const full = createAnalyzer({ identifiers: true, stemming: true, stopWords: true });
    expect(full('isIndexing the max_tokens')).toEqual([
      'isindexing',
      'index',
      'max_tokens',
      'max',
      'token',
    ]);
  });

  it('leaves plain words, punctuation and odd input as the plain analyzer does', () => {
    const plain = createAnalyzer();
    for (const text of [
      'What does it do?',
      '',
      '  ...  ',
      '___ -- ..',
      'Über straße',
      '__proto__',
    ]) {
      expect(analyze(text)).toEqual(plain(text));
    }
    expect(createAnalyzer()('createRedisBudget')).toEqual(['createredisbudget']);
    expect(identifierWords('Call createRedisBudget with max_tokens')).toBe(
      'create Redis Budget max tokens',
    );
    expect(identifierWords('no identifiers here')).toBe('');
  });
});
