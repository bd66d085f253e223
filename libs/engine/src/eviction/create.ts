import { LfuPolicy } from './lfu.js';
import { LruPolicy } from './lru.js';
import { NoEvictionPolicy } from './noeviction.js';
import type { EvictionPolicy, EvictionPolicyName } from './policy.js';
import { RandomPolicy } from './random.js';
import { VolatileTtlPolicy } from './volatile-ttl.js';

/** A fresh policy instance for a `maxmemory-policy` name (sampled policies carry their own pool). */
export function createEvictionPolicy(name: EvictionPolicyName): EvictionPolicy {
  switch (name) {
    case 'noeviction':
      return new NoEvictionPolicy();
    case 'allkeys-lru':
      return new LruPolicy(false);
    case 'volatile-lru':
      return new LruPolicy(true);
    case 'allkeys-lfu':
      return new LfuPolicy(false);
    case 'volatile-lfu':
      return new LfuPolicy(true);
    case 'allkeys-random':
      return new RandomPolicy(false);
    case 'volatile-random':
      return new RandomPolicy(true);
    case 'volatile-ttl':
      return new VolatileTtlPolicy();
    default:
      throw new RangeError(`unknown eviction policy: ${String(name)}`);
  }
}
