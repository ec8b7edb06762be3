import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExactStore } from './exact-store';
import { compileFilter, type Filter } from './filter';
import { planFilteredSearch } from './hnsw-search-plan';
import { createHnswStore } from './hnsw-store';
import type { Metadata } from './types';

const DIM = 4;
const vector = fc.array(fc.float({ min: -1, max: 1, noNaN: true }), {
  minLength: DIM,
  maxLength: DIM,
});
const operation = fc.oneof(
  fc.record({
    kind: fc.constant('upsert' as const),
    id: fc.integer({ min: 0, max: 30 }),
    vector,
    tag: fc.constantFrom('a', 'b', 'c'),
  }),
  fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 30 }) }),
);

describe('HNSW filtered search (property)', () => {
  it('returns min(k, matches) live, matching, current results after any upserts and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(operation, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(undefined, 0, 0.05, 1),
        vector,
        async (operations, k, exactFilterFraction, query) => {
          const store = await createHnswStore({
            dim: DIM,
            capacity: 4,
            m: 4,
            efConstruction: 8,
            ef: 4,
            exactFilterFraction,
          });
          const model = new Map<string, { vector: number[]; metadata: Metadata }>();
          for (const op of operations) {
            const id = `d${op.id}`;
            if (op.kind === 'delete') {
              expect(store.delete([id])).toBe(model.delete(id) ? 1 : 0);
            } else {
              const metadata = { tag: op.tag, id };
              store.upsert([{ id, vector: op.vector, metadata }]);
              model.set(id, { vector: op.vector, metadata });
            }
          }
          expect(store.size).toBe(model.size);
          const tags = ['a', 'b', 'c', 'none'] as const;
          for (const tag of tags) {
            const matching = [...model].filter(([, entry]) => entry.metadata.tag === tag);
            for (const filter of [{ tag }, (metadata: Metadata) => metadata.tag === tag]) {
              const hits = store.search(query, { k, filter });
              expect(hits).toHaveLength(Math.min(k, matching.length));
              expect(new Set(hits.map((hit) => hit.id)).size).toBe(hits.length);
              for (const hit of hits) expect(hit.metadata).toEqual(model.get(hit.id)?.metadata);
            }
          }
          const all = store.search(query, { k });
          expect(all).toHaveLength(Math.min(k, model.size));
          for (const hit of all) expect(hit.metadata).toEqual(model.get(hit.id)?.metadata);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('answers filters matching 0, 1, k-1, k and k+1 vectors with exactly min(k, matches)', async () => {
    const k = 5;
    for (const fraction of [0, 1]) {
      const store = await createHnswStore({ dim: 2, exactFilterFraction: fraction });
      const counts = [0, 1, k - 1, k, k + 1];
      let n = 0;
      for (const count of counts) {
        for (let i = 0; i < count; i++) {
          store.add([
            { id: `x${n}`, vector: [Math.cos(n), Math.sin(n)], metadata: { group: count } },
          ]);
          n++;
        }
      }
      // Filler that no filter matches, then churn so slots are reused.
      for (let i = 0; i < 40; i++) store.add([{ id: `f${i}`, vector: [i, 1], metadata: {} }]);
      store.delete(Array.from({ length: 20 }, (_, i) => `f${i}`));
      store.upsert([{ id: 'x0', vector: [1, 0], metadata: { group: 1 } }]);
      for (const count of counts) {
        const hits = store.search([1, 0], { k, filter: { group: count } });
        expect(hits, `group of ${count}`).toHaveLength(Math.min(k, count));
      }
      expect(store.search([1, 0], { k, filter: { group: 99 } })).toEqual([]);
    }
  });

  it('answers every selectivity band and both sides of the switch point with min(k, matches) near-exact results', async () => {
    const size = 2_000;
    const ef = 64;
    const dim = 8;
    let state = 7;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31 - 0.5;
    };
    const vectors = Array.from({ length: size }, () => Array.from({ length: dim }, next));
    // The first graph-planned match count at this size, k and ef, and the last exact one.
    const k = 10;
    let switchAt = k + 1;
    while (planFilteredSearch({ matches: switchAt, size, k, ef }).strategy === 'exact') switchAt++;
    const side = (n: number) => (n < switchAt - 1 ? 'below' : n < 2 * switchAt - 1 ? 'at' : 'rest');
    const items = vectors.map((vector, n) => ({
      id: `v${n}`,
      vector,
      metadata: {
        tenant: n % 1000,
        org: n % 100,
        region: n % 10,
        plan: n % 2,
        kind: 'doc',
        side: side(n),
      },
    }));
    const store = await createHnswStore({ dim, ef, capacity: size });
    const exact = createExactStore({ dim });
    store.add(items);
    exact.add(items);
    const bands: Array<[string, Filter, number]> = [
      ['0.1%', { tenant: 3 }, 2],
      ['1%', { org: 3 }, 20],
      ['10%', { region: 3 }, 200],
      ['50%', { plan: 1 }, 1_000],
      ['100%', { kind: 'doc' }, size],
      ['last exact', { side: 'below' }, switchAt - 1],
      ['first graph', { side: 'at' }, switchAt],
      ['50% as a function', (metadata) => metadata.plan === 1, 1_000],
      // Two broad fields whose intersection is far smaller than either (or empty).
      ['10% ∩ 50%', { region: 3, plan: 1 }, 200],
      ['10% ∩ 50%, empty', { region: 3, plan: 0 }, 0],
    ];
    for (const [band, filter, matches] of bands) {
      const allowed = compileFilter(filter) as (metadata: Metadata) => boolean;
      let hits = 0;
      let total = 0;
      for (const wanted of [1, 10, 25]) {
        for (let q = 0; q < 10; q++) {
          const query = Array.from({ length: dim }, next);
          const found = store.search(query, { k: wanted, filter });
          const expected = exact.search(query, { k: wanted, filter }).map((hit) => hit.id);
          expect(found, band).toHaveLength(Math.min(wanted, matches));
          const scores = found.map((hit) => hit.score);
          expect(scores, band).toEqual([...scores].sort((a, b) => b - a));
          const ids = new Set(found.map((hit) => hit.id));
          expect(ids.size).toBe(found.length);
          for (const hit of found) expect(allowed(hit.metadata), band).toBe(true);
          hits += expected.filter((id) => ids.has(id)).length;
          total += expected.length;
        }
      }
      if (total > 0) expect(hits / total, band).toBeGreaterThanOrEqual(0.95);
    }
  });

  it('never shows a deleted vector or its metadata through a reused slot', async () => {
    const store = await createHnswStore({ dim: 2, capacity: 2 });
    store.add([
      { id: 'old', vector: [1, 0], metadata: { tenant: 'secret' } },
      { id: 'keep', vector: [0, 1], metadata: { tenant: 'public' } },
    ]);
    store.delete(['old']);
    store.add([{ id: 'new', vector: [-1, 0], metadata: { tenant: 'public' } }]);
    expect(store.search([1, 0], { k: 10, filter: { tenant: 'secret' } })).toEqual([]);
    const hits = store.search([1, 0], { k: 10 });
    expect(hits.map((hit) => hit.id).sort()).toEqual(['keep', 'new']);
    expect(hits.find((hit) => hit.id === 'new')?.metadata).toEqual({ tenant: 'public' });
    expect(hits.find((hit) => hit.id === 'new')?.score).toBeCloseTo(-1);
  });
});

describe('HNSW metadata', () => {
  it('keeps its own frozen copy, so changing the caller’s object cannot stale the filters', async () => {
    const store = await createHnswStore({ dim: 2 });
    const metadata: Metadata = { tenant: 'acme', tags: ['a'] };
    store.add([{ id: 'x', vector: [1, 0], metadata }]);
    metadata.tenant = 'globex';
    expect(store.search([1, 0], { filter: { tenant: 'acme' } }).map((hit) => hit.id)).toEqual([
      'x',
    ]);
    expect(store.search([1, 0], { filter: { tenant: 'globex' } })).toEqual([]);
    const [hit] = store.search([1, 0]);
    expect(() => {
      (hit?.metadata as { tenant: string }).tenant = 'other';
    }).toThrow(TypeError);
    store.delete(['x']);
    expect(store.search([1, 0], { filter: { tenant: 'acme' } })).toEqual([]);
  });
});
