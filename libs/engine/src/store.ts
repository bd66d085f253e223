import { SystemClock, type Clock } from './clock.js';
import type { Keyspace } from './keyspace.js';
import { EngineStats } from './stats.js';
import { valueBytes, type Value } from './value.js';
import { LFU_INIT_VAL, lfuDecayed, lfuLogIncr, lfuMinutes } from './lfu-counter.js';

/**
 * The keyspace: every database's entries in one pool of slots, with exact LRU order, LFU counters, TTLs and
 * memory accounting, all in parallel arrays (no object per entry), after isaacs/node-lru-cache.
 *
 * Strings kept here must be flat and fresh: a key or value cut with `String.prototype.slice` from a larger
 * string is a V8 SlicedString that keeps its whole parent alive. Transports pass strings made by
 * `Buffer#latin1Slice` (a copy), which is what the memory accounting assumes.
 */

/** Why deletion happened, for listeners that replicate or notify. */
export type RemovalReason = 'expired' | 'evicted';

/** Who hears about deletions the store makes on its own (lazy/active expiry, eviction). The Engine is one. */
export interface RemovalListener {
  onKeyRemoved?: (db: number, key: string, reason: RemovalReason) => void;
}

export interface StoreOptions {
  databases?: number;
  clock: Clock;
  stats?: EngineStats;
  random?: () => number;
  listener?: RemovalListener;
  /** Slots preallocated; the pool doubles when full. */
  initialCapacity?: number;
}

/**
 * Bytes accounted per entry on top of key and value lengths. Measured with `process.memoryUsage()`
 * (heapUsed + arrayBuffers) for 1,000,000 entries of 16-byte keys and 100-byte values on Node 20 x64: about
 * 244 bytes per entry beyond the 116 payload bytes... see the breakdown: the key and value strings' V8 headers
 * (16 bytes each, plus alignment), the Map entry with its share of the hash table (~28-40 bytes depending on
 * where the table is in its doubling), and this store's 13 parallel arrays (~60 bytes per slot, plus the
 * slack of doubling). We round to a value that makes used_memory track the real heap within a few percent.
 */
export const ENTRY_OVERHEAD = 136;

/** Bytes per slot record, and each field's index in its typed view (see the layout comment in Store). */
const SLOT_BYTES = 32;
const F_EXPIRE_AT = 0;
const F_ACCESSED_AT = 1;
const I_PREV = 4;
const I_NEXT = 5;
const I_BYTES = 6;
const B_DB = 28;
const B_LFU_COUNTER = 29;
const H_LFU_MINUTE = 15;
/** Database index marking a free slot. */
const FREE = 255;
/** Recency lists: keys without a TTL, keys with one. */
const PERSISTENT = 0;
const VOLATILE = 1;
/** Accesses between real clock reads for the cached access time. */
const ACCESS_CLOCK_REFRESH = 1024;
/** Random probes before a random pick falls back to a walk. */
const RANDOM_PROBES = 32;

export class Store implements Keyspace {
  readonly databases: number;
  readonly stats: EngineStats;
  /** LFU counters are bumped on access only while an LFU policy is active (Redis keeps either LRU or LFU). */
  trackFrequency = false;
  lfuLogFactor = 10;
  /** Minutes per point of LFU decay; 0 disables decay. */
  lfuDecayTime = 1;

  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly listener: RemovalListener;
  /** Per database: key → slot. */
  private readonly maps: Map<string, number>[];

