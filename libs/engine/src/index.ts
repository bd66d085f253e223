/** Public API of the engine: keyspace store, engine, eviction policies, clock, stats and value helpers. */
export { Engine } from './engine.js';
export type { EngineOptions } from './engine.js';
export { Store, ENTRY_OVERHEAD } from './store.js';
export type { RemovalListener, RemovalReason, StoreOptions } from './store.js';
export type { Keyspace } from './keyspace.js';
export * from './eviction/index.js';
export { activeExpireCycle, expireCycleBudgetMs, EXPIRE_CYCLE_INTERVAL_MS } from './expiry.js';
export { LFU_INIT_VAL, lfuDecayed, lfuLogIncr, lfuMinutes } from './lfu-counter.js';
export { SystemClock, FakeClock } from './clock.js';
export type { Clock } from './clock.js';
export { EngineStats } from './stats.js';
export { typeName, valueBytes } from './value.js';
export type { AggregateValue, Value } from './value.js';
