/**
 * Two docs-chat processes on one PostgreSQL and one Redis, answering through a provider (the
 * mock, in this process): what Redis holds is one per deployment, not one per replica. Each
 * test uses its own users; the mock answers each request as the test that sent it says.
 */
import { randomBytes } from 'node:crypto';
import {
  type MockProvider,
  type MockReply,
  startMockProvider,
  stateEngineUrl,
} from '@keel/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, postChat } from './sse-client';
import { type Replicas, startReplicas } from './start-replicas';

const databaseUrl = stateEngineUrl('DATABASE_URL');
const redisUrl = stateEngineUrl('REDIS_URL');

const MAX_TURNS = 2;
const LEASE_MS = 2_000;

/** A request's first user message, where each test puts its tag. */
function tagOf(body: unknown): string {
  return JSON.stringify(body ?? '').match(/tag-[a-z]+-\d+/)?.[0] ?? '';
}

/** Resolves once `check` holds (the mock and the replicas work in the background). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1_200; attempt++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Never happened: ${what}`);
}

describe.skipIf(!databaseUrl || !redisUrl)('replicas sharing Redis', () => {
  const prefix = `keel-test:docs-chat:${randomBytes(6).toString('hex')}:`;
  let run: Replicas;
  let mock: MockProvider;
  let a: string;
  let b: string;
  /** How the mock answers a tag; by default at once. */
  const replies = new Map<string, () => MockReply | Promise<MockReply>>();
  const arrived = (tag: string) => mock.requests.filter((r) => tagOf(r.body) === tag).length;

  beforeAll(async () => {
    mock = await startMockProvider({
      scenario: {
        'openai.chat': (request) =>
          replies.get(tagOf(request.body))?.() ?? { text: 'From the mock.' },
      },
    });
    run = await startReplicas({
      serverUrl: databaseUrl as string,
      env: {
        REDIS_URL: redisUrl as string,
        DOCS_CHAT_REDIS_PREFIX: prefix,
        DOCS_CHAT_PROVIDER: 'openai',
        OPENAI_BASE_URL: mock.openaiBaseURL,
        OPENAI_API_KEY: 'test',
        DOCS_CHAT_RATE_LIMIT_RPM: '3',
        DOCS_CHAT_MAX_OUTPUT_TOKENS: '2000',
        DOCS_CHAT_USER_DAILY_TOKENS: '4500',
        DOCS_CHAT_CONTEXT_TOKENS: '200',
        DOCS_CHAT_MAX_TURNS: String(MAX_TURNS),
        DOCS_CHAT_TURN_LEASE_MS: String(LEASE_MS),
        DOCS_CHAT_TURN_QUEUE_MS: '100000',
      },
    });
    [a, b] = run.replicas.map((replica) => replica.url) as [string, string];
  });

  afterAll(async () => {
    await run?.close();
    await mock?.close();
    const redis = new Redis(redisUrl as string);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('gives a user one request rate, whichever replica each request reaches', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        postChat(i % 2 ? b : a, { message: `What is ef? tag-rate-${i}` }, { userId: 'rate-user' }),
      ),
    );
    // Three a minute: three refused for their rate, though each replica saw three. The three
    // admitted ones share the user's daily budget too, which on a loaded machine may refuse those
    // whose turns overlap another's reservation: that is the budget's verdict, not the rate's.
    const rateLimited = responses.filter((response) => response.error?.code === 'rate_limited');
    expect(rateLimited).toHaveLength(3);
    for (const refused of rateLimited) {
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const admitted = responses.filter((response) => !rateLimited.includes(response));
    expect(admitted.some((response) => response.status === 200)).toBe(true);
    for (const response of admitted) {
      expect(response.status === 200 || response.error?.code === 'budget_exceeded').toBe(true);
    }
  });

  it('gives a user one daily budget: turns running at once on both replicas cannot overspend it', async () => {
    // A turn's first model call holds its worst case (the prompt plus 2,000 output tokens) of
    // the 4,500 a day: one fits at a time. The mock holds the answer until every turn has got its verdict.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tags = ['tag-budget-0', 'tag-budget-1', 'tag-budget-2'];
    for (const tag of tags) replies.set(tag, () => held.then(() => ({ text: 'Held answer.' })));
    // A turn is refused before it streams (429) when the budget it read was already held, or
    // by the reservation of its first call (finish: budget-exceeded) when it read it first.
    const refused: string[] = [];
    const turns = tags.map((tag, i) =>
      postChat(
        i % 2 ? b : a,
        { message: `How are budgets kept? ${tag}` },
        {
          userId: 'budget-user',
          onEvent: (event) => {
            if (event.type === 'finish' && event.outcome === 'budget-exceeded') refused.push(tag);
          },
        },
      ).then((response) => {
        if (response.status === 429) refused.push(tag);
        return response;
      }),
    );
    await until(
      () => tags.reduce((sum, tag) => sum + arrived(tag), 0) + refused.length === tags.length,
      'every turn reached the provider or was refused',
    );
    expect(tags.reduce((sum, tag) => sum + arrived(tag), 0)).toBe(1);
    expect(refused).toHaveLength(2);
    release();
    const done = await Promise.all(turns);
    const finished = done.map((response) =>
      response.status === 429 ? 'budget-exceeded' : ofType(response.events, 'finish')[0]?.outcome,
    );
    expect(finished.sort()).toEqual(['budget-exceeded', 'budget-exceeded', 'stop']);
  });

  it('frees the answering slots of a replica that died, once their leases run out', async () => {
    const doomed = await run.start();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holders = Array.from({ length: MAX_TURNS }, (_, i) => `tag-holder-${i}`);
    for (const tag of holders) replies.set(tag, () => held.then(() => ({ text: 'Never sent.' })));
    const holding = holders.map((tag, i) =>
      postChat(doomed.url, { message: `What is ef? ${tag}` }, { userId: `holder-${i}` }).catch(
        (error: unknown) => error,
      ),
    );
    // Both slots are taken once both turns reach the provider; then the replica crashes.
    await until(
      () => holders.every((tag) => arrived(tag) === 1),
      'the holders reached the provider',
    );
    await doomed.stop('SIGKILL');
    await Promise.all(holding);
    release();
    // A turn on a live replica waits for a slot until the dead replica's leases expire.
    const after = await postChat(a, { message: 'What is ef? tag-after-0' }, { userId: 'after' });
    expect(after.status).toBe(200);
    expect(ofType(after.events, 'finish')[0]).toMatchObject({ outcome: 'stop' });
    expect(arrived('tag-after-0')).toBe(1);
  });

  it('opens one breaker for every replica: failures seen on A keep B off the failing provider', async () => {
    // Failing turns on A (every attempt of every model call a 500; the offline answerer takes
    // over) until one no longer reaches the provider: failures in a row opened the breaker.
    let opened = false;
    for (let i = 0; i < 4 && !opened; i++) {
      replies.set(`tag-fail-${i}`, () => ({ error: { status: 500 } }));
      const turn = await postChat(
        a,
        { message: `What is ef? tag-fail-${i}` },
        { userId: `breaker-${i}` },
      );
      expect(ofType(turn.events, 'finish')[0]).toMatchObject({ answeredBy: 'keel-extractive' });
      opened = arrived(`tag-fail-${i}`) === 0;
    }
    expect(opened).toBe(true);
    const onB = await postChat(b, { message: 'What is ef? tag-open-0' }, { userId: 'breaker-b' });
    // B never called the provider (which answers this tag fine): the shared breaker was open,
    // and the offline answerer took over.
    expect(arrived('tag-open-0')).toBe(0);
    expect(ofType(onB.events, 'finish')[0]).toMatchObject({
      outcome: 'stop',
      answeredBy: 'keel-extractive',
    });
  });
});
