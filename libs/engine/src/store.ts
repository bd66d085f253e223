import { SystemClock, type Clock } from './clock.js';
import type { Keyspace } from './keyspace.js';
import { EngineStats } from './stats.js';
import { valueBytes, type Value } from './value.js';
import { LFU_INIT_VAL, lfuDecayed, lfuLogIncr, lfuMinutes } from './lfu-counter.js';

/**
 * The keyspace: every database's entries in one pool of slots, with exact LRU order, LFU counters, TTLs and
 * memory accounting, in typed arrays indexed by slot (no object per entry), after isaacs/node-lru-cache.
 *
 * Strings kept here must be flat and fresh: a key or value cut with `String.prototype.slice` from a larger
 * string is a V8 SlicedString that keeps its whole parent alive. Transports pass strings made by
 * `Buffer#latin1Slice` (a copy), which is what the memory accounting assumes.
 */

/** Why deletion happened, for listeners that replicate or notify. */
export type RemovalReason = 'expired' | 'evicted';

/** A client's WATCH state as the store sees it: set `dirty` when any watched key is modified. */
export interface KeyWatcher {
  dirty: boolean;
}

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
 * Bytes accounted per entry on top of key and value lengths, so that used_memory tracks the real heap.
 * Measured with `process.memoryUsage()` (heapUsed + arrayBuffers deltas, after gc) for 1,000,000 entries of
 * 16-byte keys and 100-byte values on Node 20 x64: 245 bytes per entry, 116 of them key and value bytes
 * (RSS grows ~290-300 per entry; Redis 7's used_memory grows ~200 for the same data). The other ~129:
 * V8 string headers and alignment (~36: a 16-byte header per string, values padded to 8 bytes), the Map
 * entry and its share of the hash table (~30), the key and value pointer arrays (~17 with growth slack),
 * and the slot arrays below (41 bytes per slot, ~43 with the pool's power-of-two slack). Rounded up a
 * little, since overestimating keeps the process under maxmemory.
 */
export const ENTRY_OVERHEAD = 132;

/*
 * Per-slot record in `meta` (Int32Array, 4 words = 16 bytes), so that touching an entry reads and writes a
 * single cache line, and its list neighbours one line each:
 *   M_PREV, M_NEXT  recency links by slot index, -1 ends a list
 *   M_TOUCHED       access time, ms since the store's epoch, wrapping at 2^32 (49 days; Redis: 194 days)
 *   M_LFU           LFU counter (bits 0-7) | LFU minute (bits 8-23) | 1 << 24 if the slot has a TTL
 *                   | 1 << 25 if the key is replica-held (a foreign hash slot); bits 24-25 name its recency list
 */
const META_WORDS = 4;
const M_PREV = 0;
const M_NEXT = 1;
const M_TOUCHED = 2;
const M_LFU = 3;
const VOLATILE_BIT = 1 << 24;
/** A database-0 key whose hash slot this node holds as a replica copy (setForeignSlots). */
const FOREIGN_BIT = 1 << 25;
const LIST_SHIFT = 24;
/** Database byte of a free slot. */
const FREE = 255;
/**
 * Recency lists, indexed by bits 24-25 of M_LFU: owned keys without a TTL, with one, then foreign keys without
 * and with one. Eviction reads only the first two, so a foreign key is never a victim and costs nothing to skip.
 */
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
  /** Sum of accounted bytes over live slots. */
  datasetBytes = 0;
  /**
   * Effective changes made through the Keyspace methods (Redis's server.dirty): bumped by every set, resize,
   * deletion, TTL change and flush, not by expiry or eviction (the listener reports those). The command
   * table propagates a write to replicas when it moved.
   */
  dirty = 0;
  /**
   * A replica's store: keys past their TTL stay until the primary's DEL arrives (lookups, iteration and
   * writes see them as live), so commands applied from the primary act on exactly the primary's keyspace.
   */
  replica = false;

  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly listener: RemovalListener;
  /** Per database: key → slot. */
  private readonly maps: Map<string, number>[];
  /** WATCH: "db:key" → watchers. `watchedKeys` mirrors its size, so writes test one field when nobody watches. */
  private readonly watchers = new Map<string, Set<KeyWatcher>>();
  private watchedKeys = 0;
  /** Told of every key set while clients block on keys (BlockingRegistry); null when nobody waits. */
  private keyListener: ((db: number, key: string) => void) | null = null;

  // ---- slot pool ----
  private capacity = 0;
  /** Slots ever handed out: every slot < top is live or on the free stack. */
  private top = 0;
  /** Key and value of each slot. Separate arrays: a read touches only the denser value array. */
  private keyOf: (string | undefined)[] = [];
  private valueOf: (Value | undefined)[] = [];
  /** See the record layout above. */
  private meta!: Int32Array;
  /** Absolute expiry ms; 0 = no TTL, and always 0 for a slot without a TTL or a free slot. */
  private expireAtOf!: Float64Array;
  /** Database of a live slot, FREE otherwise. */
  private dbOf!: Uint8Array;
  /** Bytes accounted for the slot (key + value + ENTRY_OVERHEAD; an entry above 4 GiB would wrap). */
  private bytesOf!: Uint32Array;
  /** Position in `volatileSlots` of a slot with a TTL (meaningless otherwise). */
  private volatilePos!: Int32Array;
  private freeStack!: Int32Array;
  private freeTop = 0;

  // ---- recency lists: head = most recent, tail = least recent ----
  private readonly heads = new Int32Array([-1, -1, -1, -1]);
  private readonly tails = new Int32Array([-1, -1, -1, -1]);

  // ---- keys with a TTL: dense array for O(1) random picks ----
  private volatileSlots!: Int32Array;
  private volatileTotal = 0;
  private readonly volatileByDb: Int32Array;
  /** Per database: sum of (expireAt - epoch) over TTL keys, for INFO avg_ttl. */
  private readonly expireSumByDb: Float64Array;

  private liveTotal = 0;
  /** Cluster mode: the hash slot of a key, and how many keys of database 0 each slot holds. */
  private hashSlotOf: ((key: string) => number) | undefined;
  private keysPerHashSlot: Uint32Array | undefined;
  /**
   * Cluster mode: each hash slot's database-0 entries as a doubly linked list through `hashSlotPrev/Next`,
   * so that one hash slot's keys are found without a walk of the keyspace (snapshots, GETKEYSINSLOT,
   * dropping lost slots). `hashSlotAt` keeps each entry's hash slot, so removal needs no CRC16.
   * Empty arrays outside cluster mode: 10 bytes per entry only where they serve.
   */
  private hashSlotHeads: Int32Array | undefined;
  private hashSlotAt = new Uint16Array(0);
  private hashSlotPrev = new Int32Array(0);
  private hashSlotNext = new Int32Array(0);
  /** 1 = this node holds the hash slot as a replica copy (setForeignSlots); undefined when it holds none. */
  private foreignSlots: Uint8Array | undefined;
  /** Live entries, and entries with a TTL, that carry FOREIGN_BIT. */
  private foreignTotal = 0;
  private foreignVolatile = 0;
  /** Origin of M_TOUCHED times. */
  private readonly epoch: number;
  /** Cached access time; see accessTime(). */
  private lruClock: number;
  /** lruClock - epoch as stored in M_TOUCHED (wrapped to int32), kept with lruClock. */
  private lruStamp = 0;
  private accessCountdown = ACCESS_CLOCK_REFRESH;
  private readonly exactAccessTime: boolean;

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
    this.lruClock = this.epoch;
    this.exactAccessTime = !(this.clock instanceof SystemClock);
    this.allocate(Math.max(16, options.initialCapacity ?? 1024));
  }

  // ==== Keyspace: lookups ====

  lookupRead(db: number, key: string): Value | undefined {
    const slot = this.maps[db].get(key);
    if (slot === undefined) {
      this.stats.keyspaceMisses++;
      return undefined;
    }
    if (this.volatileTotal !== 0 && this.isExpired(slot)) {
      this.expireSlot(slot);
      this.stats.keyspaceMisses++;
      return undefined;
    }
    this.stats.keyspaceHits++;
    this.touch(slot);
    return this.valueOf[slot];
  }

  lookupWrite(db: number, key: string): Value | undefined {
    const slot = this.maps[db].get(key);
    if (slot === undefined) return undefined;
    if (this.volatileTotal !== 0 && this.isExpired(slot)) {
      this.expireSlot(slot);
      return undefined;
    }
    this.touch(slot);
    return this.valueOf[slot];
  }

  peek(db: number, key: string): Value | undefined {
    const slot = this.liveSlot(db, key);
    return slot < 0 ? undefined : this.valueOf[slot];
  }

  has(db: number, key: string): boolean {
    return this.liveSlot(db, key) >= 0;
  }

  // ==== Keyspace: writes ====

  set(db: number, key: string, value: Value, expireAt = 0, keepTtl = false): void {
    this.dirty++;
    if (this.watchedKeys !== 0) this.touchWatched(db, key);
    if (this.keyListener !== null) this.keyListener(db, key);
    const map = this.maps[db];
    let slot = map.get(key);
    if (slot !== undefined && this.volatileTotal !== 0 && this.isExpired(slot)) {
      this.expireSlot(slot);
      slot = undefined;
    }
    if (slot === undefined) {
      this.insert(db, map, key, value, keepTtl ? 0 : expireAt);
      return;
    }
    this.replaceValue(slot, key, value);
    if (!keepTtl) {
      // The meta word says whether the slot has a TTL, so a persistent key overwritten without one never
      // reads expireAtOf.
      const volatile = (this.meta[META_WORDS * slot + M_LFU] & VOLATILE_BIT) !== 0;
      if (volatile ? expireAt !== this.expireAtOf[slot] : expireAt !== 0) this.changeExpire(slot, expireAt);
    }
    this.touch(slot);
  }

  resized(db: number, key: string): void {
    const slot = this.maps[db].get(key);
    if (slot === undefined) return;
    this.dirty++;
    if (this.watchedKeys !== 0) this.touchWatched(db, key);
    const bytes = key.length + valueBytes(this.valueOf[slot] as Value) + ENTRY_OVERHEAD;
    this.datasetBytes += bytes - this.bytesOf[slot];
    this.bytesOf[slot] = bytes;
  }

  delete(db: number, key: string): boolean {
    const slot = this.liveSlot(db, key);
    if (slot < 0) return false;
    this.dirty++;
    this.removeSlot(slot);
    return true;
  }

  // ==== Keyspace: TTL ====

  expireAt(db: number, key: string): number {
    const slot = this.liveSlot(db, key);
    return slot < 0 ? -1 : this.expireAtOf[slot];
  }

  setExpireAt(db: number, key: string, at: number): boolean {
    const slot = this.liveSlot(db, key);
    if (slot < 0) return false;
    this.dirty++;
    if (at <= this.now() && !this.keepsExpired(slot)) {
      // EXPIRE with a time already past deletes the key as a DEL would (Redis's checkAlreadyExpired); a
      // replica (or a foreign key), later than its primary, keeps it until the primary's DEL.
      this.removeSlot(slot);
      return true;
    }
    if (at !== this.expireAtOf[slot]) this.changeExpire(slot, at);
    if (this.watchedKeys !== 0) this.touchWatched(db, key);
    return true;
  }

  persist(db: number, key: string): boolean {
    const slot = this.liveSlot(db, key);
    if (slot < 0 || this.expireAtOf[slot] === 0) return false;
    this.dirty++;
    this.changeExpire(slot, 0);
    if (this.watchedKeys !== 0) this.touchWatched(db, key);
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
    this.dirty++;
    for (const slot of map.values()) this.removeSlot(slot);
  }

  /** Drop everything and release the pool (a fresh small one replaces it). */
  flushAll(): void {
    this.dirty++;
    if (this.watchedKeys !== 0) this.touchAllWatched();
    for (const map of this.maps) map.clear();
    this.top = 0;
    this.keyOf = [];
    this.valueOf = [];
    this.allocate(1024);
    this.freeTop = 0;
    this.volatileTotal = 0;
    this.volatileByDb.fill(0);
    this.expireSumByDb.fill(0);
    this.heads.fill(-1);
    this.tails.fill(-1);
    this.liveTotal = 0;
    this.datasetBytes = 0;
    this.foreignTotal = 0;
    this.foreignVolatile = 0;
    this.keysPerHashSlot?.fill(0);
    this.hashSlotHeads?.fill(-1);
  }

  // ==== Cluster mode: keys by hash slot (database 0, the only one a cluster node serves) ====

  /** Start counting keys per hash slot (CLUSTER COUNTKEYSINSLOT); keys already stored are counted now. */
  countKeysByHashSlot(slotOf: (key: string) => number, slots: number): void {
    this.hashSlotOf = slotOf;
    this.keysPerHashSlot = new Uint32Array(slots);
    this.hashSlotHeads = new Int32Array(slots).fill(-1);
    this.allocateHashSlotLinks(this.capacity);
    for (const [key, slot] of this.maps[0]) this.linkHashSlot(slot, slotOf(key));
  }

  /** Keys of database 0 in a hash slot, expired ones not yet removed included (as Redis). */
  keysInHashSlot(slot: number): number {
    return this.keysPerHashSlot?.[slot] ?? 0;
  }

  /**
   * Delete every key of database 0 whose hash slot is flagged in `slots` (a slot this node no longer owns or
   * holds); returns how many went. Not counted as expired or evicted.
   */
  deleteHashSlots(slots: Uint8Array): number {
    const heads = this.hashSlotHeads;
    if (heads === undefined) return 0;
    let deleted = 0;
    for (let hashSlot = 0; hashSlot < heads.length; hashSlot++) {
      if (slots[hashSlot] !== 1) continue;
      while (heads[hashSlot] !== -1) {
        this.removeSlot(heads[hashSlot]);
        deleted++;
      }
    }
    return deleted;
  }

  /** Up to `count` keys of database 0 in a hash slot (its own list: no walk of the keyspace). */
  keysOfHashSlot(slot: number, count: number): string[] {
    const keys: string[] = [];
    if (this.hashSlotHeads === undefined) return keys;
    for (let i = this.hashSlotHeads[slot]; i !== -1 && keys.length < count; i = this.hashSlotNext[i]) keys.push(this.keyOf[i] as string);
    return keys;
  }

  /**
   * Every stored entry of database 0 in a hash slot with its absolute expiry (0 = none), keys past their TTL
   * included and nothing expired or touched: the raw view slot snapshots read (see snapshot.ts).
   */
  *hashSlotEntries(slot: number): IterableIterator<{ key: string; value: Value; expireAt: number }> {
    if (this.hashSlotHeads === undefined) return;
    for (let i = this.hashSlotHeads[slot]; i !== -1; i = this.hashSlotNext[i]) {
      yield { key: this.keyOf[i] as string, value: this.valueOf[i] as Value, expireAt: this.expireAtOf[i] };
    }
  }

  /**
   * Mark the hash slots this node holds as replica copies ("foreign": 1 in `mask`, copied), or none with
   * undefined. A foreign key is never expired here (lazy expiry, the active cycle, SCAN, KEYS, RANDOMKEY and
   * a past EXPIRE leave it, as on a replica store: its primary's DEL removes it) and never evicted (if only
   * foreign keys remain, eviction fails as noeviction does). Needs countKeysByHashSlot first. Keys of hash
   * slots whose state changes move to the other pair of recency lists, at their head: a slot taken over
   * (promotion) starts as recently used. Costs a walk of the changed hash slots' keys, nothing on lookups.
   */
  setForeignSlots(mask: Uint8Array | undefined): void {
    const heads = this.hashSlotHeads;
    if (heads === undefined) throw new Error('setForeignSlots needs keys counted by hash slot (countKeysByHashSlot)');
    const before = this.foreignSlots;
    const after = mask === undefined || mask.indexOf(1) < 0 ? undefined : mask.slice(0, heads.length);
    this.foreignSlots = after;
    for (let hashSlot = 0; hashSlot < heads.length; hashSlot++) {
      const foreign = after !== undefined && after[hashSlot] === 1;
      if (foreign === (before !== undefined && before[hashSlot] === 1)) continue;
      for (let i = heads[hashSlot]; i !== -1; i = this.hashSlotNext[i]) this.setForeign(i, foreign);
    }
  }

  /** Flip one entry between the owned and the foreign recency lists and counts. */
  private setForeign(slot: number, foreign: boolean): void {
    const m = META_WORDS * slot + M_LFU;
    const word = this.meta[m];
    this.unlink(slot, (word >>> LIST_SHIFT) & 3);
    const next = foreign ? word | FOREIGN_BIT : word & ~FOREIGN_BIT;
    this.meta[m] = next;
    const delta = foreign ? 1 : -1;
    this.foreignTotal += delta;
    if (word & VOLATILE_BIT) this.foreignVolatile += delta;
    this.pushHead(slot, (next >>> LIST_SHIFT) & 3);
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
    const now = this.now();
    if (cursor === 0 && map.size <= count) {
      for (const slot of map.values()) {
        if (this.pastTtl(slot, now)) this.expireSlot(slot);
        else visit(this.keyOf[slot] as string);
      }
      return 0;
    }
    if (!(cursor >= 0) || cursor >= this.top || map.size === 0) return 0;
    const density = Math.ceil(this.top / map.size);
    const budget = Math.min(count * density, Math.max(count * 10, 100_000));
    let found = 0;
    let examined = 0;
    let i = cursor;
    for (; i < this.top && found < count && examined < budget; i++, examined++) {
      if (this.dbOf[i] !== db) continue;
      if (this.pastTtl(i, now)) {
        this.expireSlot(i);
        continue;
      }
      visit(this.keyOf[i] as string);
      found++;
    }
    return i >= this.top ? 0 : i;
  }

  *keys(db: number): IterableIterator<string> {
    const now = this.now();
    for (const [key, slot] of this.maps[db]) {
      if (!this.pastTtl(slot, now)) yield key;
    }
  }

  /**
   * Every stored entry of a database with its absolute expiry (0 = none), keys past their TTL included and
   * nothing expired or touched: a raw view for snapshots and for comparing a replica with its primary.
   */
  *entries(db: number): IterableIterator<{ key: string; value: Value; expireAt: number }> {
    for (const [key, slot] of this.maps[db]) yield { key, value: this.valueOf[slot] as Value, expireAt: this.expireAtOf[slot] };
  }

  /**
   * Every stored key of a database, keys past their TTL included, as a live iterator of the database's map
   * (insertion order): it survives writes made between two next() calls, visits keys added after it was
   * made and skips keys deleted before it reached them. For walks spread over event-loop turns (AOF rewrite).
   */
  rawKeys(db: number): IterableIterator<string> {
    return this.maps[db].keys();
  }

  /**
   * A stored entry's value and absolute expiry (0 = none), or undefined: nothing expired, touched or counted
   * (no LRU/LFU update, no keyspace hit), keys past their TTL included.
   */
  peekEntry(db: number, key: string): { value: Value; expireAt: number } | undefined {
    const slot = this.maps[db].get(key);
    return slot === undefined ? undefined : { value: this.valueOf[slot] as Value, expireAt: this.expireAtOf[slot] };
  }

  randomKey(db: number): string | undefined {
    const map = this.maps[db];
    const now = this.now();
    for (let attempt = 0; attempt < 100 && map.size > 0; attempt++) {
      const slot = this.randomSlotOf(db, map);
      // As Redis: if every key is volatile, give up deleting expired ones after many tries and return one.
      if (this.pastTtl(slot, now) && !(attempt >= 99 && this.volatileByDb[db] === map.size)) {
        this.expireSlot(slot);
        continue;
      }
      return this.keyOf[slot] as string;
    }
    return undefined;
  }

  // ==== Keyspace: introspection ====

  idleMs(db: number, key: string): number {
    const slot = this.liveSlot(db, key);
    return slot < 0 ? -1 : this.idleOf(slot, this.now());
  }

  frequency(db: number, key: string): number {
    const slot = this.liveSlot(db, key);
    return slot < 0 ? -1 : this.slotFrequency(slot);
  }

  accountedBytes(db: number, key: string): number {
    const slot = this.maps[db].get(key);
    return slot === undefined ? -1 : this.bytesOf[slot];
  }

  /** Refresh the cached access time (the engine calls this every 100 ms, as Redis's serverCron). */
  refreshClock(): void {
    this.setLruClock(this.clock.now());
  }

  // ==== Slot view for eviction policies and the expiry cycle (engine-internal) ====

  /** Least recently used slot: of keys with a TTL only, or of all keys; -1 if none. */
  lruTail(volatileOnly: boolean): number {
    const v = this.tails[VOLATILE];
    if (volatileOnly) return v;
    const p = this.tails[PERSISTENT];
    if (v < 0) return p;
    if (p < 0) return v;
    const now = this.accessTime();
    return this.idleOf(v, now) > this.idleOf(p, now) ? v : p;
  }

  /** Keys with a TTL across all databases. */
  volatileSize(): number {
    return this.volatileTotal;
  }

  /** The i-th slot of the dense array of TTL-bearing slots (0 <= i < volatileSize()). */
  volatileSlotAt(i: number): number {
    return this.volatileSlots[i];
  }

  /** Keys an eviction policy may take: all keys, or those with a TTL, less the foreign ones (setForeignSlots). */
  evictableCount(volatileOnly: boolean): number {
    return volatileOnly ? this.volatileTotal - this.foreignVolatile : this.liveTotal - this.foreignTotal;
  }

  /** Whether an eviction policy may take `slot` (live and not foreign): pooled candidates are checked with this. */
  slotEvictable(slot: number): boolean {
    return this.dbOf[slot] !== FREE && (this.meta[META_WORDS * slot + M_LFU] & FOREIGN_BIT) === 0;
  }

  /**
   * A random slot an eviction policy may take (of any database; with a TTL only if `volatileOnly`), -1 if
   * none: random probes, then a walk on from the last one (a sparse pool, or mostly foreign keys).
   */
  randomEvictableSlot(volatileOnly: boolean): number {
    if (this.evictableCount(volatileOnly) === 0) return -1;
    const total = volatileOnly ? this.volatileTotal : this.top;
    const at = volatileOnly ? this.volatileSlots : undefined;
    let i = 0;
    for (let probe = 0; probe < RANDOM_PROBES; probe++) {
      i = Math.floor(this.random() * total);
      if (this.slotEvictable(at === undefined ? i : at[i])) return at === undefined ? i : at[i];
    }
    for (let n = 0; n < total; n++) {
      if (++i === total) i = 0;
      if (this.slotEvictable(at === undefined ? i : at[i])) return at === undefined ? i : at[i];
    }
    return -1;
  }

  /** A random slot with a TTL (foreign ones included: the expiry cycle leaves them), -1 if none. */
  randomVolatileSlot(): number {
    const n = this.volatileTotal;
    return n === 0 ? -1 : this.volatileSlots[Math.floor(this.random() * n)];
  }

  /**
   * Fill `out` with up to `n` candidate slots an eviction policy may take, as Redis's dictGetSomeKeys: every
   * candidate when there are no more than `n` (so small tests are deterministic), else random TTL slots, or
   * a run of live slots from a random start. Foreign keys are skipped. Returns how many were written.
   */
  sampleSlots(out: Int32Array, n: number, volatileOnly: boolean): number {
    let j = 0;
    if (volatileOnly) {
      const total = this.volatileTotal;
      if (this.volatileTotal - this.foreignVolatile <= n) {
        for (let k = 0; k < total; k++) if (this.slotEvictable(this.volatileSlots[k])) out[j++] = this.volatileSlots[k];
        return j;
      }
      // With foreign keys among them some picks miss; a later call samples again.
      for (let k = 0; k < n; k++) {
        const slot = this.volatileSlots[Math.floor(this.random() * total)];
        if (this.slotEvictable(slot)) out[j++] = slot;
      }
      return j;
    }
    if (this.liveTotal - this.foreignTotal <= n) {
      for (const map of this.maps) for (const slot of map.values()) if (this.slotEvictable(slot)) out[j++] = slot;
      return j;
    }
    let i = Math.floor(this.random() * this.top);
    for (let walked = 0; j < n && walked < this.top; walked++) {
      if (this.slotEvictable(i)) out[j++] = i;
      if (++i === this.top) i = 0;
    }
    return j;
  }

  slotKey(slot: number): string | undefined {
    return this.keyOf[slot];
  }

  /** Database of a slot, or 255 if the slot is free. */
  slotDb(slot: number): number {
    return this.dbOf[slot];
  }

  slotExpireAt(slot: number): number {
    return this.expireAtOf[slot];
  }

  /** LFU counter after lazy decay (not stored). */
  slotFrequency(slot: number): number {
    const word = this.meta[META_WORDS * slot + M_LFU];
    return lfuDecayed(word & 0xff, (word >>> 8) & 0xffff, lfuMinutes(this.accessTime()), this.lfuDecayTime);
  }

  /** Remove a slot chosen by an eviction policy: counts evicted_keys and tells the listener. */
  evictSlot(slot: number): void {
    const db = this.dbOf[slot];
    const key = this.keyOf[slot] as string;
    this.removeSlotOf(slot, db, key);
    this.stats.evictedKeys++;
    const cb = this.listener.onKeyRemoved;
    if (cb !== undefined) cb(db, key, 'evicted');
  }

  /** Expire the slot if its time has passed (active expiry); returns true if it was removed. */
  expireSlotIfDue(slot: number, now: number): boolean {
    if (!this.pastTtl(slot, now)) return false;
    this.expireSlot(slot);
    return true;
  }

  // ==== WATCH (transactions) ====

  /** Call `listener` with every key set (created or replaced) from now on; null stops it. */
  setKeyListener(listener: ((db: number, key: string) => void) | null): void {
    this.keyListener = listener;
  }

  /** Mark `watcher` dirty when `key` of `db` is next modified, deleted, expired or evicted. */
  watchKey(db: number, key: string, watcher: KeyWatcher): void {
    const id = watchId(db, key);
    let set = this.watchers.get(id);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(id, set);
      this.watchedKeys++;
    }
    set.add(watcher);
  }

  unwatchKey(db: number, key: string, watcher: KeyWatcher): void {
    const id = watchId(db, key);
    const set = this.watchers.get(id);
    if (set === undefined || !set.delete(watcher) || set.size !== 0) return;
    this.watchers.delete(id);
    this.watchedKeys--;
  }

  private touchWatched(db: number, key: string): void {
    const set = this.watchers.get(watchId(db, key));
    if (set !== undefined) for (const watcher of set) watcher.dirty = true;
  }

  /** FLUSHALL: as Redis's touchAllWatchedKeysInDb, only watched keys that exist are touched. */
  private touchAllWatched(): void {
    for (const [id, set] of this.watchers) {
      const colon = id.indexOf(':');
      if (!this.maps[Number(id.slice(0, colon))].has(id.slice(colon + 1))) continue;
      for (const watcher of set) watcher.dirty = true;
    }
  }

  // ==== internals ====

  /** The clock, read for TTL decisions; keeps the cached access time fresh as a side effect. */
  private now(): number {
    const t = this.clock.now();
    this.setLruClock(t);
    return t;
  }

  private setLruClock(t: number): void {
    this.lruClock = t;
    this.lruStamp = (t - this.epoch) | 0;
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
      this.setLruClock(this.clock.now());
    }
    return this.lruClock;
  }

  /** Milliseconds since the slot's last access, modulo 2^32. */
  private idleOf(slot: number, now: number): number {
    return ((now - this.epoch) - this.meta[META_WORDS * slot + M_TOUCHED]) >>> 0;
  }

  private isExpired(slot: number): boolean {
    const exp = this.expireAtOf[slot];
    return exp !== 0 && this.now() > exp && !this.keepsExpired(slot);
  }

  /**
   * Whether the entry in `slot` is gone at `now` (alive at its expiry ms, gone 1 ms later); never on a
   * replica or for a foreign key, which go when the primary's DEL arrives.
   */
  private pastTtl(slot: number, now: number): boolean {
    const exp = this.expireAtOf[slot];
    return exp !== 0 && now > exp && !this.keepsExpired(slot);
  }

  /** A replica store, or a key of a hash slot held as a replica copy: its primary decides when it goes. */
  private keepsExpired(slot: number): boolean {
    return this.replica || (this.meta[META_WORDS * slot + M_LFU] & FOREIGN_BIT) !== 0;
  }

  /** Slot of a live key after lazy expiry, or -1. */
  private liveSlot(db: number, key: string): number {
    const slot = this.maps[db].get(key);
    if (slot === undefined) return -1;
    if (this.volatileTotal !== 0 && this.isExpired(slot)) {
      this.expireSlot(slot);
      return -1;
    }
    return slot;
  }

  /**
   * Record an access: stamp the time, bump LFU if tracked, move to the front of its recency list. A slot
   * whose M_PREV is -1 is already its list's head; otherwise the list has another slot, so the splice
   * below needs no empty-list cases.
   */
  private touch(slot: number): void {
    const meta = this.meta;
    const m = META_WORDS * slot;
    const now = this.accessTime();
    meta[m + M_TOUCHED] = this.lruStamp;
    const word = meta[m + M_LFU];
    if (this.trackFrequency) {
      const minute = lfuMinutes(now);
      const counter = lfuLogIncr(lfuDecayed(word & 0xff, (word >>> 8) & 0xffff, minute, this.lfuDecayTime), this.lfuLogFactor, this.random);
      meta[m + M_LFU] = (word & (VOLATILE_BIT | FOREIGN_BIT)) | (minute << 8) | counter;
    }
    const p = meta[m + M_PREV];
    if (p === -1) return;
    const list = (word >>> LIST_SHIFT) & 3;
    const n = meta[m + M_NEXT];
    meta[META_WORDS * p + M_NEXT] = n;
    if (n === -1) this.tails[list] = p;
    else meta[META_WORDS * n + M_PREV] = p;
    const h = this.heads[list];
    meta[m + M_PREV] = -1;
    meta[m + M_NEXT] = h;
    meta[META_WORDS * h + M_PREV] = slot;
    this.heads[list] = slot;
  }

  /*
   * Pointer surgery on the recency lists. Each list is doubly linked through M_PREV/M_NEXT by slot index,
   * -1 at both ends; `heads[list]` is the most recently used slot, `tails[list]` the eviction candidate.
   * Unlinking splices the neighbours together, fixing the head or tail when the slot was at an end.
   */
  private unlink(slot: number, list: number): void {
    const meta = this.meta;
    const p = meta[META_WORDS * slot + M_PREV];
    const n = meta[META_WORDS * slot + M_NEXT];
    if (p === -1) this.heads[list] = n;
    else meta[META_WORDS * p + M_NEXT] = n;
    if (n === -1) this.tails[list] = p;
    else meta[META_WORDS * n + M_PREV] = p;
  }

  private pushHead(slot: number, list: number): void {
    const meta = this.meta;
    const h = this.heads[list];
    meta[META_WORDS * slot + M_PREV] = -1;
    meta[META_WORDS * slot + M_NEXT] = h;
    if (h === -1) this.tails[list] = slot;
    else meta[META_WORDS * h + M_PREV] = slot;
    this.heads[list] = slot;
  }

  /**
   * Store a new value in a live slot and account the size change. A string's accounted bytes are a
   * function of its key and value lengths (resized() computes the same), so when the old value is a string
   * its bytes need not be read back, and an equal size writes nothing.
   */
  private replaceValue(slot: number, key: string, value: Value): void {
    const old = this.valueOf[slot];
    this.valueOf[slot] = value;
    const bytes = key.length + valueBytes(value) + ENTRY_OVERHEAD;
    if (typeof old === 'string') {
      const before = key.length + old.length + ENTRY_OVERHEAD;
      if (bytes === before) return;
      this.datasetBytes += bytes - before;
    } else {
      this.datasetBytes += bytes - this.bytesOf[slot];
    }
    this.bytesOf[slot] = bytes;
  }

  private insert(db: number, map: Map<string, number>, key: string, value: Value, expireAt: number): void {
    const slot = this.allocSlot();
    const now = this.accessTime();
    const m = META_WORDS * slot;
    this.keyOf[slot] = key;
    this.valueOf[slot] = value;
    this.dbOf[slot] = db;
    map.set(key, slot);
    let flags = expireAt !== 0 ? VOLATILE_BIT : 0;
    if (this.hashSlotOf !== undefined && db === 0) {
      const hashSlot = this.hashSlotOf(key);
      this.linkHashSlot(slot, hashSlot);
      if (this.foreignSlots !== undefined && this.foreignSlots[hashSlot] === 1) {
        flags |= FOREIGN_BIT;
        this.foreignTotal++;
        if (expireAt !== 0) this.foreignVolatile++;
      }
    }
    const bytes = key.length + valueBytes(value) + ENTRY_OVERHEAD;
    this.bytesOf[slot] = bytes;
    this.datasetBytes += bytes;
    this.meta[m + M_TOUCHED] = this.lruStamp;
    this.meta[m + M_LFU] = flags | (lfuMinutes(now) << 8) | LFU_INIT_VAL;
    if (expireAt !== 0) {
      this.expireAtOf[slot] = expireAt;
      this.addVolatile(slot, db, expireAt);
    }
    this.pushHead(slot, flags >>> LIST_SHIFT);
    this.liveTotal++;
  }

  /** Change a live slot's TTL, moving it between recency lists (to the front: commands looked it up first). */
  private changeExpire(slot: number, at: number): void {
    const old = this.expireAtOf[slot];
    const db = this.dbOf[slot];
    if (old !== 0 && at !== 0) {
      this.expireSumByDb[db] += at - old;
      this.expireAtOf[slot] = at;
      return;
    }
    const m = META_WORDS * slot + M_LFU;
    const word = this.meta[m];
    this.unlink(slot, (word >>> LIST_SHIFT) & 3);
    if (old !== 0) this.removeVolatile(slot, db, old);
    this.expireAtOf[slot] = at;
    if (at !== 0) this.addVolatile(slot, db, at);
    const next = at !== 0 ? word | VOLATILE_BIT : word & ~VOLATILE_BIT;
    this.meta[m] = next;
    if (next & FOREIGN_BIT) this.foreignVolatile += at !== 0 ? 1 : -1;
    this.pushHead(slot, (next >>> LIST_SHIFT) & 3);
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
    this.volatileByDb[db]--;
    this.expireSumByDb[db] -= at - this.epoch;
    if (this.volatileByDb[db] === 0) this.expireSumByDb[db] = 0;
  }

  private expireSlot(slot: number): void {
    const db = this.dbOf[slot];
    const key = this.keyOf[slot] as string;
    this.removeSlotOf(slot, db, key);
    this.stats.expiredKeys++;
    const cb = this.listener.onKeyRemoved;
    if (cb !== undefined) cb(db, key, 'expired');
  }

  /** Free a slot. Its other numeric fields are left as they are: nothing reads them before the slot is reused. */
  private removeSlot(slot: number): void {
    this.removeSlotOf(slot, this.dbOf[slot], this.keyOf[slot] as string);
  }

  private removeSlotOf(slot: number, db: number, key: string): void {
    if (this.watchedKeys !== 0) this.touchWatched(db, key);
    this.maps[db].delete(key);
    if (this.hashSlotHeads !== undefined && db === 0) this.unlinkHashSlot(slot);
    const word = this.meta[META_WORDS * slot + M_LFU];
    this.unlink(slot, (word >>> LIST_SHIFT) & 3);
    if (word & FOREIGN_BIT) {
      this.foreignTotal--;
      if (word & VOLATILE_BIT) this.foreignVolatile--;
    }
    if (word & VOLATILE_BIT) {
      this.removeVolatile(slot, db, this.expireAtOf[slot]);
      this.expireAtOf[slot] = 0;
    }
    this.datasetBytes -= this.bytesOf[slot];
    this.keyOf[slot] = undefined;
    this.valueOf[slot] = undefined;
    this.dbOf[slot] = FREE;
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
    const { meta, expireAtOf, dbOf, bytesOf, volatilePos, freeStack, volatileSlots, hashSlotAt, hashSlotPrev, hashSlotNext } = this;
    this.allocate(this.capacity * 2);
    this.meta.set(meta);
    this.expireAtOf.set(expireAtOf);
    this.dbOf.set(dbOf);
    this.bytesOf.set(bytesOf);
    this.volatilePos.set(volatilePos);
    this.freeStack.set(freeStack);
    this.volatileSlots.set(volatileSlots);
    this.hashSlotAt.set(hashSlotAt);
    this.hashSlotPrev.set(hashSlotPrev);
    this.hashSlotNext.set(hashSlotNext);
  }

  /** Fresh, zeroed arrays for `capacity` slots (slots >= top are never read before being written). */
  private allocate(capacity: number): void {
    this.capacity = capacity;
    this.meta = new Int32Array(capacity * META_WORDS);
    this.expireAtOf = new Float64Array(capacity);
    this.dbOf = new Uint8Array(capacity);
    this.bytesOf = new Uint32Array(capacity);
    this.volatilePos = new Int32Array(capacity);
    this.freeStack = new Int32Array(capacity);
    this.volatileSlots = new Int32Array(capacity);
    if (this.hashSlotHeads !== undefined) this.allocateHashSlotLinks(capacity);
  }

  private allocateHashSlotLinks(capacity: number): void {
    this.hashSlotAt = new Uint16Array(capacity);
    this.hashSlotPrev = new Int32Array(capacity);
    this.hashSlotNext = new Int32Array(capacity);
  }

  /** Count the entry in `slot` in its hash slot and push it on that hash slot's list. */
  private linkHashSlot(slot: number, hashSlot: number): void {
    const heads = this.hashSlotHeads as Int32Array;
    const h = heads[hashSlot];
    this.hashSlotAt[slot] = hashSlot;
    this.hashSlotPrev[slot] = -1;
    this.hashSlotNext[slot] = h;
    if (h !== -1) this.hashSlotPrev[h] = slot;
    heads[hashSlot] = slot;
    this.keysPerHashSlot![hashSlot]++;
  }

  private unlinkHashSlot(slot: number): void {
    const hashSlot = this.hashSlotAt[slot];
    const p = this.hashSlotPrev[slot];
    const n = this.hashSlotNext[slot];
    if (p === -1) (this.hashSlotHeads as Int32Array)[hashSlot] = n;
    else this.hashSlotNext[p] = n;
    if (n !== -1) this.hashSlotPrev[n] = p;
    this.keysPerHashSlot![hashSlot]--;
  }

  /** Random live slot of one database (O(1) expected when the database fills most of the pool). */
  private randomSlotOf(db: number, map: Map<string, number>): number {
    if (map.size * 8 >= this.top) {
      for (let probe = 0; probe < RANDOM_PROBES; probe++) {
        const i = Math.floor(this.random() * this.top);
        if (this.dbOf[i] === db) return i;
      }
    }
    let skip = Math.floor(this.random() * map.size);
    for (const slot of map.values()) if (skip-- === 0) return slot;
    return -1;
  }
}

/** Watch map key: the database number and the key, unambiguous since the number has no ':'. */
function watchId(db: number, key: string): string {
  return db + ':' + key;
}
