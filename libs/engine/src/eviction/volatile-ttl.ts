import type { Store } from '../store.js';
import { SampledPolicy } from './eviction-pool.js';

/** `volatile-ttl`: evict the sampled key with a TTL that expires soonest. */
export class VolatileTtlPolicy extends SampledPolicy {
  readonly name = 'volatile-ttl' as const;
  readonly tracksFrequency = false;
  constructor() {
    super(true);
  }
  protected score(store: Store, slot: number): number {
    return -store.slotExpireAt(slot);
  }
}
