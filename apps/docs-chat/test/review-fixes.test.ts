/**
 * Regression tests for bugs found in review: usage totals after an approval, malformed
 * conversation ids in the URL, a document that turns unreadable on re-ingest, and closing the
 * app while a turn streams.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ofType, postChat } from './sse-client';
import { FIXTURE_CORPUS, useTestApps } from './start-test-app';

const start = useTestApps();

describe('review fixes', () => {
  it('reports the conversation usage once after an approval, as stored', async () => {
    const { url, app } = await start();
    const held = await postChat(url, { message: 'Save a note: usage once' });
    const conversationId = (held.events[0] as { conversationId: string }).conversationId;
    const token = ofType(held.events, 'tool').find((e) => e.status === 'pending-approval')?.approval
      ?.token as string;
    const approved = await postChat(url, {
      conversationId,
      approvals: [{ token, approved: true }],
    });
    expect(approved.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const view = await app.conversations.view(conversationId, 'alice');
    expect(ofType(approved.events, 'usage').at(-1)?.conversation).toEqual(view?.usage);
  });

  it('answers 404, not 500, to a conversation id that is not valid percent-encoding', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/api/conversations/%E0%A4%A`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('drops the earlier chunks of a document that is no longer readable', async () => {
    const corpus = mkdtempSync(join(tmpdir(), 'docs-chat-corpus-'));
    cpSync(FIXTURE_CORPUS, corpus, { recursive: true });
    try {
      const { app } = await start({ env: { DOCS_CHAT_CORPUS: corpus }, listen: false });
      const id = (await app.knowledge.sourceIds()).find((sourceId) =>
        sourceId.endsWith('notes.txt'),
      );
      expect(id).toBeDefined();
      expect((await app.knowledge.document(id as string))?.chunks.length).toBeGreaterThan(0);
      writeFileSync(join(corpus, 'notes.txt'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0, 0, 3]));
      const report = await app.ingestCorpus();
      expect(report.skipped.map((entry) => entry.id)).toEqual([id]);
      expect(await app.knowledge.sourceIds()).not.toContain(id);
      expect(await app.knowledge.document(id as string)).toBeUndefined();
      const hits = await app.knowledge.search('notes', { k: 10 });
      expect(hits.map((hit) => hit.chunk.sourceId)).not.toContain(id);
    } finally {
      rmSync(corpus, { recursive: true, force: true });
    }
  });

  it('closing the app mid-answer records the turn as cancelled, with its ledger rows', async () => {
    const first = await start({ env: { DOCS_CHAT_OFFLINE_PACE_MS: '40' }, keepData: true });
    let conversationId = '';
    let texts = 0;
    let closing: Promise<void> | undefined;
    await postChat(
      first.url,
      { message: 'How does hybrid search rank chunks?' },
      {
        onEvent(event) {
          if (event.type === 'meta') conversationId = event.conversationId;
          if (event.type === 'text' && ++texts === 3) closing = first.app.close();
        },
      },
    ).catch(() => {});
    await closing;
    const second = await start({ dataDir: first.dataDir });
    const view = await second.app.conversations.view(conversationId, 'alice');
    expect(view?.turns[1]?.outcome).toBe('cancelled');
    expect((await second.app.ledger.report()).byUser.alice?.calls).toBe(2);
  });
});
