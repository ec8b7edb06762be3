import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalEmbedder, createRetriever } from '@keel/retrieval';
import { afterEach, expect, it } from 'vitest';
import { uploadId } from '../src/ingest-plan';
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

it("keeps the users' uploads of an index it drops, indexing them again at once", async () => {
  const directory = mkdtempSync(join(tmpdir(), 'docs-chat-upgrade-'));
  directories.push(directory);
  const earlier = await openKnowledge(directory);
  await earlier.ingest([FIXTURE_CORPUS]);
  const notes = uploadId('uma', 'otters.md');
  const text = `# Otters\n\n${'Otters hold paws while they sleep, so none drifts away. '.repeat(40)}\n`;
  const limits = { maxDocuments: 5, maxBytes: 1e6 };
  await earlier.upload([{ id: notes, text, format: 'markdown' }], { tenant: 'uma', limits });
  const before = await earlier.document(notes, 'uma');
  expect(before?.chunks.length).toBeGreaterThan(1);
  // As an upgrade that changed the analyzer finds it: the index refuses to open with the new one.
  const saved = join(directory, 'vectors');
  const generation = join(saved, readFileSync(join(saved, 'CURRENT'), 'utf8').trim());
  const manifest = JSON.parse(readFileSync(join(generation, 'manifest.json'), 'utf8'));
  const companion = JSON.parse(readFileSync(join(generation, 'companion.json'), 'utf8'));
  companion.analyzer.spellingRules = 0;
  const companionText = JSON.stringify(companion);
  writeFileSync(join(generation, 'companion.json'), companionText);
  manifest.companionSha256 = createHash('sha256').update(companionText).digest('hex');
  writeFileSync(join(generation, 'manifest.json'), JSON.stringify(manifest));

  const knowledge = await openKnowledge(directory);
  expect(await knowledge.documentsOf('uma')).toEqual([
    {
      sourceId: notes,
      bytes: Buffer.byteLength(before?.text ?? ''),
      chunks: before?.chunks.length,
    },
  ]);
  expect((await knowledge.document(notes, 'uma'))?.text).toBe(before?.text);
  expect(await knowledge.document(notes, 'ana')).toBeUndefined();
  const hits = await knowledge.search('otters sleep holding paws', { tenant: 'uma' });
  expect(hits.map((hit) => hit.chunk.sourceId)).toContain(notes);
  // The corpus comes back with the next ingest.
  expect((await knowledge.ingest([FIXTURE_CORPUS])).changed).toBeGreaterThan(0);
});
