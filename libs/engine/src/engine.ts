import { SystemClock, type Clock } from './clock.js';
import { createEvictionPolicy } from './eviction/create.js';
import type { EvictionPolicy, EvictionPolicyName } from './eviction/policy.js';
import { activeExpireCycle, EXPIRE_CYCLE_INTERVAL_MS, expireCycleBudgetMs } from './expiry.js';
import { EngineStats } from './stats.js';
import { Store, type RemovalReason } from './store.js';

/** The engine: one keyspace, its stats and clock, the memory limit with its eviction policy, active expiry. */

export { EVICTION_POLICY_NAMES, isEvictionPolicyName } from './eviction/policy.js';
export type { EvictionPolicy, EvictionPolicyName } from './eviction/policy.js';
export { createEvictionPolicy } from './eviction/create.js';

export interface EngineOptions {
  /** Databases (SELECT 0..n-1); default 16. */
  databases?: number;
  /** Bytes; 0 = no limit (default). */
  maxmemory?: number;
  /** Default 'noeviction'. Ignored when a policy instance is passed to the constructor. */
  maxmemoryPolicy?: EvictionPolicyName;
  /** Keys sampled per eviction by the sampled policies; default 5. */
  maxmemorySamples?: number;
  /** LFU counter growth damping; default 10. */
  lfuLogFactor?: number;
  /** Minutes per point of LFU decay; default 1. */
  lfuDecayTime?: number;
  /** 1..10; default 1. */
  activeExpireEffort?: number;
  /** Active expiry cycles per second (Redis hz, 1..500); default 10. */
  hz?: number;
  /** Default SystemClock. */
  clock?: Clock;
  /** Default Math.random; tests inject a seeded one. */
  random?: () => number;
}

export class Engine {
  readonly keyspace: Store;
  readonly stats = new EngineStats();
  readonly clock: Clock;
  readonly databases: number;
  maxmemory: number;
  maxmemorySamples: number;
  activeExpireEffort: number;
  /** Deletions not caused by a command (expiry, eviction): replication, AOF and notifications listen here. */
  onKeyRemoved?: (db: number, key: string, reason: RemovalReason) => void;

  private currentPolicy: EvictionPolicy;
  private externalBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private cyclesPerSecond: number;

  constructor(options: EngineOptions = {}, policy?: EvictionPolicy) {
    this.clock = options.clock ?? new SystemClock();
    this.databases = options.databases ?? 16;
    this.maxmemory = options.maxmemory ?? 0;
    this.maxmemorySamples = options.maxmemorySamples ?? 5;
    this.activeExpireEffort = options.activeExpireEffort ?? 1;
    this.cyclesPerSecond = options.hz ?? 10;
    this.keyspace = new Store({
      databases: this.databases,
      clock: this.clock,
      stats: this.stats,
      random: options.random,
      listener: this,
    });
    this.keyspace.lfuLogFactor = options.lfuLogFactor ?? 10;
    this.keyspace.lfuDecayTime = options.lfuDecayTime ?? 1;
    this.currentPolicy = policy ?? createEvictionPolicy(options.maxmemoryPolicy ?? 'noeviction');
    this.keyspace.trackFrequency = this.currentPolicy.tracksFrequency;
  }

  get policy(): EvictionPolicy {
    return this.currentPolicy;
  }

  setPolicy(policy: EvictionPolicy): void {
    this.currentPolicy = policy;
    this.keyspace.trackFrequency = policy.tracksFrequency;
  }

  /**
   * A replica applies its primary's stream and never expires or evicts on its own (the primary's DELs do):
   * no active expiry, no eviction, and keys past their TTL stay until deleted (Store.replica).
   */
  get replica(): boolean {
    return this.keyspace.replica;
  }
  set replica(v: boolean) {
    this.keyspace.replica = v;
  }

  get lfuLogFactor(): number {
    return this.keyspace.lfuLogFactor;
  }
  set lfuLogFactor(v: number) {
    this.keyspace.lfuLogFactor = v;
  }
  get lfuDecayTime(): number {
    return this.keyspace.lfuDecayTime;
  }
  set lfuDecayTime(v: number) {
    this.keyspace.lfuDecayTime = v;
  }

  /** Approximate bytes in use: entries (with their fixed overhead) plus memory reported by others. */
  usedMemory(): number {
    return this.keyspace.datasetBytes + this.externalBytes;
  }

  /** Bytes accounted for entries only. */
  datasetMemory(): number {
    return this.keyspace.datasetBytes;
  }

  /** Client buffers etc. accounted by others (the RESP server adds and subtracts). */
  addExternalMemory(delta: number): void {
    this.externalBytes += delta;
  }

  /**
   * Evict until usedMemory() <= maxmemory. False when still over (noeviction, or nothing evictable): the
   * caller replies OOM; such refusals are counted in stats.oomRejections. Always true when maxmemory is 0 and on a replica.
   */
  freeMemoryIfNeeded(): boolean {
    const max = this.maxmemory;
    if (max === 0 || this.keyspace.replica) return true;
    const store = this.keyspace;
    while (store.datasetBytes + this.externalBytes > max) {
      const slot = this.currentPolicy.selectVictim(store, this.maxmemorySamples);
      if (slot < 0) {
        this.stats.oomRejections++;
        return false;
      }
      store.evictSlot(slot);
    }
    return true;
  }

  /** One bounded active-expiry cycle; returns keys expired. */
  activeExpireCycle(timeBudgetMs?: number): number {
    if (this.keyspace.replica) return 0;
    return activeExpireCycle(this.keyspace, this.clock.now(), this.activeExpireEffort, timeBudgetMs ?? this.cycleBudgetMs());
  }

  /** Active expiry cycles per second (Redis hz); the cycle runs every 1000/hz ms. */
  get hz(): number {
    return this.cyclesPerSecond;
  }

  /** CONFIG SET hz: a running timer restarts at the new interval. */
  setHz(hz: number): void {
    this.cyclesPerSecond = hz;
    if (this.timer === undefined) return;
    this.stop();
    this.start();
  }

  /** As Redis, a cycle may use the same share of each tick whatever hz is: the budget scales with 1/hz. */
  private cycleBudgetMs(): number {
    return (expireCycleBudgetMs(this.activeExpireEffort) * (1000 / this.cyclesPerSecond)) / EXPIRE_CYCLE_INTERVAL_MS;
  }

  /** Start the periodic active expiry (every 1000/hz ms); the timer does not keep the process alive. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.keyspace.refreshClock();
      this.activeExpireCycle();
    }, 1000 / this.cyclesPerSecond);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