  // ---- slot pool ----
  /*
   * Each slot's numbers live together in one 32-byte record of a single ArrayBuffer, so touching an entry
   * costs one cache line instead of one per field (the parallel-array layout of node-lru-cache misses
   * once per array on a random access). Record layout, by typed view:
   *   f64[s*4+0] expireAt (absolute ms, 0 = no TTL)   f64[s*4+1] accessedAt (ms)
   *   i32[s*8+4] prev   i32[s*8+5] next (recency links, -1 ends a list)   u32[s*8+6] accounted bytes
   *   u8[s*32+28] database (FREE if the slot is free)   u8[s*32+29] LFU counter   u16[s*16+15] LFU minute
   * Key and value sit side by side in one JS array: kv[2s] = key, kv[2s+1] = value.
   */
  private capacity = 0;
  /** Slots ever handed out: every slot < top is live or on the free stack. */
  private top = 0;
  private kv: (Value | undefined)[] = [];
  private buffer!: ArrayBuffer;
  private f64!: Float64Array;
  private i32!: Int32Array;
  private u32!: Uint32Array;
  private u8!: Uint8Array;
  private u16!: Uint16Array;
  /** Position in `volatileSlots` of a slot with a TTL (meaningless otherwise). */
  private volatilePos!: Int32Array;
  private freeStack!: Int32Array;
  private freeTop = 0;

  // ---- recency lists: head = most recent, tail = least recent ----
  private readonly heads = new Int32Array([-1, -1]);
  private readonly tails = new Int32Array([-1, -1]);

  // ---- keys with a TTL: dense array for O(1) random picks ----
  private volatileSlots!: Int32Array;
  private volatileTotal = 0;
  private readonly volatileByDb: Int32Array;
  /** Per database: sum of (expireAt - epoch) over TTL keys, for INFO avg_ttl. */
  private readonly expireSumByDb: Float64Array;
  private readonly epoch: number;

  private liveTotal = 0;
  /** Cached access time; see accessTime(). */
  private lruClock = 0;
  private accessCountdown = ACCESS_CLOCK_REFRESH;
  private readonly exactAccessTime: boolean;
  /** Sum of accounted bytes over live slots. */
  datasetBytes = 0;

  constructor(options: StoreOptions) {
    const databases = options.databases ?? 16;
    if (!Number.isInteger(databases) || databases < 1 || databases >= FREE) {
      throw new RangeError(`databases must be an integer from 1 to ${FREE - 1}`);
    }
    this.databases = databases;
    this.clock = options.clock;
    this.stats = options.stats ?? new EngineStats();
    this.random = options.random ?? Math.random;
    this.listener = options.listener ?? {};
    this.maps = [];
    for (let i = 0; i < databases; i++) this.maps.push(new Map());
    this.volatileByDb = new Int32Array(databases);
    this.expireSumByDb = new Float64Array(databases);
    this.epoch = this.clock.now();
    this.exactAccessTime = !(this.clock instanceof SystemClock);
    this.lruClock = this.epoch;
    this.allocate(Math.max(16, options.initialCapacity ?? 1024));
  }

  // ==== Keyspace: lookups ====

  lookupRead(db: number, key: string): Value | undefined {
    const slot = this.maps[db].get(key);
    if (slot === undefined) {
      this.stats.keyspaceMisses++;
      return undefined;
    }
    const exp = this.f64[4 * slot + F_EXPIRE_AT];
    if (exp !== 0 && this.now() > exp) {
      this.expireSlot(slot);
      this.stats.keyspaceMisses++;
      return undefined;
    }
    this.stats.keyspaceHits++;
    this.touch(slot);
    return this.kv[2 * slot + 1];
  }

  lookupWrite(db: number, key: string): Value | undefined {
    const slot = this.maps[db].get(key);
    if (slot === undefined) return undefined;
    const exp = this.f64[4 * slot + F_EXPIRE_AT];
    if (exp !== 0 && this.now() > exp) {
      this.expireSlot(slot);
      return undefined;
    }
    this.touch(slot);
    return this.kv[2 * slot + 1];
  }

  peek(db: number, key: string): Value | undefined {
    const slot = this.liveSlot(db, key);
    return slot < 0 ? undefined : this.kv[2 * slot + 1];
  }

  has(db: number, key: string): boolean {
    return this.liveSlot(db, key) >= 0;
  }

  // ==== Keyspace: writes ====

