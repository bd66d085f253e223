import type { Store } from '../store.js';
import type { EvictionPolicy } from './policy.js';

/** `allkeys-random` / `volatile-random`: a uniformly random slot, O(1) expected. */
export class RandomPolicy implements EvictionPolicy {
  readonly name: 'allkeys-random' | 'volatile-random';
  readonly tracksFrequency = false;
  constructor(private readonly volatileOnly: boolean) {
    this.name = volatileOnly ? 'volatile-random' : 'allkeys-random';
  }
  selectVictim(store: Store): number {
    return store.randomEvictableSlot(this.volatileOnly);
  }
}
