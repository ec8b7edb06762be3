import { InvalidArgumentError, SharedStateUnavailableError } from '@keel/core';
import { stateEngineUrl } from '@keel/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { usePostgresSchema } from '../test/postgres-schema';
import { type Bm25Document, createBm25Index } from './bm25-index';
import { createPostgresTextIndex } from './postgres-text-index';
import type { Metadata } from './types';

const url = stateEngineUrl('DATABASE_URL');
const database = usePostgresSchema(url);

const documents: Bm25Document[] = [
  {
    id: 'keys',
    text: 'Rotate API keys every month from the settings page.',
    metadata: { tenant: 'acme', lang: 'en' },
  },
  {
    id: 'billing',
    text: 'Invoices are emailed monthly; update the billing address in settings.',
    metadata: { tenant: 'acme', lang: 'en' },
  },
  {
    id: 'cles',
    text: 'Changer les clés API chaque mois.',
    metadata: { tenant: 'acme', lang: 'fr' },
  },
  {
    id: 'other',
    text: 'Rotating keys for another tenant: rotate keys weekly.',
    metadata: { tenant: 'globex', tags: ['keys', 'security'] },
  },
  {
    id: 'quota',
    text: 'Rate limits: 60 requests per minute per key.',
    metadata: { tenant: 'acme' },
  },
];