  set(db: number, key: string, value: Value, expireAt = 0, keepTtl = false): void {
    const map = this.maps[db];
    let slot = map.get(key);
    if (slot !== undefined) {
      const exp = this.f64[4 * slot + F_EXPIRE_AT];
      if (exp !== 0 && this.now() > exp) {
        this.expireSlot(slot);
        slot = undefined;
      }
    }
    if (slot === undefined) {
      this.insert(db, map, key, value, keepTtl ? 0 : expireAt);
      return;
    }
    this.kv[2 * slot + 1] = value;
    const bytes = key.length + valueBytes(value) + ENTRY_OVERHEAD;
    this.datasetBytes += bytes - this.u32[8 * slot + I_BYTES];
    this.u32[8 * slot + I_BYTES] = bytes;
    if (!keepTtl && expireAt !== this.f64[4 * slot + F_EXPIRE_AT]) this.changeExpire(slot, expireAt);
    this.touch(slot);
  }

  resized(db: number, key: string): void {
    const slot = this.maps[db].get(key);
    if (slot === undefined) return;
    const bytes = key.length + valueBytes(this.kv[2 * slot + 1] as Value) + ENTRY_OVERHEAD;
    this.datasetBytes += bytes - this.u32[8 * slot + I_BYTES];
    this.u32[8 * slot + I_BYTES] = bytes;
  }

  delete(db: number, key: string): boolean {
    const slot = this.liveSlot(db, key);
    if (slot < 0) return false;
    this.removeSlot(slot);
    return true;
  }

  // ==== Keyspace: TTL ====

  expireAt(db: number, key: string): number {
    const slot = this.liveSlot(db, key);
    return slot < 0 ? -1 : this.f64[4 * slot + F_EXPIRE_AT];
  }

  setExpireAt(db: number, key: string, at: number): boolean {
    const slot = this.liveSlot(db, key);
    if (slot < 0) return false;
    if (at <= this.now()) {
      // EXPIRE with a time already past deletes the key as a DEL would (Redis's checkAlreadyExpired).
      this.removeSlot(slot);
      return true;
    }
    if (at !== this.f64[4 * slot + F_EXPIRE_AT]) this.changeExpire(slot, at);
    return true;
  }

  persist(db: number, key: string): boolean {
    const slot = this.liveSlot(db, key);
    if (slot < 0 || this.f64[4 * slot + F_EXPIRE_AT] === 0) return false;
    this.changeExpire(slot, 0);
    return true;
  }

  // ==== Keyspace: sizes and flushing ====

  size(db: number): number {
    return this.maps[db].size;
  }

  /** Keys in all databases. */
  totalKeys(): number {
    return this.liveTotal;
  }

  volatileCount(db: number): number {
    return this.volatileByDb[db];
  }

  averageTtl(db: number): number {
    const n = this.volatileByDb[db];
    if (n === 0) return 0;
    const avg = this.expireSumByDb[db] / n + this.epoch - this.now();
    return avg > 0 ? Math.round(avg) : 0;
  }

  flushDb(db: number): void {
    const map = this.maps[db];
    if (map.size === this.liveTotal) {
      this.flushAll();
      return;
    }
    for (const slot of map.values()) this.removeSlot(slot);
  }

  flushAll(): void {
    for (const map of this.maps) map.clear();
    this.top = 0;
    this.kv = [];
    this.allocate(1024);
    this.freeTop = 0;
    this.volatileTotal = 0;
    this.volatileByDb.fill(0);
    this.expireSumByDb.fill(0);
    this.heads.fill(-1);
    this.tails.fill(-1);
    this.liveTotal = 0;
    this.datasetBytes = 0;
  }

  // ==== Keyspace: iteration ====

