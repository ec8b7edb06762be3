/**
 * The README's quick start, read from README.md and run against the source, so a README change
 * that breaks it fails here (the pack check runs it again from the packed tarball).
 */
import { readFileSync } from 'node:fs';
import { readmeExample, runExample } from '@keel/readme-examples';
import { expect, it } from 'vitest';
import * as memory from './index';

it('runs the quick start: the fact recalled, fenced and cited, then forgotten', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const logged: string[] = [];
  const result = await runExample(readmeExample(readme, 'quick-start'), {
    modules: { '@keel/memory': memory },
    scope: { console: { log: (line: string) => logged.push(line) } },
  });
  expect(result.recalled).toHaveLength(1);
  expect(logged[0]).toMatch(
    /source="memory:[\w-]+" mode="fence">\nhome city: The user lives in Lisbon\./,
  );
  expect(logged[0]).toContain('[memory:abc]');
  const { memory: created, context } = result as {
    memory: memory.Memory;
    context: memory.MemoryContext;
  };
  expect(await created.listFacts({ context })).toEqual([]);
});
