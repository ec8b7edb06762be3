import { cp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../test/temp-dirs';
import { vectors } from '../test/vector-store-contract';
import { CorruptIndexError } from './corrupt-index-error';
import { DimensionMismatchError } from './dimension-mismatch-error';
import { EmbeddingModelMismatchError } from './embedding-model-mismatch-error';
import { createHnswStore } from './hnsw-store';
import { saveGeneration } from './index-directory';

const tempDir = useTempDirs();

describe('createHnswStore', () => {
  it('grows past its capacity and checks ef', async () => {
    const store = await createHnswStore({ dim: 8, capacity: 4 });
    const items = vectors(50, 8);
    store.add(items);
    expect(store.size).toBe(50);
    expect(store.search(items[7]?.vector ?? [], { k: 1 })[0]?.id).toBe('v7');
    expect(() => store.search(items[7]?.vector ?? [], { k: 10, ef: 0 })).toThrow(/ef must be/);
    await expect(createHnswStore({ dim: 0 })).rejects.toThrow(/dim must be/);
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