  /**
   * The cursor is a slot index: entries never move while they live, so a key present for the whole
   * iteration sits at one slot the cursor passes exactly once. A database small enough for one reply is
   * returned whole from cursor 0. Otherwise the walk examines slots until `count` keys of this database are
   * found, within a budget scaled by how sparse the database is in the shared pool.
   */
  scan(db: number, cursor: number, count: number, visit: (key: string) => void): number {
    const map = this.maps[db];
    if (count < 1) count = 1;
    if (cursor === 0 && map.size <= count) {
      const now = this.now();
      for (const slot of map.values()) {
        const exp = this.f64[4 * slot + F_EXPIRE_AT];
        if (exp !== 0 && now > exp) this.expireSlot(slot);
        else visit(this.kv[2 * slot] as string);
      }
      return 0;
    }
    if (!(cursor >= 0) || cursor >= this.top || map.size === 0) return 0;
    const density = Math.ceil(this.top / map.size);
    const budget = Math.min(count * density, Math.max(count * 10, 100_000));
    const now = this.now();
    let found = 0;
    let examined = 0;
    let i = cursor;
    for (; i < this.top && found < count && examined < budget; i++, examined++) {
      if (this.u8[32 * i + B_DB] !== db) continue;
      const exp = this.f64[4 * i + F_EXPIRE_AT];
      if (exp !== 0 && now > exp) {
        this.expireSlot(i);
        continue;
      }
      visit(this.kv[2 * i] as string);
      found++;
    }
    return i >= this.top ? 0 : i;
  }

  *keys(db: number): IterableIterator<string> {
    const now = this.now();
    for (const [key, slot] of this.maps[db]) {
      const exp = this.f64[4 * slot + F_EXPIRE_AT];
      if (exp === 0 || now <= exp) yield key;
    }
  }

  randomKey(db: number): string | undefined {
    const map = this.maps[db];
    const now = this.now();
    for (let attempt = 0; attempt < 100 && map.size > 0; attempt++) {
      const slot = this.randomSlotOf(db, map);
      const exp = this.f64[4 * slot + F_EXPIRE_AT];
      // As Redis: if every key is volatile, give up deleting expired ones after many tries and return one.
      if (exp !== 0 && now > exp && !(attempt >= 99 && this.volatileByDb[db] === map.size)) {
        this.expireSlot(slot);
        continue;
      }
      return this.kv[2 * slot] as string;
    }
    return undefined;
  }

  // ==== Keyspace: introspection ====

  idleMs(db: number, key: string): number {
    const slot = this.liveSlot(db, key);
    if (slot < 0) return -1;
    const idle = this.now() - this.f64[4 * slot + F_ACCESSED_AT];
    return idle > 0 ? idle : 0;
  }

  frequency(db: number, key: string): number {
    const slot = this.liveSlot(db, key);
    return slot < 0 ? -1 : this.slotFrequency(slot);
  }

  /** Refresh the cached access time (the engine calls this every 100 ms, as Redis's serverCron). */
  refreshClock(): void {
    this.lruClock = this.clock.now();
  }

  // ==== Slot view for eviction policies and the expiry cycle (engine-internal) ====

  /** Least recently used slot: of keys with a TTL only, or of all keys; -1 if none. */
  lruTail(volatileOnly: boolean): number {
    const v = this.tails[VOLATILE];
    if (volatileOnly) return v;
    const p = this.tails[PERSISTENT];
    if (v < 0) return p;
    if (p < 0) return v;
    return this.f64[4 * v + F_ACCESSED_AT] < this.f64[4 * p + F_ACCESSED_AT] ? v : p;
  }

  /** Keys with a TTL across all databases. */
  volatileSize(): number {
    return this.volatileTotal;
  }

  /** The i-th slot of the dense array of TTL-bearing slots (0 <= i < volatileSize()). */
  volatileSlotAt(i: number): number {
    return this.volatileSlots[i];
  }

  /** A random live slot of any database, -1 if the store is empty. */
  randomSlot(): number {
    if (this.liveTotal === 0) return -1;
    const top = this.top;
    let i = 0;
    for (let probe = 0; probe < RANDOM_PROBES; probe++) {
      i = Math.floor(this.random() * top);
      if (this.u8[32 * i + B_DB] !== FREE) return i;
    }
    // Sparse pool (after mass deletion): walk on from the last probe.
    for (let n = 0; n < top; n++) {
      if (++i === top) i = 0;
      if (this.u8[32 * i + B_DB] !== FREE) return i;
    }
    return -1;
  }

