import { describe, expect, it } from 'vitest';
import { readmeExample, readmeExamples, runExample, splitExample } from './index.js';

const readme = [
  '# pkg',
  '',
  '```sh',
  'npm install pkg',
  '```',
  '',
  '<!-- example: quick-start -->',
  '```ts',
  "import { double } from 'pkg';",
  'const n: number = await Promise.resolve(double(21));',
  '```',
  '',
  '```ts',
  'unmarked();',
  '```',
  '',
  '<!--example:second-one-->',
  '',
  '````typescript',
  'const fence = "```";',
  '````',
].join('\n');

describe('readmeExamples', () => {
  it('returns only the marked blocks, with their names, languages and lines', () => {
    expect(readmeExamples(readme)).toEqual([
      {
        name: 'quick-start',
        lang: 'ts',
        code: "import { double } from 'pkg';\nconst n: number = await Promise.resolve(double(21));\n",
        line: 9,
      },
      { name: 'second-one', lang: 'typescript', code: 'const fence = "```";\n', line: 20 },
    ]);
  });

  it('refuses malformed markers, markers without a block, open blocks and repeated names', () => {
    expect(() => readmeExamples('<!-- example: Quick Start -->\n```ts\n```')).toThrow(
      /not a valid example marker/,
    );
    expect(() => readmeExamples('<!-- example: a -->\ntext\n```ts\n```')).toThrow(
      /must be followed by a fenced code block/,
    );
    expect(() => readmeExamples('<!-- example: a -->\n```ts\nx();\n')).toThrow(/is not closed/);
    expect(() =>
      readmeExamples('<!-- example: a -->\n```ts\n```\n<!-- example: a -->\n```ts\n```'),
    ).toThrow(/used twice/);
  });

  it('names the marked examples when the one asked for is missing', () => {
    expect(readmeExample(readme, 'second-one')).toBe('const fence = "```";\n');
    expect(() => readmeExample(readme, 'agent')).toThrow(
      'The README has no example "agent" (marked: quick-start, second-one)',
    );
  });
});

describe('splitExample', () => {
  it('separates imports, drops export keywords and lists declared names', () => {
    const split = splitExample(
      [
        "import OpenAI from 'openai';",
        "import { type A, b as c } from 'pkg';",
        "import type { T } from 'types';",
        'export async function answer(q: string) { return q; }',
        'const { x, y: [z] } = { x: 1, y: [2] };',
        'class Box {}',
        'answer("hi");',
      ].join('\n'),
    );
    expect(
      split.imports.map(({ module, defaultName, typeOnly, named }) => ({
        module,
        defaultName,
        typeOnly,
        named,
      })),
    ).toEqual([
      { module: 'openai', defaultName: 'OpenAI', typeOnly: false, named: [] },
      {
        module: 'pkg',
        defaultName: undefined,
        typeOnly: false,
        named: [
          { imported: 'A', local: 'A', typeOnly: true },
          { imported: 'b', local: 'c', typeOnly: false },
        ],
      },
      {
        module: 'types',
        defaultName: undefined,
        typeOnly: true,
        named: [{ imported: 'T', local: 'T', typeOnly: false }],
      },
    ]);
    expect(split.statements[0]).toBe('async function answer(q: string) { return q; }');
    expect(split.declared).toEqual(['answer', 'x', 'z', 'Box']);
    expect(split.exported).toEqual(['answer']);
  });
});

describe('runExample', () => {
  it('runs TypeScript with imports from modules, stand-ins and top-level await', async () => {
    const code = readmeExample(readme, 'quick-start');
    const result = await runExample(code, { modules: { pkg: { double: (n) => n * 2 } } });
    expect(result).toEqual({ n: 42 });
  });

  it('gives the example its stand-ins and default and namespace imports', async () => {
    const code = [
      "import Client from 'client';",
      "import * as math from 'math';",
      'export const answer = new Client(math.square(question));',
    ].join('\n');
    const { answer } = await runExample(code, {
      modules: {
        client: {
          default: class Client {
            constructor(value) {
              this.value = value;
            }
          },
        },
        math: { square: (n) => n * n },
      },
      scope: { question: 3 },
    });
    expect(answer).toMatchObject({ value: 9 });
  });

  it('says which module or export is missing, and refuses a stand-in the example declares', async () => {
    await expect(runExample("import { a } from 'gone';")).rejects.toThrow(
      `The README example imports "gone"; pass it to runExample in modules`,
    );
    await expect(
      runExample("import { a } from 'pkg';\na;", { modules: { pkg: {} } }),
    ).rejects.toThrow('The README example imports "a" from "pkg", which does not export it');
    await expect(runExample('const model = 1;', { scope: { model: 2 } })).rejects.toThrow(
      'The README example declares "model" itself',
    );
  });

  it('lets the example fail: its errors reach the test', async () => {
    await expect(runExample('throw new TypeError("broken example");')).rejects.toThrow(
      'broken example',
    );
    await expect(runExample('missing();')).rejects.toThrow(ReferenceError);
  });
});
