import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { result } from '../test/case-result';
import { main } from './cli-main';

async function setUp() {
  const cwd = await mkdtemp(join(tmpdir(), 'keel-evals-cli-'));
  const lines = (run: string, recall: number) =>
    ['a', 'b', 'c'].map((id) => JSON.stringify(result(run, id, { recall }))).join('\n');
  await writeFile(join(cwd, 'baseline.jsonl'), lines('baseline', 1));
  await writeFile(join(cwd, 'candidate.jsonl'), lines('candidate', 0.5));
  let stdout = '';
  let stderr = '';
  const io = {
    cwd,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  };
  return { cwd, io, out: () => stdout, err: () => stderr };
}

describe('keel-evals', () => {
  it('compare exits 1 when a declared threshold is missed and 0 when met', async () => {
    const { io, out } = await setUp();
    expect(
      await main(['compare', 'baseline.jsonl', 'candidate.jsonl', '--max-drop', 'recall=0.1'], io),
    ).toBe(1);
    expect(out()).toContain('recall fell by 0.500, more than 0.1');
    expect(
      await main(['compare', 'baseline.jsonl', 'candidate.jsonl', '--max-drop', 'recall=0.6'], io),
    ).toBe(0);
    expect(
      await main(['compare', 'baseline.jsonl', 'candidate.jsonl', '--json', '--seed', '5'], io),
    ).toBe(0);
    const json = JSON.parse(out().trim().split('\n').at(-1) as string);
    expect(json.metrics[0]).toMatchObject({ name: 'recall', delta: -0.5 });
  });

  it('run loads a config, writes results and gates on its thresholds', async () => {
    const { cwd, io, out, err } = await setUp();
    const config = (floor: number) => `export default {
      name: 'cli',
      cases: [{ id: 'q1', question: 'hello' }, { id: 'q2', question: 'bye' }],
      task: async (c) => ({ answer: c.question }),
      scorers: [({ case: c, output }) => ({ scores: { echoed: output.answer === c.question ? 1 : 0 } })],
      thresholds: { min: { echoed: ${floor} }, max: { errorRate: 0 } },
    };`;
    await writeFile(join(cwd, 'pass.mjs'), config(1));
    await writeFile(join(cwd, 'fail.mjs'), config(1.5));
    expect(await main(['run', 'pass.mjs', '--out', 'results.jsonl'], io)).toBe(0);
    expect(out()).toContain('All thresholds met.');
    expect(err()).toContain('[2/2] cli  0 failed');
    expect(await main(['run', 'fail.mjs'], io)).toBe(1);
    expect(out()).toContain('echoed 1.000 is below 1.5');
  });

  it('--html writes the report of a comparison or of a run, stdout unchanged', async () => {
    const { cwd, io, out, err } = await setUp();
    expect(
      await main(
        ['compare', 'baseline.jsonl', 'candidate.jsonl', '--json', '--html', 'cmp.html'],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(out()).metrics[0]).toMatchObject({ name: 'recall', delta: -0.5 });
    expect(err()).toContain(`report written to ${join(cwd, 'cmp.html')}`);
    const comparison = await readFile(join(cwd, 'cmp.html'), 'utf8');
    expect(comparison).toContain('<g class="down" data-metric="recall">');
    expect(comparison.match(/<article/g)).toHaveLength(3);
    await writeFile(
      join(cwd, 'run.mjs'),
      `export default { name: 'cli', cases: [{ id: 'q1', question: '<b>hi</b>' }], task: async (c) => ({ answer: c.question }) };`,
    );
    expect(await main(['run', 'run.mjs', '--html', 'run.html'], io)).toBe(0);
    const run = await readFile(join(cwd, 'run.html'), 'utf8');
    expect(run).toContain('<p class="question">&lt;b&gt;hi&lt;/b&gt;</p>');
    expect(run).toContain('data-gate="pass"');
  });

  it('exits 2 on a usage error', async () => {
    const { io, err } = await setUp();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(await main(['compare', 'only-one.jsonl'], io)).toBe(2);
    expect(await main(['compare', 'a', 'b', '--min', 'recall'], io)).toBe(2);
    expect(err()).toContain('--min takes name=number');
  });
});