  /** A random slot with a TTL, -1 if none. */
  randomVolatileSlot(): number {
    const n = this.volatileTotal;
    return n === 0 ? -1 : this.volatileSlots[Math.floor(this.random() * n)];
  }

  /**
   * Fill `out` with up to `n` candidate slots, as Redis's dictGetSomeKeys: every candidate when there are
   * no more than `n` (so small tests are deterministic), else random TTL slots, or a run of live slots from a
   * random start. Returns how many were written.
   */
  sampleSlots(out: Int32Array, n: number, volatileOnly: boolean): number {
    if (volatileOnly) {
      const total = this.volatileTotal;
      if (total <= n) {
        out.set(this.volatileSlots.subarray(0, total));
        return total;
      }
      for (let j = 0; j < n; j++) out[j] = this.volatileSlots[Math.floor(this.random() * total)];
      return n;
    }
    if (this.liveTotal <= n) {
      let j = 0;
      for (const map of this.maps) for (const slot of map.values()) out[j++] = slot;
      return j;
    }
    let i = Math.floor(this.random() * this.top);
    let j = 0;
    for (let walked = 0; j < n && walked < this.top; walked++) {
      if (this.u8[32 * i + B_DB] !== FREE) out[j++] = i;
      if (++i === this.top) i = 0;
    }
    return j;
  }

  slotKey(slot: number): string | undefined {
    return this.kv[2 * slot] as string | undefined;
  }

  /** Database of a slot, or 255 if the slot is free. */
  slotDb(slot: number): number {
    return this.u8[32 * slot + B_DB];
  }

  slotExpireAt(slot: number): number {
    return this.f64[4 * slot + F_EXPIRE_AT];
  }

  slotAccessedAt(slot: number): number {
    return this.f64[4 * slot + F_ACCESSED_AT];
  }

  /** LFU counter after lazy decay (not stored). */
  slotFrequency(slot: number): number {
    return lfuDecayed(this.u8[32 * slot + B_LFU_COUNTER], this.u16[16 * slot + H_LFU_MINUTE], lfuMinutes(this.accessTime()), this.lfuDecayTime);
  }

  /** Remove a slot chosen by an eviction policy: counts evicted_keys and tells the listener. */
  evictSlot(slot: number): void {
    const db = this.u8[32 * slot + B_DB];
    const key = this.kv[2 * slot] as string;
    this.removeSlot(slot);
    this.stats.evictedKeys++;
    const cb = this.listener.onKeyRemoved;
    if (cb !== undefined) cb(db, key, 'evicted');
  }

  /** Expire the slot if its time has passed (active expiry); returns true if it was removed. */
  expireSlotIfDue(slot: number, now: number): boolean {
    const exp = this.f64[4 * slot + F_EXPIRE_AT];
    if (exp === 0 || now <= exp) return false;
    this.expireSlot(slot);
    return true;
  }

  // ==== internals ====

  /** The clock, read for TTL decisions; keeps the LRU clock fresh as a side effect. */
  private now(): number {
    const t = this.clock.now();
    this.lruClock = t;
    return t;
  }

  /**
   * Time recorded on access (idle time, LFU decay, LRU order across the two lists). Reading the system
   * clock costs ~20 ns on a good host and ~200 ns on some VMs, more than the rest of a lookup, so with the
   * SystemClock this is Redis's LRU clock: a cached time refreshed by the engine's 100 ms tick
   * (refreshClock), by every real clock read, and every ACCESS_CLOCK_REFRESH accesses. Idle times are
   * then exact to ~100 ms (Redis: 1 s). Any other clock (FakeClock in tests) is read on every access.
   */
  private accessTime(): number {
    if (this.exactAccessTime || --this.accessCountdown === 0) {
      this.accessCountdown = ACCESS_CLOCK_REFRESH;
      this.lruClock = this.clock.now();
    }
    return this.lruClock;
  }

