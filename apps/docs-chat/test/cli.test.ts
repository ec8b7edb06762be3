import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_CORPUS, startTestApp } from './start-test-app';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'bin', 'docs-chat.js');
const dataDir = mkdtempSync(join(tmpdir(), 'docs-chat-cli-'));
const env = {
  PATH: process.env.PATH ?? '',
  DOCS_CHAT_DATA_DIR: dataDir,
  DOCS_CHAT_CORPUS: FIXTURE_CORPUS,
  DOCS_CHAT_OFFLINE_PACE_MS: '0',
};

async function cli(args: string[], extra: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', [CLI, ...args], { env: { ...env, ...extra } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('docs-chat CLI', () => {
  it('ingest shows progress and counts, then embeds nothing when nothing changed', async () => {
    const first = await cli(['ingest', FIXTURE_CORPUS]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/\[#+\] 4\/4 changed files · \d+ chunks · \d+ chunks\/s/);
    expect(first.stderr).toMatch(/checked 4 files: 4 embedded, 0 unchanged, 0 removed, 0 skipped/);
    // Nothing changed: no "0/0" bar, and no claim that anything was indexed.
    const again = await cli(['ingest', FIXTURE_CORPUS]);
    expect(again.stderr).not.toMatch(/files ·|indexed|checked/);
    expect(again.stderr).toMatch(
      /^index up to date: 4 files unchanged since the last ingest; 4 documents, \d+ chunks in the index$/m,
    );
  });

  it('ingest names each file of a folder it leaves out, with why', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'docs-chat-skip-'));
    try {
      writeFileSync(join(folder, 'guide.md'), '# Guide\n\nThe guide explains the setup.\n');
      writeFileSync(join(folder, 'archive.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
      const { code, stderr } = await cli(['ingest', folder], {
        DOCS_CHAT_DATA_DIR: join(dataDir, 'skip'),
      });
      expect(code).toBe(0);
      expect(stderr).toMatch(/1 embedded, 0 unchanged, 0 removed, 1 skipped/);
      expect(stderr).toMatch(/skipped [^\n]*archive\.gz: \.gz is not one of the types read/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('ingest sends the files to the server that holds the data directory, naming each skipped one', async () => {
    const server = await startTestApp();
    const folder = mkdtempSync(join(tmpdir(), 'docs-chat-remote-'));
    try {
      writeFileSync(join(folder, 'quokka.md'), '# Quokkas\n\nQuokkas smile for the camera.\n');
      writeFileSync(join(folder, 'archive.md'), gzipSync('hidden words'));
      const { code, stderr } = await cli(['ingest', '--user', 'ana', folder], {
        DOCS_CHAT_DATA_DIR: server.dataDir,
        DOCS_CHAT_PORT: new URL(server.url).port,
      });
      expect(code).toBe(0);
      expect(stderr).toContain('is in use by a running docs-chat');
      expect(stderr).toMatch(/^read quokka\.md \(markdown\) as uploads\/ana\/quokka\.md$/m);
      expect(stderr).toMatch(/^skipped archive\.md: the content is gzip, whatever its name says/m);
      expect(stderr).toMatch(/^1 added, 0 unchanged, 1 skipped; you have 1 documents$/m);
      expect(await server.app.knowledge.documentsOf('ana')).toMatchObject([
        { sourceId: 'uploads/ana/quokka.md' },
      ]);
    } finally {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('ask streams a cited answer, lists sources and prints one usage line', async () => {
    const { code, stdout, stderr } = await cli(['ask', 'What does the ef parameter control?']);
    expect(code).toBe(0);
    expect(stderr).toContain('offline mode: extractive answers');
    expect(stdout).toMatch(
      /ef controls the trade-off between search speed and recall\. \[corpus\/notes\.txt#0\]/,
    );
    expect(stdout).toMatch(/Sources:\n {2}\[corpus\/notes\.txt#0\] corpus\/notes\.txt:1-2/);
    expect(stderr).toMatch(
      /offline mode · keel-extractive · [\d,]+ in \/ [\d,]+ out tokens · \$0\.0000 · [\d.]+ s/,
    );
  });

  it('eval prints the retrieval metrics table and answer checks', async () => {
    const golden = join(dataDir, 'golden.jsonl');
    writeFileSync(
      golden,
      [
        {
          id: 'ef',
          query: 'What does ef control in HNSW?',
          relevant: ['corpus/notes.txt'],
          answerIncludes: ['recall'],
        },
        {
          id: 'cancel',
          query: 'What happens when I press cancel?',
          relevant: ['corpus/guide/streaming.md'],
          answerIncludes: ['aborts'],
        },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n'),
    );
    const { code, stdout } = await cli(['eval', golden]);
    expect(stdout).toMatch(/recall/i);
    expect(stdout).toMatch(/pass {2}ef/);
    expect(stdout).toMatch(/2\/2 answers passed/);
    expect(code).toBe(0);
  });

  it('says what is wrong with the configuration or the command, with exit code 2', async () => {
    const bad = await cli(['serve'], { DOCS_CHAT_PORT: 'abc', DOCS_CHAT_PROVIDER: 'openai' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /Invalid configuration \(see \.env\.example\):\n {2}- DOCS_CHAT_PORT/,
    );
    expect((await cli(['ask'])).stderr).toContain('ask needs a question');
    expect((await cli(['frobnicate'])).code).toBe(2);
  });
});
