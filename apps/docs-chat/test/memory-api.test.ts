import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, postChat, textOf } from './sse-client';
import { startTestApp, type TestApp } from './start-test-app';

let test: TestApp;

beforeAll(async () => {
  test = await startTestApp();
});
afterAll(async () => {
  await test.close();
});

interface FactView {
  id: string;
  citationId: string;
  subject: string;
  statement: string;
  source: { type: string; conversationId: string; turn: number };
  confidence: number;
  createdAt: string;
}

const listed = async (userId: string) => {
  const response = await fetch(`${test.url}/api/memory`, { headers: { 'x-user-id': userId } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { facts: FactView[] }).facts;
};

const forget = (userId: string, path: string) =>
  fetch(`${test.url}${path}`, { method: 'DELETE', headers: { 'x-user-id': userId } });

/** Tells the app something as `userId`, in a new conversation; returns that conversation's id. */
async function tell(userId: string, message: string): Promise<string> {
  const { events } = await postChat(test.url, { message }, { userId });
  const finish = ofType(events, 'finish')[0];
  expect(finish?.outcome).toBe('stop');
  return ofType(events, 'meta')[0]?.conversationId as string;
}

describe('memory in a turn (offline answerer)', () => {
  it('recalls and cites a fact stated in another conversation, and forgets it when deleted', async () => {
    const stated = await tell('mia', 'My dog is called Biscuit.');
    const [fact] = await listed('mia');
    expect(fact).toMatchObject({
      subject: 'dog',
      statement: "The user's dog is called Biscuit.",
      source: { type: 'turn', conversationId: stated, turn: 0 },
      confidence: 0.6,
    });

    const asked = await postChat(test.url, { message: "What's my dog's name?" }, { userId: 'mia' });
    expect(textOf(asked.events)).toContain(`Biscuit. [memory:${fact?.id}]`);
    const cited = ofType(asked.events, 'citations')[0]?.citations ?? [];
    expect(cited.map((c) => c.citationId)).toContain(`memory:${fact?.id}`);
    expect(cited.find((c) => c.sourceId === 'memory')?.text).toBe(
      "The user's dog is called Biscuit.",
    );

    expect((await forget('mia', `/api/memory/facts/${fact?.id}`)).status).toBe(200);
    expect(await listed('mia')).toEqual([]);
    const again = await postChat(test.url, { message: "What's my dog's name?" }, { userId: 'mia' });
    expect(textOf(again.events)).not.toContain('Biscuit');
    expect(test.app.memory.index.has(fact?.id as string)).toBe(false);
  });
});

describe('the memory routes', () => {
  it("list the caller's facts, refuse another user's fact and forget everything of the caller", async () => {
    await tell('noor', 'I live in Porto. My editor is Helix.');
    await tell('omar', 'My editor is Vim.');
    const noors = await listed('noor');
    expect(noors.map((f) => f.statement).sort()).toEqual([
      'The user lives in Porto.',
      "The user's editor is Helix.",
    ]);
    const [omars] = await listed('omar');

    // Noor cannot forget Omar's fact: the caller's id goes with the fact's.
    const refused = await forget('noor', `/api/memory/facts/${omars?.id}`);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(await listed('omar')).toHaveLength(1);

    const all = await forget('noor', '/api/memory');
    expect(all.status).toBe(200);
    expect(((await all.json()) as { forgotten: { facts: number } }).forgotten.facts).toBe(2);
    expect(await listed('noor')).toEqual([]);
    expect(await listed('omar')).toHaveLength(1);
  });

  it("keep to the app's tenant: a fact of another tenant is neither listed nor forgotten", async () => {
    const other = await test.app.memory.addFact({
      context: { tenantId: 'another-tenant', userId: 'pia' },
      fact: {
        scope: 'user',
        subject: 'cat',
        statement: "The user's cat is called Miso.",
        source: { type: 'turn', conversationId: 'c-other', turn: 0 },
      },
    });
    expect(await listed('pia')).toEqual([]);
    expect((await forget('pia', `/api/memory/facts/${other.fact.id}`)).status).toBe(404);
    expect(await forget('pia', '/api/memory').then((r) => r.json())).toEqual({
      forgotten: { facts: 0, summaries: 0 },
    });
    const kept = await test.app.memory.listFacts({
      context: { tenantId: 'another-tenant', userId: 'pia' },
    });
    expect(kept.map((f) => f.id)).toEqual([other.fact.id]);
  });

  it('refuse a caller without x-user-id', async () => {
    const response = await fetch(`${test.url}/api/memory`);
    expect(response.status).toBe(400);
  });
});