  /** Slot of a live key after lazy expiry, or -1. */
  private liveSlot(db: number, key: string): number {
    const slot = this.maps[db].get(key);
    if (slot === undefined) return -1;
    const exp = this.f64[4 * slot + F_EXPIRE_AT];
    if (exp !== 0 && this.now() > exp) {
      this.expireSlot(slot);
      return -1;
    }
    return slot;
  }

  /** Record an access: LRU move-to-front, idle time and (under an LFU policy) the LFU counter. */
  private touch(slot: number): void {
    const now = this.accessTime();
    this.f64[4 * slot + F_ACCESSED_AT] = now;
    if (this.trackFrequency) {
      const minute = lfuMinutes(now);
      const counter = lfuDecayed(this.u8[32 * slot + B_LFU_COUNTER], this.u16[16 * slot + H_LFU_MINUTE], minute, this.lfuDecayTime);
      this.u8[32 * slot + B_LFU_COUNTER] = lfuLogIncr(counter, this.lfuLogFactor, this.random);
      this.u16[16 * slot + H_LFU_MINUTE] = minute;
    }
    const list = this.f64[4 * slot + F_EXPIRE_AT] === 0 ? PERSISTENT : VOLATILE;
    if (this.heads[list] !== slot) {
      this.unlink(slot, list);
      this.pushHead(slot, list);
    }
  }

  /*
   * Pointer surgery on the recency lists. Each list is doubly linked through `prev`/`next` by slot index,
   * -1 at both ends; `heads[list]` is the most recently used slot, `tails[list]` the eviction candidate.
   * Unlinking splices the neighbours together, fixing the head or tail when the slot was at an end.
   */
  private unlink(slot: number, list: number): void {
    const p = this.i32[8 * slot + I_PREV];
    const n = this.i32[8 * slot + I_NEXT];
    if (p === -1) this.heads[list] = n;
    else this.i32[8 * p + I_NEXT] = n;
    if (n === -1) this.tails[list] = p;
    else this.i32[8 * n + I_PREV] = p;
  }

  private pushHead(slot: number, list: number): void {
    const h = this.heads[list];
    this.i32[8 * slot + I_PREV] = -1;
    this.i32[8 * slot + I_NEXT] = h;
    if (h === -1) this.tails[list] = slot;
    else this.i32[8 * h + I_PREV] = slot;
    this.heads[list] = slot;
  }

  private insert(db: number, map: Map<string, number>, key: string, value: Value, expireAt: number): void {
    const now = this.accessTime();
    const slot = this.allocSlot();
    this.kv[2 * slot] = key;
    this.kv[2 * slot + 1] = value;
    this.u8[32 * slot + B_DB] = db;
    map.set(key, slot);
    const bytes = key.length + valueBytes(value) + ENTRY_OVERHEAD;
    this.u32[8 * slot + I_BYTES] = bytes;
    this.datasetBytes += bytes;
    this.f64[4 * slot + F_ACCESSED_AT] = now;
    this.u8[32 * slot + B_LFU_COUNTER] = LFU_INIT_VAL;
    this.u16[16 * slot + H_LFU_MINUTE] = lfuMinutes(now);
    this.f64[4 * slot + F_EXPIRE_AT] = expireAt;
    if (expireAt !== 0) this.addVolatile(slot, db, expireAt);
    this.pushHead(slot, expireAt !== 0 ? VOLATILE : PERSISTENT);
    this.liveTotal++;
  }

  /** Change a live slot's TTL, moving it between recency lists (as an access: commands looked it up first). */
  private changeExpire(slot: number, at: number): void {
    const old = this.f64[4 * slot + F_EXPIRE_AT];
    const db = this.u8[32 * slot + B_DB];
    if (old !== 0 && at !== 0) {
      this.expireSumByDb[db] += at - old;
      this.f64[4 * slot + F_EXPIRE_AT] = at;
      return;
    }
    this.unlink(slot, old === 0 ? PERSISTENT : VOLATILE);
    if (old !== 0) this.removeVolatile(slot, db, old);
    this.f64[4 * slot + F_EXPIRE_AT] = at;
    if (at !== 0) this.addVolatile(slot, db, at);
    this.pushHead(slot, at === 0 ? PERSISTENT : VOLATILE);
  }

