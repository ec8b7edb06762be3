import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalEmbedder, createRetriever } from '@keel/retrieval';
import { afterEach, expect, it } from 'vitest';
import { openKnowledge } from '../src/knowledge';
import { FIXTURE_CORPUS } from './start-test-app';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

it('an index built by an earlier embedder is dropped and built again, not refused', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'docs-chat-upgrade-'));
  directories.push(directory);
  const earlier = await createRetriever({
    directory,
    embedder: createLocalEmbedder({ identifiers: false }),
  });
  await earlier.ingest([{ id: 'a.md', text: '# A\n\nBudgets cap spend.' }]);
  await earlier.save();

  const knowledge = await openKnowledge(directory);
  expect(await knowledge.count()).toEqual({ documents: 0, chunks: 0 });
  const report = await knowledge.ingest([FIXTURE_CORPUS]);
  expect(report.changed).toBeGreaterThan(0);
  expect((await knowledge.search('budget', { k: 1 })).length).toBe(1);
});
