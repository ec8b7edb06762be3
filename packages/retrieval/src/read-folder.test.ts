import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFolder } from './read-folder';

const folder = mkdtempSync(join(tmpdir(), 'keel-read-folder-'));
mkdirSync(join(folder, 'guide'));
mkdirSync(join(folder, 'node_modules'));
writeFileSync(join(folder, 'guide', 'start.md'), '# Start\n');
writeFileSync(join(folder, 'notes.txt'), 'notes\n');
writeFileSync(join(folder, 'archive.md.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
writeFileSync(join(folder, 'LICENSE'), 'MIT\n');
writeFileSync(join(folder, '.env'), 'SECRET=1\n');
writeFileSync(join(folder, 'node_modules', 'dep.js'), 'module.exports = 1;\n');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function ids(documents: AsyncIterable<{ id: string }>): Promise<string[]> {
  const seen: string[] = [];
  for await (const document of documents) seen.push(document.id);
  return seen;
}

describe('readFolder', () => {
  it('reads every file but dot-files and node_modules, with ids relative to the folder', async () => {
    expect(await ids(readFolder(folder))).toEqual([
      'LICENSE',
      'archive.md.gz',
      'guide/start.md',
      'notes.txt',
    ]);
  });

  it('tells onSkip each file its extensions leave out, with why', async () => {
    const skipped: Array<{ id: string; reason: string }> = [];
    const read = await ids(
      readFolder(folder, { extensions: ['.md', '.txt'], onSkip: (file) => skipped.push(file) }),
    );
    expect(read).toEqual(['guide/start.md', 'notes.txt']);
    expect(skipped).toEqual([
      { id: 'LICENSE', reason: 'a name with no extension is not one of the types read (.md .txt)' },
      { id: 'archive.md.gz', reason: '.gz is not one of the types read (.md .txt)' },
    ]);
  });
});
