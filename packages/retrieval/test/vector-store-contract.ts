/**
 * The contract every vector store keeps, in-process or on a server: one suite, run against
 * the HNSW store, the exact store and the pgvector store. Every call is awaited, so a store
 * that throws synchronously and one that rejects are held to the same expectations.
 */
import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { DimensionMismatchError } from '../src/dimension-mismatch-error';
import { createExactStore } from '../src/exact-store';
import type { Filter } from '../src/filter';
import type { Metadata } from '../src/types';
import type { AsyncVectorStore, Space, VectorItem, VectorStore } from '../src/vector-store';

/** Makes an empty store; each call a new one. */
export type StoreFactory = (options: {
  dim: number;
  space?: Space;
}) => Promise<VectorStore | AsyncVectorStore>;

function random(seed: number) {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `count` random vectors with a tenant among 50 and an even flag. */
export function vectors(count: number, dim: number, seed = 1) {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `v${i}`,
    vector: Array.from({ length: dim }, () => next() - 0.5),
    metadata: { tenant: `t${i % 50}`, even: i % 2 === 0 } as Metadata,
  }));
}

async function sizeOf(store: VectorStore | AsyncVectorStore): Promise<number> {
  return 'count' in store ? store.count() : store.size;
}

async function idsOf(
  store: VectorStore | AsyncVectorStore,
  query: readonly number[],
  options: { k: number; filter?: Filter },
) {
  return (await store.search(query, options)).map((hit) => hit.id);
}

