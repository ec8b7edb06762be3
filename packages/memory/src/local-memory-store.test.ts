import { memoryStoreContract } from '../test/memory-store-contract';
import { createLocalMemoryStore } from './local-memory-store';

memoryStoreContract('createLocalMemoryStore', async () => createLocalMemoryStore());
