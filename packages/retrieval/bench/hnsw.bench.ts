/**
 * HNSW search through createHnswStore against raw hnswlib-node with the same parameters and
 * ef (KEEL_BENCH_EF, default 64 and 200), on clustered 384-dimensional vectors (KEEL_BENCH_VECTORS, default 100,000): recall@10
 * against exact search, queries per second, and a tenant filter matching 1% of the vectors.
 * The graph is built once by createHnswStore and saved; raw hnswlib-node loads the same file,
 * so both search the identical graph. @keel/retrieval is measured as published (dist/).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { afterAll, bench, describe } from 'vitest';
import { createHnswStore } from '../dist/index.js';
import { clusteredVectors, exactNeighbours, normalised, sizeFromEnv } from './corpora';

const count = sizeFromEnv('KEEL_BENCH_VECTORS', 100_000);
const queriesCount = sizeFromEnv('KEEL_BENCH_QUERIES', 200);
const dim = 384;
const k = 10;
const efs = (process.env.KEEL_BENCH_EF ?? '64,200').split(',').map(Number);
const tenants = 100;
const params = { m: 16, efConstruction: sizeFromEnv('KEEL_BENCH_EF_CONSTRUCTION', 200), seed: 100 };

const all = clusteredVectors(count + queriesCount, dim, 100, 7);
const data = all.slice(0, count);
const queries = all.slice(count);
const unit = normalised(data);
const unitQueries = normalised(queries);

const started = performance.now();
const store = await createHnswStore({ dim, capacity: count, ...params });
const batch = 1000;
for (let from = 0; from < count; from += batch) {
  store.add(
    data.slice(from, from + batch).map((vector, i) => ({
      id: `v${from + i}`,
      vector,
      metadata: { tenant: `t${(from + i) % tenants}` },
    })),
  );
}
const buildSeconds = (performance.now() - started) / 1000;

const directory = await mkdtemp(join(tmpdir(), 'keel-retrieval-bench-'));
await store.save(directory);
const [generation] = (await readdir(directory)).filter((entry) => entry.startsWith('gen-'));
const raw = new hnswlib.HierarchicalNSW('cosine', dim);
await raw.readIndex(join(directory, generation as string, 'index.hnsw'));
await rm(directory, { recursive: true, force: true });

const truth = unitQueries.map((query) => exactNeighbours(unit, query, k));
const tenantOf = (i: number) => i % tenants;
const filteredTruth = unitQueries.map((query, q) =>
  exactNeighbours(unit, query, k, (i) => tenantOf(i) === q % tenants),
);

function recall(found: number[][], expected: number[][]): number {
  let hits = 0;
  let total = 0;
  for (const [q, ids] of expected.entries()) {
    const set = new Set(found[q]);
    hits += ids.filter((id) => set.has(id)).length;
    total += ids.length;
  }
  return hits / total;
}

const tenantFilter = (q: number) => ({ tenant: `t${q % tenants}` });
const lines: string[] = [`build (once, shared): ${buildSeconds.toFixed(1)} s`];
const keelFiltered = queries.map((query, q) =>
  store.search(query, { k, filter: tenantFilter(q) }).map((hit) => Number(hit.id.slice(1))),
);
lines.push(
  `1% tenant filter recall@${k}: keel ${recall(keelFiltered, filteredTruth).toFixed(4)} (fewest results ${Math.min(...keelFiltered.map((ids) => ids.length))})`,
);

let next = 0;
const query = () => queries[next++ % queries.length] as number[];

for (const ef of efs) {
  raw.setEf(ef);
  const rawFound = queries.map((vector) => raw.searchKnn(vector, k).neighbors);
  const keelFound = queries.map((vector) =>
    store.search(vector, { k, ef }).map((hit) => Number(hit.id.slice(1))),
  );
  const rawFiltered = queries.map(
    (vector, q) => raw.searchKnn(vector, k, (label) => tenantOf(label) === q % tenants).neighbors,
  );
  lines.push(
    `ef=${ef} recall@${k}: raw ${recall(rawFound, truth).toFixed(4)}, keel ${recall(keelFound, truth).toFixed(4)}; raw with a 1% filter function ${recall(rawFiltered, filteredTruth).toFixed(4)} (fewest results ${Math.min(...rawFiltered.map((ids) => ids.length))})`,
  );

  describe(`HNSW search, ${count} vectors of ${dim} dimensions, k=${k}, ef=${ef}`, () => {
    bench('raw hnswlib-node searchKnn', () => {
      raw.setEf(ef);
      raw.searchKnn(query(), k);
    });
    bench('@keel/retrieval createHnswStore search', () => {
      store.search(query(), { k, ef });
    });
  });

  describe(`HNSW search with a tenant filter matching 1%, ef=${ef}`, () => {
    bench('raw hnswlib-node searchKnn with a filter function', () => {
      raw.setEf(ef);
      const q = next++;
      raw.searchKnn(
        queries[q % queries.length] as number[],
        k,
        (label) => tenantOf(label) === q % tenants,
      );
    });
    bench('@keel/retrieval createHnswStore search with filter', () => {
      const q = next++;
      store.search(queries[q % queries.length] as number[], { k, ef, filter: tenantFilter(q) });
    });
  });
}

afterAll(() => {
  console.log(lines.join('\n'));
});
