import type { Value } from './value.js';

/**
 * The keyspace as command handlers see it: every database, lookups with lazy expiry, TTLs, iteration.
 *
 * Keys are binary strings (latin1). `db` is a database index (0-15). Times are absolute Unix milliseconds.
 * Lookups apply lazy expiry first: an expired key is deleted (counted in expired_keys) and reads as missing.
 * Memory is accounted per entry; the caller (the command table) asks the engine to free memory before a
 * command that may grow it, so these methods never fail for lack of memory.
 */
export interface Keyspace {
  /** Read lookup: counts keyspace_hits/keyspace_misses and records the access for LRU/LFU. */
  lookupRead(db: number, key: string): Value | undefined;
  /** Write lookup: records the access for LRU/LFU, counts no hit/miss. */
  lookupWrite(db: number, key: string): Value | undefined;
  /** Lookup that neither counts nor touches (OBJECT, TYPE-like introspection, SCAN TYPE filter). Expires lazily. */
  peek(db: number, key: string): Value | undefined;
  /** True if the key exists (lazy expiry applied); no stats, no touch. */
  has(db: number, key: string): boolean;

  /**
   * Store a value. `expireAt` > 0 sets an absolute expiry, 0 removes any TTL.
   * `keepTtl` keeps the key's current TTL (SET KEEPTTL, APPEND-style in-place writes) and ignores `expireAt`.
   * A new key starts with fresh LRU/LFU state; an existing one keeps its LFU counter (as Redis).
   */
  set(db: number, key: string, value: Value, expireAt?: number, keepTtl?: boolean): void;
  /** Re-account memory for a value mutated in place (aggregates); no-op if the key is missing. */
  resized(db: number, key: string): void;
  /** Delete a key. Returns true if it existed (and was not already expired). */
  delete(db: number, key: string): boolean;

  /** Absolute expiry in ms, 0 if the key has no TTL, -1 if the key does not exist. */
  expireAt(db: number, key: string): number;
  /** Set an absolute expiry on an existing key; returns false if missing. A time in the past deletes the key (counted as expired? no: Redis counts it as a delete, not an expiry). */
  setExpireAt(db: number, key: string, at: number): boolean;
  /** Remove a TTL; true if the key had one. */
  persist(db: number, key: string): boolean;

  /** Number of keys in a database (may include keys expired but not yet collected, as Redis's DBSIZE). */
  size(db: number): number;
  /** Number of keys with a TTL in a database (for INFO keyspace `expires=`). */
  volatileCount(db: number): number;
  /** Sum of TTL-bearing keys' remaining ms / count, for INFO `avg_ttl` (0 if none). */
  averageTtl(db: number): number;
  flushDb(db: number): void;
  flushAll(): void;

  /**
   * Incremental iteration, as Redis SCAN: call with cursor 0, then with the returned cursor until it is 0.
   * Every key present for the whole iteration is visited at least once. Visits about `count` slots.
   */
  scan(db: number, cursor: number, count: number, visit: (key: string) => void): number;
  /** Every live key in a database (KEYS). */
  keys(db: number): IterableIterator<string>;
  /** A uniformly-ish random live key, or undefined if the database is empty. */
  randomKey(db: number): string | undefined;

  /** Milliseconds since the key was last accessed (OBJECT IDLETIME reports seconds); -1 if missing. */
  idleMs(db: number, key: string): number;
  /** LFU counter after decay (OBJECT FREQ); -1 if missing. */
  frequency(db: number, key: string): number;
  /**
   * Bytes accounted to the key (key, value and entry overhead: MEMORY USAGE); -1 if missing. Like Redis's
   * MEMORY USAGE it finds the key without expiring it.
   */
  accountedBytes(db: number, key: string): number;
}