  private addVolatile(slot: number, db: number, at: number): void {
    this.volatilePos[slot] = this.volatileTotal;
    this.volatileSlots[this.volatileTotal++] = slot;
    this.volatileByDb[db]++;
    this.expireSumByDb[db] += at - this.epoch;
  }

  /** Swap-remove from the dense TTL array: the last slot takes the hole. */
  private removeVolatile(slot: number, db: number, at: number): void {
    const pos = this.volatilePos[slot];
    const last = this.volatileSlots[--this.volatileTotal];
    this.volatileSlots[pos] = last;
    this.volatilePos[last] = pos;
    this.volatilePos[slot] = -1;
    this.volatileByDb[db]--;
    this.expireSumByDb[db] -= at - this.epoch;
    if (this.volatileByDb[db] === 0) this.expireSumByDb[db] = 0;
  }

  private expireSlot(slot: number): void {
    const db = this.u8[32 * slot + B_DB];
    const key = this.kv[2 * slot] as string;
    this.removeSlot(slot);
    this.stats.expiredKeys++;
    const cb = this.listener.onKeyRemoved;
    if (cb !== undefined) cb(db, key, 'expired');
  }

  private removeSlot(slot: number): void {
    const db = this.u8[32 * slot + B_DB];
    const exp = this.f64[4 * slot + F_EXPIRE_AT];
    this.maps[db].delete(this.kv[2 * slot] as string);
    this.unlink(slot, exp === 0 ? PERSISTENT : VOLATILE);
    if (exp !== 0) this.removeVolatile(slot, db, exp);
    this.datasetBytes -= this.u32[8 * slot + I_BYTES];
    this.u32[8 * slot + I_BYTES] = 0;
    this.f64[4 * slot + F_EXPIRE_AT] = 0;
    this.kv[2 * slot] = undefined;
    this.kv[2 * slot + 1] = undefined;
    this.u8[32 * slot + B_DB] = FREE;
    this.freeStack[this.freeTop++] = slot;
    this.liveTotal--;
  }

  private allocSlot(): number {
    if (this.freeTop > 0) return this.freeStack[--this.freeTop];
    if (this.top === this.capacity) this.grow();
    return this.top++;
  }

  /** Double the pool. Slots keep their indexes, so cursors and links stay valid. */
  private grow(): void {
    const old = this.u8;
    const oldVolatilePos = this.volatilePos;
    const oldFree = this.freeStack;
    const oldVolatile = this.volatileSlots;
    this.allocate(this.capacity * 2);
    this.u8.set(old);
    this.volatilePos.set(oldVolatilePos);
    this.freeStack.set(oldFree);
    this.volatileSlots.set(oldVolatile);
  }

  /** Fresh, zeroed arrays for `capacity` slots. */
  private allocate(capacity: number): void {
    this.capacity = capacity;
    this.buffer = new ArrayBuffer(capacity * SLOT_BYTES);
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.u32 = new Uint32Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
    this.u16 = new Uint16Array(this.buffer);
    this.volatilePos = new Int32Array(capacity);
    this.freeStack = new Int32Array(capacity);
    this.volatileSlots = new Int32Array(capacity);
  }

  /** Random live slot of one database (O(1) expected when the database fills most of the pool). */
  private randomSlotOf(db: number, map: Map<string, number>): number {
    if (map.size * 8 >= this.top) {
      for (let probe = 0; probe < RANDOM_PROBES; probe++) {
        const i = Math.floor(this.random() * this.top);
        if (this.u8[32 * i + B_DB] === db) return i;
      }
    }
    let skip = Math.floor(this.random() * map.size);
    for (const slot of map.values()) if (skip-- === 0) return slot;
    return -1;
  }
}
