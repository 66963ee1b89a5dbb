import { createMemoryAnalysisStore } from '../../../src/adapters/store/memory-store.js';
import { describeAnalysisStoreContract } from './store-contract.js';

// One process holds the memory store, so the "other process" is the same instance.
describeAnalysisStoreContract('memory store', async () => {
  const store = createMemoryAnalysisStore();
  return { store, peer: store };
});
