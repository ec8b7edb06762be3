import { vectorStoreContract } from '../test/vector-store-contract';
import { createExactStore } from './exact-store';
import { createHnswStore } from './hnsw-store';

// A small graph and candidate list, so the filtered and short-graph paths are exercised.
vectorStoreContract('createHnswStore', (options) =>
  createHnswStore({ ...options, capacity: 4, m: 4, ef: 4 }),
);
vectorStoreContract('createExactStore', async (options) => createExactStore(options));
