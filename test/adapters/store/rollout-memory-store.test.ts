import { createMemoryRolloutStore } from '../../../src/adapters/store/rollout-memory-store.js';
import { describeRolloutStoreContract } from './rollout-store-contract.js';

// One process holds the memory store, so the "other process" is the same instance.
describeRolloutStoreContract('memory rollout store', async () => {
  const store = createMemoryRolloutStore();
  return { store, peer: store };
});
