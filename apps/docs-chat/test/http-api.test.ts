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

const get = async (path: string, userId = 'alice') => {
  const response = await fetch(`${test.url}${path}`, { headers: { 'x-user-id': userId } });
  return { status: response.status, headers: response.headers, text: await response.text() };
};

describe('POST /api/chat', () => {
  it('streams a cited offline answer in order: meta, tool status, text, citations, usage, finish', async () => {
    const { status, headers, events } = await postChat(test.url, {
      message: 'How does hybrid search rank chunks?',
    });
    expect(status).toBe(200);
    expect(headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(events[0]).toMatchObject({ type: 'meta', mode: 'offline', model: 'keel-extractive' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    expect(ofType(events, 'tool').map((event) => event.summary)).toEqual([
      'search_docs: running',
      expect.stringMatching(/^search_docs: \d+ results$/),
    ]);
    const text = textOf(events);
    expect(text).toContain('offline mode');
    expect(text).toContain('reciprocal rank fusion');
    const [citations] = ofType(events, 'citations');
    const cited = citations?.citations.find((c) => c.sourceId === 'corpus/guide/retrieval.md');
    expect(cited?.text).toContain('reciprocal rank fusion');
    expect(text).toContain(`[${cited?.citationId}]`);
    const usage = ofType(events, 'usage').at(-1);
    expect(usage?.turn.inputTokens).toBeGreaterThan(50);
    expect(usage?.turn.outputTokens).toBeGreaterThan(5);
    expect(usage?.turn.costUsd).toBe(0);
  });

  it('keeps the conversation: turns, usage totals, and history sent with the next question', async () => {
    const first = await postChat(test.url, { message: 'What does a budget cap?' });
    const conversationId = (first.events[0] as { conversationId: string }).conversationId;
    const second = await postChat(test.url, { message: 'And the ledger?', conversationId });
    expect(second.events[0]).toMatchObject({ conversationId });
    const view = JSON.parse((await get(`/api/conversations/${conversationId}`)).text);
    expect(view.turns.map((t: { seq: number; role: string }) => `${t.seq}:${t.role}`)).toEqual([
      '1:user',
      '2:assistant',
      '3:user',
      '4:assistant',
    ]);
    expect(view.turns[3].outcome).toBe('stop');
    expect(view.turns[3].text).toBe(textOf(second.events));
    const lastUsage = ofType(second.events, 'usage').at(-1);
    expect(view.usage).toEqual(lastUsage?.conversation);
    expect(view.usage.inputTokens).toBe(
      view.turns[1].usage.inputTokens + view.turns[3].usage.inputTokens,
    );
    // Another user cannot read it, and cannot tell it exists.
    expect((await get(`/api/conversations/${conversationId}`, 'mallory')).status).toBe(404);
    const refused = await postChat(
      test.url,
      { message: 'hi', conversationId },
      { userId: 'mallory' },
    );
    expect(refused.status).toBe(404);
    expect(refused.error?.code).toBe('not_found');
  });

  it('runs concurrent turns of one conversation one after another, never interleaved', async () => {
    const first = await postChat(test.url, { message: 'What is ef?' }, { userId: 'carol' });
    const conversationId = (first.events[0] as { conversationId: string }).conversationId;
    const questions = ['budgets', 'streaming', 'retrieval', 'ledger', 'cancel', 'fence'];
    const answers = await Promise.all(
      questions.map((q) =>
        postChat(test.url, { message: `Tell me about ${q}`, conversationId }, { userId: 'carol' }),
      ),
    );
    for (const answer of answers)
      expect(answer.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'stop' });
    const view = JSON.parse((await get(`/api/conversations/${conversationId}`, 'carol')).text);
    expect(view.turns).toHaveLength(2 + 2 * questions.length);
    view.turns.forEach((turn: { seq: number; role: string; turnId: string }, index: number) => {
      expect(turn.seq).toBe(index + 1);
      expect(turn.role).toBe(index % 2 === 0 ? 'user' : 'assistant');
      if (index % 2 === 1) expect(turn.turnId).toBe(view.turns[index - 1].turnId);
    });
    const asked = view.turns
      .filter((t: { role: string }) => t.role === 'user')
      .map((t: { text: string }) => t.text);
    expect(asked.slice(1).sort()).toEqual(questions.map((q) => `Tell me about ${q}`).sort());
  });

  it('holds save_note for approval, runs it once when approved, and not when denied', async () => {
    const held = await postChat(
      test.url,
      { message: 'Save a note: check the HNSW ef setting' },
      { userId: 'dave' },
    );
    expect(held.events.at(-1)).toMatchObject({ type: 'finish', outcome: 'pending-approval' });
    const pending = ofType(held.events, 'tool').find((e) => e.status === 'pending-approval');
    // The turn says in words what waits, after the tool line that offers the decision.
    const waitingText =
      'The note "check the HNSW ef setting" waits for your approval: approve it to save it, or deny it.';
    expect(textOf(held.events)).toBe(waitingText);
    const said = held.events.findIndex((e) => e.type === 'text');
    expect(said).toBeGreaterThan(held.events.indexOf(pending as (typeof held.events)[number]));
    expect(pending?.approval?.input).toEqual({
      title: 'check the HNSW ef setting',
      body: 'check the HNSW ef setting',
    });
    const conversationId = (held.events[0] as { conversationId: string }).conversationId;
    const token = pending?.approval?.token as string;
    // A page reloaded now can still offer the decision.
    const waiting = JSON.parse((await get(`/api/conversations/${conversationId}`, 'dave')).text);
    expect(waiting.turns[1]).toMatchObject({
      text: waitingText,
      outcome: 'pending-approval',
      pendingApprovals: [{ token, toolName: 'save_note', input: pending?.approval?.input }],
      tools: [{ toolName: 'save_note', status: 'pending-approval' }],
    });
    const approved = await postChat(
      test.url,
      { conversationId, approvals: [{ token, approved: true }] },
      { userId: 'dave' },
    );
    expect(ofType(approved.events, 'tool').map((e) => e.summary)).toEqual([
      'save_note: running',
      expect.stringMatching(/^save_note: saved note #\d+$/),
    ]);
    // The answer continues the turn in a new paragraph; the stored turn reads as one.
    expect(textOf(approved.events)).toBe('\n\nSaved the note "check the HNSW ef setting".');
    const done = JSON.parse((await get(`/api/conversations/${conversationId}`, 'dave')).text);
    expect(done.turns[1].text).toBe(
      `${waitingText}\n\nSaved the note "check the HNSW ef setting".`,
    );
    expect(await test.app.notes.list('dave')).toMatchObject([
      { title: 'check the HNSW ef setting' },
    ]);
    // The same token again: nothing waits any more.
    const replay = await postChat(
      test.url,
      { conversationId, approvals: [{ token, approved: true }] },
      { userId: 'dave' },
    );
    expect(replay.status).toBe(409);
    expect(replay.error?.code).toBe('approval_not_found');
    expect(await test.app.notes.list('dave')).toHaveLength(1);

    const again = await postChat(
      test.url,
      { message: 'Save a note: never', conversationId },
      { userId: 'dave' },
    );
    const second = ofType(again.events, 'tool').find((e) => e.status === 'pending-approval');
    const denied = await postChat(
      test.url,
      {
        conversationId,
        approvals: [{ token: second?.approval?.token, approved: false, reason: 'not now' }],
      },
      { userId: 'dave' },
    );
    expect(ofType(denied.events, 'tool').at(-1)).toMatchObject({ status: 'denied' });
    expect(textOf(again.events)).toBe(
      'The note "never" waits for your approval: approve it to save it, or deny it.',
    );
    expect(textOf(denied.events)).toMatch(
      /^\n\nThe note was not saved: This call was denied: [^\n]*\.$/,
    );
    expect(textOf(denied.events)).not.toContain('retry');
    expect(await test.app.notes.list('dave')).toHaveLength(1);
  });
});

describe('refused requests', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${test.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'erin', ...headers },
      body,
    }).then(async (response) => ({
      status: response.status,
      body: await response.json(),
      headers: response.headers,
    }));

  it.each([
    ['an empty message', '{"message":"   "}', { message: 'must not be empty' }],
    ['no message', '{}', { message: expect.stringContaining('either "message"') }],
    [
      'a message and approvals',
      '{"message":"a","approvals":[{"token":"t","approved":true}]}',
      { message: expect.stringContaining('not both') },
    ],
    [
      'a bad conversation id',
      '{"message":"a","conversationId":"../etc"}',
      { conversationId: expect.stringContaining('conversation id') },
    ],
    [
      'an unknown field',
      '{"message":"a","model":"gpt-5"}',
      { '(body)': expect.stringContaining('model') },
    ],
    ['a number as message', '{"message":42}', { message: expect.stringContaining('string') }],
    ['broken JSON', '{"message":', { '(body)': expect.any(String) }],
    [
      'a message too long',
      JSON.stringify({ message: 'x'.repeat(8_001) }),
      { message: expect.stringContaining('8000') },
    ],
  ])('answers 400 with field errors for %s', async (_, body, fields) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'invalid_request', fields });
  });

  it('answers 400 for a malformed user id, 413 for a large body, 415 for a non-JSON body', async () => {
    const badUser = await post('{"message":"hi"}', { 'x-user-id': 'a b<script>' });
    expect(badUser.status).toBe(400);
    expect(badUser.body.error.fields).toHaveProperty(['headers.x-user-id']);
    const large = await post(JSON.stringify({ message: 'x'.repeat(70_000) }));
    expect(large.status).toBe(413);
    expect(large.body.error.code).toBe('payload_too_large');
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/favicon.ico')).status).toBe(204);
    const wrong = await fetch(`${test.url}/api/chat`);
    expect(wrong.status).toBe(405);
    expect((await wrong.json()).error.code).toBe('method_not_allowed');
  });
});

