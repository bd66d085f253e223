/** Public API of the Nest-native cluster client: RingCacheClient, its options, its slot table and RingCacheModule. */
export { RingCacheClient } from './ring-cache-client.js';
export type { SetOptions, TopologyListener } from './ring-cache-client.js';
export { TOPOLOGY_CHANNEL, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_REDIRECTIONS, DEFAULT_TOPOLOGY_REFRESH_MS, parseSeed } from './client-options.js';
export type { RingCacheClientOptions, SeedAddress } from './client-options.js';
export { parseTopologyMessage } from './slot-table.js';
export type { SlotOwner, SlotRange, SlotTableSnapshot, TopologyMessage } from './slot-table.js';
export { clientKeySlot } from './slot-groups.js';
export { RingCacheModule, RingCacheShutdown, RING_CACHE_OPTIONS } from './ring-cache.module.js';
export type { RingCacheModuleOptions, RingCacheModuleAsyncOptions } from './ring-cache.module.js';
