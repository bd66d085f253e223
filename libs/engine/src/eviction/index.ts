/** Eviction policies: the strategy seam, the eight Redis policies and their factory. */
export { EVICTION_POLICY_NAMES, isEvictionPolicyName } from './policy.js';
export type { EvictionPolicy, EvictionPolicyName } from './policy.js';
export { createEvictionPolicy } from './create.js';
export { EVICTION_POOL_SIZE, SampledPolicy } from './eviction-pool.js';
export { LfuPolicy } from './lfu.js';
export { LruPolicy } from './lru.js';
export { NoEvictionPolicy } from './noeviction.js';
export { RandomPolicy } from './random.js';
export { VolatileTtlPolicy } from './volatile-ttl.js';
