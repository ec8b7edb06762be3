/**
 * The README's quick start, read from README.md and run against the source, so a README change
 * that breaks it fails here. Its output is captured instead of written to stdout.
 */
import { readFileSync } from 'node:fs';
import { readmeExample, runExample } from '@keel/readme-examples';
import { describe, expect, it } from 'vitest';
import * as evals from '../src/index';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README examples', () => {
  it('the quick start: the candidate loses groundedness and misses its threshold', async () => {
    let printed = '';
    const process = { stdout: { write: (text: string) => (printed += text) } };
    const { comparison } = (await runExample(readmeExample(readme, 'quick-start'), {
      modules: { '@keel/evals': evals },
      scope: { process },
    })) as { comparison: evals.Comparison };
    expect(comparison.metrics.find((m) => m.name === 'groundedness')).toMatchObject({
      baseline: 1,
      candidate: 0.5,
      delta: -0.5,
    });
    expect(comparison.missed).toEqual(['groundedness fell by 0.500, more than 0.05']);
    expect(printed).toContain('Thresholds missed:');
  });
});
