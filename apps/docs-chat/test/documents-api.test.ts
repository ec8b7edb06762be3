import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadEvent } from '../src/document-routes';
import { uploadDocuments } from '../src/upload-client';
import { UploadRefusedError } from '../src/upload-refused-error';
import { makePdf } from './pdf-fixture';
import { ofType, postChat, textOf } from './sse-client';
import { startTestApp, type TestApp } from './start-test-app';

let test: TestApp;

beforeAll(async () => {
  test = await startTestApp({
    env: {
      DOCS_CHAT_UPLOAD_MAX_FILE_BYTES: '4096',
      DOCS_CHAT_UPLOAD_MAX_DOCUMENTS: '3',
      DOCS_CHAT_UPLOAD_QUOTA_BYTES: '6000',
    },
  });
});
afterAll(async () => {
  await test.close();
});

const upload = (userId: string, files: Array<{ name: string; bytes: Uint8Array | string }>) =>
  uploadDocuments({
    url: test.url,
    userId,
    files: files.map(({ name, bytes }) => ({
      name,
      bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
    })),
  });

const done = (events: UploadEvent[]) => {
  const last = events.at(-1);
  if (last?.type !== 'done') throw new Error(`The upload did not finish: ${JSON.stringify(last)}`);
  return last;
};

const listed = async (userId: string) => {
  const response = await fetch(`${test.url}/api/documents`, { headers: { 'x-user-id': userId } });
  return (await response.json()) as { documents: Array<{ sourceId: string; bytes: number }> };
};

const remove = (userId: string, id: string) =>
  fetch(`${test.url}/api/documents/${encodeURIComponent(id)}`, {
    method: 'DELETE',
    headers: { 'x-user-id': userId },
  });