describe.skipIf(!url)('createPostgresTextIndex', () => {
  it('indexes, replaces and removes documents, ranking like BM25 and filtering like every store', async () => {
    const index = createPostgresTextIndex({ sql: database.pool(), table: 'chunk_text' });
    await Promise.all([index.migrate(), index.migrate()]);
    await index.add(documents);
    expect(await index.count()).toBe(5);
    const bm25 = createBm25Index({ stemming: true, stopWords: true });
    bm25.add(documents);
    const top = await index.search('rotating keys', { k: 2 });
    expect(top.map((hit) => hit.id)).toEqual(
      bm25.search('rotating keys', { k: 2 }).map((hit) => hit.id),
    );
    expect(top[0]?.score).toBeGreaterThan(0);
    expect(
      (await index.search('rotate keys', { filter: { tenant: 'acme' } })).map((hit) => hit.id),
    ).toEqual(['keys', 'quota']);
    expect(
      (await index.search('keys', { filter: { tags: 'security' } })).map((hit) => hit.id),
    ).toEqual(['other']);
    const byFunction = await index.search('settings', {
      k: 1,
      filter: (metadata) => metadata.tenant === 'acme' && metadata.lang === 'en',
    });
    expect(byFunction).toHaveLength(1);
    expect(byFunction[0]?.metadata).toMatchObject({ tenant: 'acme' });
    // Any word, as BM25: a question finds the documents holding some of its words.
    // (ts_rank_cd weighs how often and how close the words occur; it knows no corpus statistics.)
    const question = await index.search('how often should I rotate my API key?', { k: 2 });
    expect(question.map((hit) => hit.id).sort()).toEqual(['keys', 'other']);
    expect(await index.search('the of and')).toEqual([]);
    expect(await index.search("it's a back\\slash 'quoted' & | ! <-> (")).toEqual([]);
    // websearch syntax: every word, phrases and exclusions, never a syntax error.
    const websearch = createPostgresTextIndex({
      sql: database.pool(),
      table: 'chunk_text',
      syntax: 'websearch',
    });
    expect(await websearch.search('how often should I rotate my API key?')).toEqual([]);
    expect((await websearch.search('"billing address" -invoice')).map((hit) => hit.id)).toEqual([]);
    expect((await websearch.search('"billing address"')).map((hit) => hit.id)).toEqual(['billing']);
    expect(await websearch.search('keys AND (( "unbalanced')).toBeInstanceOf(Array);

    await index.add([{ id: 'keys', text: 'Keys never expire.', metadata: { tenant: 'acme' } }]);
    expect(
      (await index.search('rotate', { filter: { tenant: 'acme' } })).map((hit) => hit.id),
    ).toEqual([]);
    expect(await index.remove(['keys', 'missing'])).toBe(1);
    expect(await index.has('keys')).toBe(false);
    expect(await index.has('quota')).toBe(true);
    expect(await index.count()).toBe(4);
  });

  it('finds code identifiers by name and by their words, as the retriever BM25 does', async () => {
    const corpus: Bm25Document[] = [
      { id: 'tokens', text: 'createRedisBudget shares a limit; it throws BudgetExceededError.' },
      { id: 'llm', text: 'Set max_tokens and read keel.cost_usd from the span.' },
      { id: 'other', text: 'A cache of answers in Redis.' },
    ];
    const index = createPostgresTextIndex({ sql: database.pool(), table: 'identifier_text' });
    await index.migrate();
    await index.add(corpus);
    const bm25 = createBm25Index({ stemming: true, stopWords: true, identifiers: true });
    bm25.add(corpus);
    for (const query of [
      'What does createRedisBudget do?',
      'create budget',
      'when is the budget exceeded error thrown',
      'max tokens',
      'cost usd',
    ]) {
      const [top] = await index.search(query, { k: 1 });
      expect([query, top?.id]).toEqual([query, bm25.search(query, { k: 1 })[0]?.id]);
    }
    const plain = createPostgresTextIndex({
      sql: database.pool(),
      table: 'plain_text',
      identifiers: false,
    });
    await plain.migrate();
    await plain.add(corpus);
    expect(await plain.search('create budget')).toEqual([]);
  });

  it('with spelling, finds a British page by American words, and the other way round', async () => {
    const corpus: Bm25Document[] = [
      { id: 'usage', text: 'Provider usage is normalised by normaliseUsage.' },
      { id: 'colors', text: 'The dashboard color scheme and its behavior.' },
      { id: 'other', text: 'A cache of answers in Redis.' },
    ];
    const index = createPostgresTextIndex({
      sql: database.pool(),
      table: 'spelled_text',
      spelling: true,
    });
    await index.migrate();
    await index.add(corpus);
    const top = async (query: string) => (await index.search(query, { k: 1 }))[0]?.id;
    expect(await top('normalized')).toBe('usage');
    expect(await top('normalize usage')).toBe('usage');
    expect(await top('colour behaviour')).toBe('colors');
    const plain = createPostgresTextIndex({ sql: database.pool(), table: 'unspelled_text' });
    await plain.migrate();
    await plain.add(corpus);
    expect(await plain.search('normalized')).toEqual([]);
  });

  it('returns k hits whenever k match, with plain syntax and another language', async () => {
    const index = createPostgresTextIndex({
      sql: database.pool(),
      table: 'many_text',
      language: 'simple',
      syntax: 'plain',
    });
    await index.migrate();
    await index.add(
      Array.from({ length: 600 }, (_, i) => ({
        id: `d${i}`,
        text: `note ${i} about ${i % 3 === 0 ? 'alpha' : 'beta'} topics`,
        metadata: { even: i % 2 === 0 },
      })),
    );
    expect(await index.search('alpha topics', { k: 150 })).toHaveLength(150);
    expect(await index.search('alpha topics', { k: 500 })).toHaveLength(200);
    // 400 beta notes, 200 of them odd: read in pages until k pass, or all of them.
    const oddBeta = (metadata: Metadata) => metadata.even === false;
    expect(await index.search('beta', { k: 150, filter: oddBeta })).toHaveLength(150);
    const odd = await index.search('beta', { k: 250, filter: oddBeta });
    expect(odd).toHaveLength(200);
    expect(new Set(odd.map((hit) => hit.id)).size).toBe(200);
  });

  it('refuses bad input with typed errors, and an unreachable server without hanging', async () => {
    expect(() => createPostgresTextIndex({ sql: database.pool(), table: 'x y' })).toThrow(
      /table must be/,
    );
    expect(() =>
      createPostgresTextIndex({ sql: database.pool(), table: 't', language: "english'" }),
    ).toThrow(/language must be/);
    expect(() =>
      createPostgresTextIndex({ sql: database.pool(), table: 't', syntax: 'regex' as never }),
    ).toThrow(/syntax must be/);
    expect(() => createPostgresTextIndex({ sql: {} as never, table: 't' })).toThrow(
      /createPostgresTextIndex\(\) needs sql: a pg Pool/,
    );
    await expect(
      createPostgresTextIndex({ sql: database.pool(), table: 't', language: 'klingon' }).migrate(),
    ).rejects.toSatisfy(
      (error) => InvalidArgumentError.isInstance(error) && /klingon/.test(error.message),
    );
    const index = createPostgresTextIndex({ sql: database.pool(), table: 'chunk_text' });
    await expect(index.add([{ id: '', text: 'x' }])).rejects.toThrow(InvalidArgumentError);
    await expect(index.add([{ id: 'a', text: 42 as never }])).rejects.toThrow(/must be a string/);
    await expect(index.search('x', { k: 0 })).rejects.toThrow(/k must be/);
    await expect(index.search('x', { filter: { a: { b: 1 } } as never })).rejects.toThrow(
      InvalidArgumentError,
    );
    const unreachable = new pg.Pool({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      connectionTimeoutMillis: 2_000,
    });
    try {
      const offline = createPostgresTextIndex({ sql: unreachable, table: 'chunk_text' });
      for (const call of [
        () => offline.search('keys'),
        () => offline.add(documents),
        () => offline.migrate(),
      ]) {
        await expect(call()).rejects.toSatisfy(SharedStateUnavailableError.isInstance);
      }
    } finally {
      await unreachable.end();
    }
  });
});
