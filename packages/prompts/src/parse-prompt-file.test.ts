import { describe, expect, it } from 'vitest';
import { thrownBy } from '../test/helpers';
import { parsePromptFile } from './parse-prompt-file';
import { PromptFileError } from './prompt-file-error';
import { TemplateSyntaxError } from './template-syntax-error';
import { untrusted } from './untrusted';

function fileError(path: string, content: string): PromptFileError {
  const error = thrownBy(() => parsePromptFile({ path, content }));
  if (!PromptFileError.isInstance(error)) throw error;
  return error;
}

describe('parsePromptFile', () => {
  it('reads id and version from the name, types from the front matter, the body as the user message', async () => {
    const prompt = parsePromptFile({
      path: 'prompts/greet.v3.md',
      content:
        '\uFEFF---\r\ndescription: Greets.\r\ninput:\r\n  name: string\r\n  tags: string[]?\r\n---\r\nHello {{name}}!\r\n',
    });
    expect(prompt).toMatchObject({
      id: 'greet',
      version: 3,
      key: 'greet@3',
      description: 'Greets.',
    });
    await expect(prompt.render({ name: 'Ada' })).resolves.toEqual([
      { role: 'user', content: 'Hello Ada!' },
    ]);
    await expect(prompt.render({ name: 1, extra: true } as never)).rejects.toThrow(
      /name:.*\n- extra: not declared/,
    );
  });

  it('splits a conversation on ::role lines and builds nested and output schemas', async () => {
    const prompt = parsePromptFile({
      path: 'qa.v1.md',
      content:
        '---\ninput:\n  doc: untrusted\n  user: { name: string, age: integer? }\noutput:\n  answer: string\n---\n::system\nHelp {{user.name}}.\n::user\n{{doc}}\n::assistant\nOk.\n::user\nThanks',
    });
    const messages = await prompt.render(
      { doc: untrusted('d', { source: 'kb' }), user: { name: 'Bo' } },
      { randomId: () => 'fixed123' },
    );
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[0]?.content).toMatch(/^Help Bo\.\n\nSome content/);
    expect(messages[1]?.content).toBe(
      '<untrusted-fixed123 source="kb" mode="fence">\nd\n</untrusted-fixed123>',
    );
    expect(prompt.parseOutput('{"answer":"a"}')).toEqual({ answer: 'a' });
  });

  it.each([
    ['greet.md', 'x', 'the name must be <id>.v<N>.md'],
    ['greet.v0.md', 'x', 'the name must be'],
    ['greet.v1.md', '---\ninput: [1\n---\nx', 'Flow sequence'],
    ['greet.v1.md', '---\ninput:\n  a: string\n  a: number\n---\nx', 'unique'],
    ['greet.v1.md', '---\ninput:\n  a: strin\n---\n{{a}}', '"input.a" has type "strin"'],
    ['greet.v1.md', '---\ninput:\n  a: { b: [1] }\n---\n{{a}}', '"input.a.b" has type [1]'],
    ['greet.v1.md', '---\ninputs:\n  a: string\n---\nx', 'unknown front matter key "inputs"'],
    ['greet.v1.md', '---\n- a\n---\nx', 'front matter must be a mapping'],
    [
      'greet.v1.md',
      '---\nversion: 2\n---\nx',
      'front matter says version 2 but the file name says 1',
    ],
    ['greet.v1.md', '---\ninput: string\n---\nx', 'input must be a mapping'],
    ['greet.v1.md', 'intro\n::user\nx', 'text before the first ::role line'],
    ['greet.v1.md', '::user\nx\n::system\ny', '::system must be the first section'],
    ['greet.v1.md', '---\nbudget:\n  maxTokens: lots\n---\nx', 'budget.maxTokens'],
    ['greet.v1.md', '---\ninput:\n  a: string\n---\n{{#if a}}', 'never closed'],
    ['greet.v1.md', '---\ninput:\n  a: string\n---\n{{b}}', 'does not declare'],
  ])('%s with %j is a PromptFileError mentioning %j', (path, content, problem) => {
    const error = fileError(path, content);
    expect(error.file).toBe(path);
    expect(error.message).toContain(problem);
  });

  it.each([
    [
      'a __proto__ input field',
      '---\ninput:\n  __proto__: string\n  name: string\n---\nHi {{name}}',
      '__proto__',
    ],
    [
      'a nested __proto__ field',
      '---\ninput:\n  user:\n    __proto__: string\n---\nHi',
      '__proto__',
    ],
    [
      'a top-level __proto__ key',
      '---\n__proto__:\n  polluted: 1\n---\nHi',
      'unknown front matter key "__proto__"',
    ],
    ['a non-string key', '---\ninput:\n  [a, b]: string\n---\nHi', 'keys must be names'],
    [
      'an alias bomb',
      '---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n---\nHi',
      'alias',
    ],
    ['a custom tag', '---\ninput: !!js/function "x"\n---\nHi', 'tag'],
  ])('refuses hostile front matter: %s', (_, content, problem) => {
    const error = thrownBy(() => parsePromptFile({ path: 'p.v1.md', content }));
    expect(PromptFileError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(problem);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps the template error as the cause', () => {
    const error = fileError('t.v1.md', '{{#each}}');
    expect(TemplateSyntaxError.isInstance(error.cause)).toBe(true);
  });
});
