import type { Store } from '../store.js';

/**
 * The eviction strategy seam: given the store, name the next slot to evict when memory is over `maxmemory`.
 *
 * Why several policies and how they choose. Redis offers eight; we keep its names and its observable
 * behaviour, but not always its method. LRU here is exact, not sampled: the store already keeps every key
 * on one of two intrusive recency lists (keys with a TTL, keys without), so the least recently used key is
 * a list tail, O(1), and `allkeys-lru` compares just two tails. LFU and `volatile-ttl` have no order kept
 * on each access (that would cost a heap update per hit), so they do what Redis does: sample
 * `maxmemory-samples` keys into a small pool of the best candidates seen so far (see eviction-pool.ts)
 * and evict the best; the pool carries good candidates across calls, which makes a handful of samples
 * per eviction close to the true minimum. Random policies pick a random slot, O(1).
 */
export type EvictionPolicyName =
  | 'noeviction'
  | 'allkeys-lru'
  | 'allkeys-lfu'
  | 'allkeys-random'
  | 'volatile-lru'
  | 'volatile-lfu'
  | 'volatile-random'
  | 'volatile-ttl';

export const EVICTION_POLICY_NAMES: readonly EvictionPolicyName[] = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
];

export interface EvictionPolicy {
  readonly name: EvictionPolicyName;
  /** True when the store must bump LFU counters on access (the LFU policies). */
  readonly tracksFrequency: boolean;
  /** The slot to evict next, or -1 when nothing is evictable under this policy. */
  selectVictim(store: Store, samples: number): number;
}

export function isEvictionPolicyName(s: string): s is EvictionPolicyName {
  return (EVICTION_POLICY_NAMES as readonly string[]).includes(s);
}
