import type { Store } from '../store.js';
import type { EvictionPolicy } from './policy.js';

/** `allkeys-lru` / `volatile-lru`: exact LRU, the tail of the store's recency lists, O(1). */
export class LruPolicy implements EvictionPolicy {
  readonly name: 'allkeys-lru' | 'volatile-lru';
  readonly tracksFrequency = false;
  constructor(private readonly volatileOnly: boolean) {
    this.name = volatileOnly ? 'volatile-lru' : 'allkeys-lru';
  }
  selectVictim(store: Store): number {
    return store.lruTail(this.volatileOnly);
  }
}
