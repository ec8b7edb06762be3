import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../test/helpers';
import { parseTemplate } from './parse-template';
import { renderTemplate } from './render-template';
import { TemplateSyntaxError } from './template-syntax-error';

const render = (source: string, input: unknown) =>
  renderTemplate(parseTemplate(source), input, (value) =>
    value === undefined ? '' : String(value),
  );

describe('template syntax', () => {
  it('interpolates variables and dotted paths', () => {
    expect(
      render('Hi {{ name }}, {{user.city}} / {{list.1}}', {
        name: 'Ada',
        user: { city: 'Oslo' },
        list: ['a', 'b'],
      }),
    ).toBe('Hi Ada, Oslo / b');
  });

  it('renders conditionals with else; empty arrays and strings are false', () => {
    const source = '{{#if vip}}VIP{{else}}guest{{/if}}';
    expect(render(source, { vip: true })).toBe('VIP');
    expect(render(source, { vip: [] })).toBe('guest');
    expect(render(source, { vip: '' })).toBe('guest');
    expect(render(source, { vip: [0] })).toBe('VIP');
  });

  it('loops over arrays with @index, @first and @last, nested loops see outer aliases', () => {
    const source =
      '{{#each groups as g}}{{#each g.items as i}}{{g.name}}{{@index}}={{i}}{{#if @last}};{{else}},{{/if}}{{/each}}{{/each}}';
    expect(
      render(source, {
        groups: [
          { name: 'a', items: [1, 2] },
          { name: 'b', items: [3] },
        ],
      }),
    ).toBe('a0=1,a1=2;b0=3;');
  });

  it('drops lines that hold only a section tag or a comment', () => {
    const source =
      'Rules:\n{{! one per line }}\n{{#each rules as rule}}\n  - {{rule}}\n{{/each}}\n{{#if extra}}\nExtra\n{{/if}}\nEnd';
    expect(render(source, { rules: ['a', 'b'], extra: false })).toBe('Rules:\n  - a\n  - b\nEnd');
  });

  it('keeps an escaped \\{{ literal', () => {
    expect(render('JSON looks like \\{{"a": 1}}', {})).toBe('JSON looks like {{"a": 1}}');
  });

  it('never reads inherited properties', () => {
    expect(render('[{{constructor}}][{{a.__proto__}}][{{a.toString}}]', { a: {} })).toBe('[][][]');
  });

  it('lists its input variables, without loop aliases', () => {
    expect(
      parseTemplate('{{a}}{{#each b as x}}{{x.y}}{{c}}{{/each}}{{#if d}}{{/if}}').variables,
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it.each([
    ['{{name', 1, 1, 'never closed'],
    ['ok\n  {{#if a}}x', 2, 3, '{{#if}} is never closed'],
    ['{{/if}}', 1, 1, 'closes nothing'],
    ['{{#if a}}{{/each}}', 1, 10, 'closes {{#if}}'],
    ['{{#if a}}{{else}}{{else}}{{/if}}', 1, 18, 'once'],
    ['{{else}}', 1, 1, 'inside {{#if}}'],
    ['{{#unless a}}{{/unless}}', 1, 1, 'unknown section'],
    ['{{a + b}}', 1, 1, 'not a variable name'],
    ['{{@index}}', 1, 1, 'inside {{#each}}'],
    ['{{#each xs as 1x}}{{/each}}', 1, 1, 'plain name'],
    ['{{{raw}}}', 1, 1, 'not a variable name'],
  ])('rejects %j with a TemplateSyntaxError at %i:%i', (source, line, column, problem) => {
    let error: unknown;
    try {
      parseTemplate(source);
    } catch (caught) {
      error = caught;
    }
    expect(TemplateSyntaxError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ line, column });
    expect((error as Error).message).toContain(problem);
  });

  it('property: values are written as they are, never parsed as template syntax', () => {
    const syntax = fc.constantFrom(
      '{{',
      '}}',
      '{{a}}',
      '{{#if a}}',
      '{{/if}}',
      '{{#each a as b}}',
      '\\{{',
      '{{!x}}',
      '\n',
      '@index',
    );
    const value = fc
      .array(fc.oneof(fc.string(), syntax), { maxLength: 12 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(
          render('<{{a}}|{{#if b}}{{b}}{{/if}}|{{#each list as x}}{{x}}{{/each}}>', {
            a,
            b,
            list: [a, b],
          }),
        ).toBe(`<${a}|${b}|${a}${b}>`);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses sections nested more than 64 deep instead of overflowing the stack when rendering', () => {
    const nested = (depth: number) => `${'{{#if a}}'.repeat(depth)}x${'{{/if}}'.repeat(depth)}`;
    expect(parseTemplate(nested(64)).variables).toEqual(['a']);
    const error = thrownBy(() => parseTemplate(nested(50_000)));
    expect(TemplateSyntaxError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ line: 1, column: 64 * 9 + 1 });
    expect((error as Error).message).toContain('nest more than 64 deep');
  });
});