describe('GET endpoints', () => {
  it('serves /healthz, /metrics, /api/usage and the page with a strict CSP', async () => {
    await postChat(test.url, { message: 'What is streaming?' }, { userId: 'frank' });
    const health = JSON.parse((await get('/healthz')).text);
    expect(health).toMatchObject({ status: 'ok', mode: 'offline', documents: 4 });
    const metrics = (await get('/metrics')).text;
    expect(metrics).toMatch(
      /docs_chat_http_requests_total\{route="\/api\/chat",status="200"\} \d+/,
    );
    expect(metrics).toContain('gen_ai_client_token_usage');
    const usage = JSON.parse((await get('/api/usage')).text);
    expect(usage.byUser.frank.calls).toBeGreaterThanOrEqual(2);
    expect(usage.byFeature.chat.inputTokens).toBeGreaterThan(0);
    expect(usage.byModel['offline:keel-extractive'].costUsd).toBe(0);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).toContain('app.js');
  });

  it('writes one JSON log line per request and per model, tool and retrieval call', async () => {
    const { headers } = await postChat(
      test.url,
      { message: 'What is the ledger?' },
      { userId: 'gina' },
    );
    const traceId = headers.get('x-trace-id');
    const lines = test.logs.map((line) => JSON.parse(line));
    expect(lines.find((l) => l.event === 'http-request' && l.trace_id === traceId)).toMatchObject({
      route: '/api/chat',
      status: 200,
    });
    const spans = test.app.observability.tracer.spanTree(traceId as string);
    expect(spans).toHaveLength(1);
    const names = (function walk(nodes: typeof spans): string[] {
      return nodes.flatMap((node) => [node.span.name, ...walk(node.children)]);
    })(spans);
    expect(names).toEqual(
      expect.arrayContaining([
        'HTTP POST',
        expect.stringMatching(/retriev/),
        expect.stringMatching(/search_docs/),
      ]),
    );
  });
});