/** Registers the contract suite for the stores `create` makes. */
export function vectorStoreContract(name: string, create: StoreFactory): void {
  describe(`${name} (vector store contract)`, () => {
    it('adds, upserts and deletes by id', async () => {
      const store = await create({ dim: 8 });
      const items = vectors(50, 8);
      await store.add(items);
      expect(await sizeOf(store)).toBe(50);
      expect(await idsOf(store, items[7]?.vector ?? [], { k: 1 })).toEqual(['v7']);
      await expect(async () => store.add([items[0] as VectorItem])).rejects.toThrow(
        /already stored/,
      );
      expect(await sizeOf(store)).toBe(50);

      expect(await store.delete(['v7', 'missing'])).toBe(1);
      expect(await store.has('v7')).toBe(false);
      expect(await store.has('v8')).toBe(true);
      expect(await idsOf(store, items[7]?.vector ?? [], { k: 5 })).not.toContain('v7');

      await store.upsert([{ id: 'new', vector: items[3]?.vector ?? [], metadata: { tag: 'x' } }]);
      await store.upsert([
        { id: 'v3', vector: items[9]?.vector ?? [], metadata: { tag: 'moved' } },
      ]);
      expect(await sizeOf(store)).toBe(50);
      expect((await idsOf(store, items[9]?.vector ?? [], { k: 2 })).sort()).toEqual(['v3', 'v9']);
      expect((await store.search(items[3]?.vector ?? [], { k: 1 }))[0]).toMatchObject({
        id: 'new',
        metadata: { tag: 'x' },
      });
      expect((await store.ids()).length).toBe(50);
      expect(await store.ids()).toContain('new');
    });

    it('returns k results under a selective filter and under a broad one', async () => {
      const items = vectors(600, 16);
      const store = await create({ dim: 16 });
      const exact = createExactStore({ dim: 16 });
      await store.add(items);
      exact.add(items);
      const query = items[11]?.vector ?? [];
      const tenant = await store.search(query, { k: 10, filter: { tenant: 't3' } });
      expect(tenant).toHaveLength(10);
      expect(tenant.every((hit) => hit.metadata.tenant === 't3')).toBe(true);
      expect(tenant.map((hit) => hit.id)).toEqual(
        exact.search(query, { k: 10, filter: { tenant: 't3' } }).map((hit) => hit.id),
      );
      const broad = await store.search(query, {
        k: 25,
        filter: (metadata) => metadata.even === true,
      });
      expect(broad).toHaveLength(25);
      expect(broad.every((hit) => hit.metadata.even === true)).toBe(true);
      expect(await store.search(query, { k: 300, filter: { even: false } })).toHaveLength(300);
      expect(await store.search(query, { k: 10, filter: { tenant: 'nobody' } })).toEqual([]);
      // Fewer matches than k: all of them.
      await store.upsert([{ id: 'lonely', vector: query, metadata: { tenant: 'solo' } }]);
      expect(await idsOf(store, query, { k: 10, filter: { tenant: 'solo' } })).toEqual(['lonely']);
      // Filters follow upserts, deletes and array fields.
      await store.upsert([
        { id: 'lonely', vector: query, metadata: { tenant: 'moved', tags: ['a', 'b'] } },
      ]);
      expect(await store.search(query, { k: 10, filter: { tenant: 'solo' } })).toEqual([]);
      expect(
        await store.search(query, { k: 10, filter: { tags: 'b', tenant: ['x', 'moved'] } }),
      ).toHaveLength(1);
      await store.delete(['lonely']);
      expect(await store.search(query, { k: 10, filter: { tags: 'b' } })).toEqual([]);
      expect(await store.search(query, { k: 700 })).toHaveLength(600);
    });

    it('speaks the filter language of compileFilter: arrays, null as missing, several fields', async () => {
      const store = await create({ dim: 2 });
      const exact = createExactStore({ dim: 2 });
      const metadata: Metadata[] = [
        { lang: 'en', tags: ['a', 'b'], year: 2024 },
        { lang: 'fr', tags: ['b'], year: 2023, draft: true },
        { lang: 'en', year: 2023, draft: false },
        { lang: null, tags: [], year: 2024.5 },
        { tags: ['c', null], nested: { lang: 'en' } },
        { lang: 'it"s; drop table x', year: '2024' },
      ];
      const items = metadata.map((entry, i) => ({
        id: `m${i}`,
        vector: [Math.cos(i), Math.sin(i)],
        metadata: entry,
      }));
      await store.add(items);
      exact.add(items);
      const filters: Filter[] = [
        {},
        { lang: 'en' },
        { lang: ['en', 'fr'] },
        { lang: null },
        { lang: [null, 'fr'] },
        { tags: 'b' },
        { tags: null },
        { tags: ['a', 'c'], lang: 'en' },
        { year: 2024 },
        { year: '2024' },
        { year: 2024.5 },
        { draft: false },
        { draft: true, lang: 'fr' },
        { lang: [] },
        { lang: 'it"s; drop table x' },
        { nested: 'en' },
        { missing: null },
      ];
      for (const filter of filters) {
        const expected = exact.search([1, 0], { k: 10, filter }).map((hit) => hit.id);
        expect([filter, (await idsOf(store, [1, 0], { k: 10, filter })).sort()]).toEqual([
          filter,
          expected.sort(),
        ]);
      }
      await expect(async () =>
        store.search([1, 0], { filter: { lang: { $ne: 'en' } } as never }),
      ).rejects.toThrow(InvalidArgumentError);
    });

    it('scores like the exact store in every space, higher is closer', async () => {
      for (const space of ['cosine', 'ip', 'l2'] as const) {
        const store = await create({ dim: 3, space });
        const exact = createExactStore({ dim: 3, space });
        const items = [
          { id: 'a', vector: [0, 0, 1], metadata: { lang: 'en' } },
          { id: 'b', vector: [1, 0, 0], metadata: { lang: 'fr' } },
          { id: 'c', vector: [2, 0.5, 0], metadata: { lang: 'en' } },
        ];
        await store.add(items);
        exact.add(items);
        const hits = await store.search([0.9, 0.1, 0.2], { k: 3 });
        const expected = exact.search([0.9, 0.1, 0.2], { k: 3 });
        expect(hits.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
        for (const [i, hit] of hits.entries()) {
          expect(hit.score).toBeCloseTo(expected[i]?.score as number, 4);
        }
        expect(await idsOf(store, [0.9, 0, 0], { k: 2, filter: { lang: 'en' } })).toEqual(
          exact.search([0.9, 0, 0], { k: 2, filter: { lang: 'en' } }).map((hit) => hit.id),
        );
      }
    });

    it('rejects wrong dimensions, NaN vectors and bad ids before changing anything', async () => {
      const store = await create({ dim: 4 });
      await expect(async () => store.add([{ id: 'a', vector: [1, 2, 3] }])).rejects.toThrow(
        DimensionMismatchError,
      );
      await expect(async () =>
        store.add([
          { id: 'a', vector: [1, 0, 0, 0] },
          { id: 'b', vector: [1, Number.NaN, 0, 0] },
        ]),
      ).rejects.toThrow(/finite numbers/);
      expect(await sizeOf(store)).toBe(0);
      await expect(async () => store.add([{ id: '', vector: [1, 0, 0, 0] }])).rejects.toThrow(
        InvalidArgumentError,
      );
      await expect(async () =>
        store.upsert([
          { id: 'a', vector: [1, 0, 0, 0] },
          { id: 'a', vector: [0, 1, 0, 0] },
        ]),
      ).rejects.toThrow(/appears twice/);
      await expect(async () => store.search([1, 0, 0, 0], { k: 0 })).rejects.toThrow(/k must be/);
      await expect(async () => store.search([1, 0], { k: 1 })).rejects.toThrow(
        DimensionMismatchError,
      );
      for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
        const vector = Float32Array.from([1, bad, 0, 0]);
        await expect(async () => store.upsert([{ id: 'c', vector }])).rejects.toThrow(
          InvalidArgumentError,
        );
        await expect(async () => store.search(vector)).rejects.toThrow(/finite numbers/);
      }
      expect(await sizeOf(store)).toBe(0);
      expect(await store.search([1, 0, 0, 0])).toEqual([]);
    });
  });
}
