import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '@keel/core';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test/temp-dirs';
import { CorruptIndexError } from './corrupt-index-error';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
import { createExactStore } from './exact-store';
import { createHnswStore } from './hnsw-store';
import { saveGeneration } from './index-directory';

function random(seed: number) {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function vectors(count: number, dim: number, seed = 1) {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `v${i}`,
    vector: Array.from({ length: dim }, () => next() - 0.5),
    metadata: { tenant: `t${i % 50}`, even: i % 2 === 0 },
  }));
}

const tempDir = useTempDirs();

describe('createHnswStore', () => {
  it('adds, upserts and deletes by id without a rebuild, growing past its capacity', async () => {
    const store = await createHnswStore({ dim: 8, capacity: 4 });
    const items = vectors(50, 8);
    store.add(items);
    expect(store.size).toBe(50);
    expect(store.search(items[7]?.vector ?? [], { k: 1 })[0]?.id).toBe('v7');
    expect(() => store.add([items[0] as never])).toThrow(/already stored/);

    expect(store.delete(['v7', 'missing'])).toBe(1);
    expect(store.has('v7')).toBe(false);
    expect(store.search(items[7]?.vector ?? [], { k: 5 }).map((hit) => hit.id)).not.toContain('v7');

    // The freed slot is reused, and an upsert replaces the vector and metadata.
    store.upsert([{ id: 'new', vector: items[3]?.vector ?? [], metadata: { tag: 'x' } }]);
    store.upsert([{ id: 'v3', vector: items[9]?.vector ?? [], metadata: { tag: 'moved' } }]);
    expect(store.size).toBe(50);
    const hits = store
      .search(items[9]?.vector ?? [], { k: 2 })
      .map((hit) => hit.id)
      .sort();
    expect(hits).toEqual(['v3', 'v9']);
    expect(store.search(items[3]?.vector ?? [], { k: 1 })[0]).toMatchObject({
      id: 'new',
      metadata: { tag: 'x' },
    });
  });

  it('returns k results under a selective filter and under a broad one', async () => {
    const items = vectors(600, 16);
    const store = await createHnswStore({ dim: 16, m: 4, ef: 4 });
    const exact = createExactStore({ dim: 16 });
    store.add(items);
    exact.add(items);
    const query = items[11]?.vector ?? [];
    const tenant = store.search(query, { k: 10, filter: { tenant: 't3' } });
    expect(tenant).toHaveLength(10);
    expect(tenant.every((hit) => hit.metadata.tenant === 't3')).toBe(true);
    expect(tenant.map((hit) => hit.id)).toEqual(
      exact.search(query, { k: 10, filter: { tenant: 't3' } }).map((hit) => hit.id),
    );
    const broad = store.search(query, { k: 25, filter: (metadata) => metadata.even === true });
    expect(broad).toHaveLength(25);
    expect(broad.every((hit) => hit.metadata.even === true)).toBe(true);
    expect(store.search(query, { k: 10, filter: { tenant: 'nobody' } })).toEqual([]);
    // Fewer matches than k: all of them.
    store.upsert([{ id: 'lonely', vector: query, metadata: { tenant: 'solo' } }]);
    expect(store.search(query, { k: 10, filter: { tenant: 'solo' } }).map((hit) => hit.id)).toEqual(
      ['lonely'],
    );
    // The value index follows upserts, deletes and array fields.
    store.upsert([
      { id: 'lonely', vector: query, metadata: { tenant: 'moved', tags: ['a', 'b'] } },
    ]);
    expect(store.search(query, { k: 10, filter: { tenant: 'solo' } })).toEqual([]);
    expect(
      store.search(query, { k: 10, filter: { tags: 'b', tenant: ['x', 'moved'] } }),
    ).toHaveLength(1);
    store.delete(['lonely']);
    expect(store.search(query, { k: 10, filter: { tags: 'b' } })).toEqual([]);
    expect(() => store.search(query, { k: 10, ef: 0 })).toThrow(/ef must be/);
  });

  it('rejects wrong dimensions, NaN vectors and bad ids before changing anything', async () => {
    const store = await createHnswStore({ dim: 4 });
    expect(() => store.add([{ id: 'a', vector: [1, 2, 3] }])).toThrow(DimensionMismatchError);
    expect(() =>
      store.add([
        { id: 'a', vector: [1, 0, 0, 0] },
        { id: 'b', vector: [1, Number.NaN, 0, 0] },
      ]),
    ).toThrow(/finite numbers/);
    expect(store.size).toBe(0);
    expect(() => store.add([{ id: '', vector: [1, 0, 0, 0] }])).toThrow(InvalidArgumentError);
    expect(() => store.search([1, 0, 0, 0], { k: 0 })).toThrow(/k must be/);
    expect(() => store.search([1, 0], { k: 1 })).toThrow(DimensionMismatchError);
    await expect(createHnswStore({ dim: 0 })).rejects.toThrow(/dim must be/);
    const exact = createExactStore({ dim: 4 });
    for (const bad of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]) {
      const vector = Float32Array.from([1, bad, 0, 0]);
      for (const target of [store, exact]) {
        expect(() => target.upsert([{ id: 'c', vector }])).toThrow(InvalidArgumentError);
        expect(() => target.search(vector)).toThrow(/finite numbers/);
        expect(target.size).toBe(0);
      }
    }
    expect(() => exact.add([{ id: 'd', vector: new Float32Array(5) }])).toThrow(
      DimensionMismatchError,
    );
  });

  it('saves atomically and loads with dimension and model checks', async () => {
    const dir = await tempDir();
    const store = await createHnswStore({ dim: 8, path: dir, model: 'local-8' });
    const items = vectors(30, 8);
    store.add(items);
    store.delete(['v2']);
    await store.save();
    const loaded = await createHnswStore({ dim: 8, path: dir, model: 'local-8' });
    expect(loaded.size).toBe(29);
    expect(loaded.model).toBe('local-8');
    expect(loaded.search(items[5]?.vector ?? [], { k: 3, filter: { tenant: 't5' } })[0]?.id).toBe(
      'v5',
    );
    expect(loaded.search(items[5]?.vector ?? [], { k: 1 })[0]).toMatchObject({
      id: 'v5',
      metadata: { tenant: 't5' },
    });
    loaded.add([{ id: 'v2', vector: items[2]?.vector ?? [] }]);
    expect(loaded.search(items[2]?.vector ?? [], { k: 1 })[0]?.id).toBe('v2');

    await expect(createHnswStore({ dim: 16, path: dir })).rejects.toThrow(DimensionMismatchError);
    await expect(
      createHnswStore({ dim: 8, path: dir, model: 'text-embedding-3-small' }),
    ).rejects.toSatisfy(
      (error) => EmbeddingModelMismatchError.isInstance(error) && error.indexModel === 'local-8',
    );
  });

  it('recovers the last complete save after a crash at any step, and the next save cleans up', async () => {
    const dir = await tempDir();
    const other = await tempDir();
    const store = await createHnswStore({ dim: 8, path: dir });
    store.add(vectors(10, 8));
    await store.save();
    const next = await createHnswStore({ dim: 8, path: other });
    next.add(vectors(20, 8, 2));
    await next.save();
    const [generation] = (await readdir(other)).filter((entry) => entry.startsWith('gen-'));
    const copy = (into: string) => cp(join(other, generation as string), into, { recursive: true });
    for (const step of ['mkdir', 'write', 'rename', 'pointer-temp'] as const) {
      await expect(saveGeneration(dir, copy, step)).rejects.toThrow(/simulated crash/);
      expect((await createHnswStore({ dim: 8, path: dir })).size).toBe(10);
    }
    await expect(saveGeneration(dir, copy, 'pointer')).rejects.toThrow(/simulated crash/);
    expect((await createHnswStore({ dim: 8, path: dir })).size).toBe(20);
    store.add(vectors(3, 8, 3).map((item) => ({ ...item, id: `new-${item.id}` })));
    await store.save();
    expect((await readdir(dir)).sort()).toEqual(['CURRENT', 'gen-00000007']);
    expect((await createHnswStore({ dim: 8, path: dir })).size).toBe(13);
  });

  it('serialises concurrent saves of one directory', async () => {
    const dir = await tempDir();
    const items = vectors(40, 8);
    const first = await createHnswStore({ dim: 8, path: dir });
    const second = await createHnswStore({ dim: 8, path: dir });
    first.add(items.slice(0, 20));
    second.add(items.slice(20));
    await Promise.all([first.save(), second.save(), first.save()]);
    const loaded = await createHnswStore({ dim: 8, path: dir });
    expect(loaded.ids().sort()).toEqual(
      items
        .slice(0, 20)
        .map((item) => item.id)
        .sort(),
    );
    expect((await readdir(dir)).sort()).toEqual(['CURRENT', 'gen-00000003']);
  });

  it('writes a consistent snapshot while the store keeps changing during the save', async () => {
    const dir = await tempDir();
    const items = vectors(60, 8);
    const store = await createHnswStore({ dim: 8, path: dir });
    store.add(items.slice(0, 30));
    const saving = store.save();
    let settled = false;
    void saving.finally(() => {
      settled = true;
    });
    for (let i = 30; i < 60 && !settled; i++) {
      store.delete([`v${i - 30}`]);
      store.add([items[i] as (typeof items)[number]]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await saving;
    const loaded = await createHnswStore({ dim: 8, path: dir });
    const all = loaded.search(items[0]?.vector ?? [], { k: 60 });
    expect(all).toHaveLength(loaded.size);
    for (const id of loaded.ids()) {
      const item = items[Number(id.slice(1))] as (typeof items)[number];
      expect(loaded.search(item.vector, { k: 1 })[0]).toMatchObject({
        id,
        metadata: item.metadata,
      });
    }
  });

  it('saves deleted slots so that a loaded store neither returns nor leaks them', async () => {
    const dir = await tempDir();
    const items = vectors(30, 8);
    const store = await createHnswStore({ dim: 8, path: dir });
    store.add(items);
    store.delete(items.slice(0, 10).map((item) => item.id));
    await store.save();
    const loaded = await createHnswStore({ dim: 8, path: dir });
    const hits = loaded.search(items[0]?.vector ?? [], { k: 30 });
    expect(hits).toHaveLength(20);
    expect(hits.every((hit) => typeof hit.id === 'string' && Number(hit.id.slice(1)) >= 10)).toBe(
      true,
    );
    loaded.add([{ id: 'fresh', vector: items[0]?.vector ?? [], metadata: { tenant: 'fresh' } }]);
    expect(loaded.search(items[0]?.vector ?? [], { k: 1 })[0]).toMatchObject({
      id: 'fresh',
      metadata: { tenant: 'fresh' },
    });
    expect(loaded.search(items[0]?.vector ?? [], { k: 5, filter: { tenant: 't0' } })).toEqual([]);
  });

  it('refuses a damaged index with a typed error', async () => {
    const dir = await tempDir();
    const store = await createHnswStore({ dim: 8, path: dir });
    store.add(vectors(10, 8));
    await store.save();
    await writeFile(join(dir, 'gen-00000001', 'index.hnsw'), 'garbage');
    await expect(createHnswStore({ dim: 8, path: dir })).rejects.toSatisfy(
      CorruptIndexError.isInstance,
    );
    await writeFile(join(dir, 'CURRENT'), '../etc');
    await expect(createHnswStore({ dim: 8, path: dir })).rejects.toSatisfy(
      CorruptIndexError.isInstance,
    );
  });
});

describe('createExactStore', () => {
  it('finds exact neighbours, filters, and deletes by swapping', () => {
    const store = createExactStore({ dim: 3, space: 'l2' });
    store.add([
      { id: 'a', vector: [0, 0, 0], metadata: { lang: 'en' } },
      { id: 'b', vector: [1, 0, 0], metadata: { lang: 'fr' } },
      { id: 'c', vector: [2, 0, 0], metadata: { lang: 'en' } },
    ]);
    expect(store.search([0.9, 0, 0], { k: 2 }).map((hit) => hit.id)).toEqual(['b', 'a']);
    expect(
      store.search([0.9, 0, 0], { k: 2, filter: { lang: 'en' } }).map((hit) => hit.id),
    ).toEqual(['a', 'c']);
    expect(store.delete(['a'])).toBe(1);
    expect(store.ids().sort()).toEqual(['b', 'c']);
    expect(store.search([0, 0, 0], { k: 5 }).map((hit) => hit.id)).toEqual(['b', 'c']);
    expect(store.search([0, 0, 0], { k: 1 })[0]?.score).toBeCloseTo(-1);
  });
});
