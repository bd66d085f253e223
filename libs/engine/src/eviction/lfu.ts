import type { Store } from '../store.js';
import { SampledPolicy } from './eviction-pool.js';

/** `allkeys-lfu` / `volatile-lfu`: evict the sampled key with the lowest decayed LFU counter. */
export class LfuPolicy extends SampledPolicy {
  readonly name: 'allkeys-lfu' | 'volatile-lfu';
  readonly tracksFrequency = true;
  constructor(volatileOnly: boolean) {
    super(volatileOnly);
    this.name = volatileOnly ? 'volatile-lfu' : 'allkeys-lfu';
  }
  protected score(store: Store, slot: number): number {
    return 255 - store.slotFrequency(slot);
  }
}