describe('POST /api/documents', () => {
  it('indexes markdown, text, code, HTML and PDF, streaming each file, progress and the result', async () => {
    const events = await upload('uma', [
      { name: 'otters.md', bytes: '# Otters\n\nSea otters hold hands while they sleep.\n' },
      { name: 'notes.txt', bytes: 'Kelp forests shelter the otters from storms.\n' },
      { name: 'count.py', bytes: 'def count_otters(raft):\n    return len(raft)\n' },
      {
        name: 'page.html',
        bytes: '<html><body><h1>Rafts</h1><p>A raft of otters drifts together.</p></body></html>',
      },
      { name: 'report.pdf', bytes: makePdf('Otters crack urchins on their chests.') },
    ]);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(
      events.flatMap((event) => (event.type === 'file' && 'kind' in event ? [event.kind] : [])),
    ).toEqual(['markdown', 'text', 'code', 'html', 'pdf']);
    expect(events.some((event) => event.type === 'progress')).toBe(true);
    const result = done(events);
    // Five files, but the user may hold three: the other two are skipped, each with why.
    expect(result.added).toEqual([
      'uploads/uma/otters.md',
      'uploads/uma/notes.txt',
      'uploads/uma/count.py',
    ]);
    expect(result.skipped).toEqual([
      { name: 'page.html', reason: expect.stringContaining('3 documents, the most allowed') },
      { name: 'report.pdf', reason: expect.stringContaining('3 documents, the most allowed') },
    ]);
    expect((await listed('uma')).documents.map((document) => document.sourceId)).toEqual([
      'uploads/uma/count.py',
      'uploads/uma/notes.txt',
      'uploads/uma/otters.md',
    ]);
    expect((await remove('uma', 'uploads/uma/count.py')).status).toBe(200);
    expect((await remove('uma', 'uploads/uma/notes.txt')).status).toBe(200);
    const more = done(
      await upload('uma', [
        {
          name: 'page.html',
          bytes: '<html><body><h1>Rafts</h1><p>A raft of otters drifts together.</p></body></html>',
        },
        { name: 'report.pdf', bytes: makePdf('Otters crack urchins on their chests.') },
      ]),
    );
    expect(more.added).toEqual(['uploads/uma/page.html', 'uploads/uma/report.pdf']);
    const pdf = await test.app.knowledge.document('uploads/uma/report.pdf', 'uma');
    expect(pdf?.text).toContain('Otters crack urchins on their chests.');
    const html = await test.app.knowledge.document('uploads/uma/page.html', 'uma');
    expect(html?.text).toContain('A raft of otters drifts together.');
    // The same content again is left as it is.
    const again = done(
      await upload('uma', [
        { name: 'report.pdf', bytes: makePdf('Otters crack urchins on their chests.') },
      ]),
    );
    expect(again).toMatchObject({ added: [], unchanged: 1, skipped: [] });
  });

  it('runs nothing a hostile file carries: a PDF with JavaScript, HTML with scripts and handlers', async () => {
    const result = done(
      await upload('hana', [
        {
          name: 'trap.pdf',
          bytes: makePdf('Quarterly walrus census.', {
            javascript: 'globalThis.pwned = true; app.alert(1)',
          }),
        },
        {
          name: 'trap.html',
          bytes: `<!doctype html><html><head><script>globalThis.pwned = true</script>
            <style>body { background: url(https://evil.example/x) }</style></head>
            <body onload="globalThis.pwned = true"><p>Walruses haul out on ice.</p>
            <img src="https://evil.example/leak" onerror="globalThis.pwned = true">
            <iframe src="https://evil.example/"></iframe><a href="javascript:alert(1)">walrus link</a>
            <svg><script>globalThis.pwned = true</script></svg></body></html>`,
        },
      ]),
    );
    expect(result.added).toEqual(['uploads/hana/trap.pdf', 'uploads/hana/trap.html']);
    expect((globalThis as { pwned?: boolean }).pwned).toBeUndefined();
    const pdf = (await test.app.knowledge.document('uploads/hana/trap.pdf', 'hana'))?.text;
    expect(pdf).toContain('Quarterly walrus census.');
    expect(pdf).not.toMatch(/pwned|alert/);
    const html = (await test.app.knowledge.document('uploads/hana/trap.html', 'hana'))?.text;
    expect(html).toContain('Walruses haul out on ice.');
    expect(html).toContain('walrus link');
    expect(html).not.toMatch(/pwned|evil\.example|javascript:|background/);
  });

  it('sniffs the content, not the name: a .md that is binary, a .txt that is gzip, oversize, empty', async () => {
    const result = done(
      await upload('bo', [
        { name: 'readme.md', bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]) },
        { name: 'notes.txt', bytes: gzipSync('hidden text') },
        { name: 'garbage.md', bytes: Buffer.from([0x41, 0x00, 0x42, 0xff, 0xfe]) },
        { name: 'huge.md', bytes: 'x'.repeat(5000) },
        { name: 'empty.md', bytes: '' },
        { name: 'actually.pdf', bytes: '# Plain markdown\n\nNamed like a PDF.\n' },
      ]),
    );
    expect(result.skipped).toEqual([
      {
        name: 'readme.md',
        reason: expect.stringContaining('ELF executable, whatever its name says'),
      },
      { name: 'notes.txt', reason: expect.stringContaining('gzip, whatever its name says') },
      { name: 'garbage.md', reason: expect.stringContaining('binary, not UTF-8 text') },
      { name: 'huge.md', reason: 'it is larger than 4096 bytes (DOCS_CHAT_UPLOAD_MAX_FILE_BYTES)' },
      { name: 'empty.md', reason: 'the file is empty' },
    ]);
    expect(result.added).toEqual(['uploads/bo/actually.pdf']);
  });

  it('holds each user to the byte quota, counting what they already have', async () => {
    const first = done(await upload('quinn', [{ name: 'a.txt', bytes: 'a'.repeat(3500) }]));
    expect(first.added).toEqual(['uploads/quinn/a.txt']);
    const second = done(await upload('quinn', [{ name: 'b.txt', bytes: 'b'.repeat(3500) }]));
    expect(second.added).toEqual([]);
    expect(second.skipped).toEqual([
      {
        name: 'b.txt',
        reason: expect.stringMatching(/7000 bytes of text, over your quota of 6000/),
      },
    ]);
    // Replacing a document counts its new size, not both.
    const replaced = done(await upload('quinn', [{ name: 'a.txt', bytes: 'c'.repeat(3900) }]));
    expect(replaced.added).toEqual(['uploads/quinn/a.txt']);
  });

  it('refuses a request that is not multipart, or from no user', async () => {
    const json = await fetch(`${test.url}/api/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'zed' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    await expect(upload('anonymous', [{ name: 'a.md', bytes: '# A' }])).rejects.toSatisfy(
      (error) => UploadRefusedError.isInstance(error) && error.status === 400,
    );
    const anonymous = await fetch(`${test.url}/api/documents`);
    expect(anonymous.status).toBe(400);
    expect((await fetch(`${test.url}/api/documents`, { method: 'PUT' })).status).toBe(405);
  });
});

describe('tenant isolation', () => {
  it("never lets one user's upload reach another user's answers, search, tools or list", async () => {
    const secret = 'The vault combination is kept under the blue heron statue.';
    done(await upload('alice', [{ name: 'heron.md', bytes: `# Heron vault\n\n${secret}\n` }]));
    const question = { message: 'Where is the vault combination kept, by the blue heron statue?' };

    const own = await postChat(test.url, question, { userId: 'alice' });
    const ownCited = ofType(own.events, 'citations').flatMap((event) => event.citations);
    expect(ownCited.map((cited) => cited.sourceId)).toContain('uploads/alice/heron.md');
    expect(textOf(own.events)).toContain('blue heron statue');

    const other = await postChat(test.url, question, { userId: 'bob' });
    const otherCited = ofType(other.events, 'citations').flatMap((event) => event.citations);
    expect(otherCited.map((cited) => cited.sourceId)).not.toContain('uploads/alice/heron.md');
    expect(textOf(other.events)).not.toContain('heron statue');
    expect(JSON.stringify(other.events)).not.toContain('uploads/alice');

    const hits = await test.app.knowledge.search('vault combination blue heron statue', {
      k: 20,
      tenant: 'bob',
    });
    expect(hits.map((hit) => hit.chunk.sourceId)).not.toContain('uploads/alice/heron.md');
    expect(await test.app.knowledge.document('uploads/alice/heron.md', 'bob')).toBeUndefined();
    expect(await test.app.knowledge.sourceIds()).not.toContain('uploads/alice/heron.md');
    expect((await listed('bob')).documents).toEqual([]);
    // Bob cannot delete it, nor replace it under the same name in his own space.
    expect((await remove('bob', 'uploads/alice/heron.md')).status).toBe(404);
    expect(await test.app.knowledge.document('uploads/alice/heron.md', 'alice')).toBeDefined();
  });
});