describe('the page and what it renders with', () => {
  it('counts a refused /api/chat request under its route, not "unknown"', async () => {
    expect((await fetch(`${test.url}/api/chat`)).status).toBe(405);
    const refused = await fetch(`${test.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-user-id': 'hana' },
      body: 'hello',
    });
    expect(refused.status).toBe(415);
    const metrics = (await get('/metrics')).text;
    expect(metrics).toMatch(
      /docs_chat_http_requests_total\{route="\/api\/chat",status="405"\} \d+/,
    );
    expect(metrics).toMatch(
      /docs_chat_http_requests_total\{route="\/api\/chat",status="415"\} \d+/,
    );
    expect(metrics).not.toMatch(/route="unknown",status="41[35]"/);
  });

  it('serves the allowlist and a question drawn from the corpus at /api/config', async () => {
    const config = await get('/api/config');
    expect(config.status).toBe(200);
    // The fixture corpus has no README: its first document's title.
    expect(JSON.parse(config.text)).toEqual({
      allowedHosts: [],
      placeholder: 'What does “Budgets” cover?',
    });
  });

  it('serves the renderer and its vendor modules as scripts from this origin', async () => {
    for (const path of [
      '/render.js',
      '/vendor/marked.js',
      '/vendor/purify.js',
      '/vendor/highlight.js',
      '/vendor/hljs/core.js',
      '/vendor/hljs/typescript.js',
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(response.text).toMatch(/\bexport\b/);
    }
  });

  it('lets the page load images only from its own origin and the allowed hosts', async () => {
    const page = await get('/');
    expect(page.headers.get('content-security-policy')).toContain("img-src 'self' data:;");
    const allowing = await startTestApp({
      env: { DOCS_CHAT_ALLOWED_HOSTS: 'docs.example.com' },
    });
    try {
      const response = await fetch(`${allowing.url}/`);
      expect(response.headers.get('content-security-policy')).toContain(
        "img-src 'self' data: docs.example.com *.docs.example.com;",
      );
      const config = await (await fetch(`${allowing.url}/api/config`)).json();
      expect(config.allowedHosts).toEqual(['docs.example.com']);
    } finally {
      await allowing.close();
    }
  });
});
