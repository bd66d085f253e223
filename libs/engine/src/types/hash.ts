import type { AggregateValue } from '../value.js';
import { exactAppend } from './exact-append.js';

/** hash-max-listpack-entries and hash-max-listpack-value, Redis 7.0 defaults. */
export const LISTPACK_MAX_ENTRIES = 512;
export const LISTPACK_MAX_VALUE = 64;
/** Up to this many fields a lookup scans the entries; above it a field → slot Map is kept. */
export const INDEX_MIN_ENTRIES = 8;
/**
 * Heap bytes, measured with test/support/measure-memory.mjs (node 20, `--expose-gc`, heapUsed after gc()):
 * an empty hash (the object and its empty array) is HASH_BASE; each field costs its field and value lengths
 * plus HASH_ENTRY_OVERHEAD (two string headers, two array slots and the array's growth slack), plus
 * HASH_INDEX_OVERHEAD more while the index exists (the Map entry at its average load). With 15-byte fields
 * and 3-byte values: empty 88 B, 1 field 176 B, 8 fields 680 B, 200k fields 98 B/field beyond the payload,
 * 1M fields 83 B/field.
 */
export const HASH_BASE = 88;
export const HASH_ENTRY_OVERHEAD = 66;
export const HASH_INDEX_OVERHEAD = 22;

/**
 * A Redis hash: fields and values interleaved in one dense array (field of slot i at 2i, its value at
 * 2i + 1), as compact as a listpack while small. A lookup scans the array while there are at most
 * INDEX_MIN_ENTRIES fields; past that a field → slot Map is built, and dropped again when the hash shrinks.
 *
 * While small it behaves as Redis's listpack: deleting keeps the insertion order (a shift of at most 512
 * slots), so HGETALL lists fields in the order Redis does. Once a field or value outgrows 64 bytes or the
 * hash 512 fields, it becomes a "hashtable" for good: order no longer matters, so a delete moves the last
 * slot into the hole, and every operation, random pick included, is O(1).
 *
 * Scanning a hashtable walks the slots from the top down. A delete only moves the top slot (already
 * visited, or about to be) into a lower hole, and inserts land above the cursor, so a field present for the
 * whole scan is always visited, at worst twice: the guarantee Redis's SCAN gives.
 */
export class HashValue implements AggregateValue {
  private entries: string[] = [];
  private index: Map<string, number> | null = null;
  private payload = 0;
  private listpack = true;

  get type(): 'hash' {
    return 'hash';
  }

  get bytes(): number {
    const perEntry = this.index === null ? HASH_ENTRY_OVERHEAD : HASH_ENTRY_OVERHEAD + HASH_INDEX_OVERHEAD;
    return HASH_BASE + this.payload + this.size * perEntry;
  }

  get size(): number {
    return this.entries.length >> 1;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  /** A deep copy with the same encoding and field order (COPY). */
  clone(): HashValue {
    const copy = new HashValue();
    copy.entries = this.entries.slice();
    if (this.index !== null) copy.index = new Map(this.index);
    copy.payload = this.payload;
    copy.listpack = this.listpack;
    return copy;
  }

  get(field: string): string | undefined {
    const slot = this.slotOf(field);
    return slot < 0 ? undefined : this.entries[2 * slot + 1];
  }

  has(field: string): boolean {
    return this.slotOf(field) >= 0;
  }

  /** Set a field; true if it is new. */
  set(field: string, value: string): boolean {
    if (this.listpack && (field.length > LISTPACK_MAX_VALUE || value.length > LISTPACK_MAX_VALUE)) this.listpack = false;
    const slot = this.slotOf(field);
    if (slot >= 0) {
      this.payload += value.length - this.entries[2 * slot + 1].length;
      this.entries[2 * slot + 1] = value;
      return false;
    }
    const size = this.size;
    this.entries = exactAppend(this.entries, field, value);
    this.payload += field.length + value.length;
    if (this.index !== null) this.index.set(field, size);
    else if (size + 1 > INDEX_MIN_ENTRIES) this.buildIndex();
    if (size + 1 > LISTPACK_MAX_ENTRIES) this.listpack = false;
    return true;
  }

  /** Delete a field; true if it existed. */
  delete(field: string): boolean {
    const slot = this.slotOf(field);
    if (slot < 0) return false;
    const entries = this.entries;
    this.payload -= field.length + entries[2 * slot + 1].length;
    this.index?.delete(field);
    const last = this.size - 1;
    if (this.listpack) {
      for (let i = 2 * slot; i < 2 * last; i++) entries[i] = entries[i + 2];
      if (this.index !== null) for (let i = slot; i < last; i++) this.index.set(entries[2 * i], i);
    } else if (slot !== last) {
      entries[2 * slot] = entries[2 * last];
      entries[2 * slot + 1] = entries[2 * last + 1];
      this.index?.set(entries[2 * slot], slot);
    }
    entries.length = 2 * last;
    if (last <= INDEX_MIN_ENTRIES) this.index = null;
    return true;
  }

  /** The field and value in slot `i` (0 <= i < size), for iteration in order and random picks. */
  fieldAt(i: number): string {
    return this.entries[2 * i];
  }

  valueAt(i: number): string {
    return this.entries[2 * i + 1];
  }

  /**
   * One HSCAN step from `cursor` (0 to start): a listpack hash is returned whole with cursor 0, as Redis
   * does; a hashtable visits about `count` fields. Returns the next cursor, 0 when done.
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    const size = this.size;
    if (this.listpack) {
      for (let i = 0; i < size; i++) visit(this.entries[2 * i], this.entries[2 * i + 1]);
      return 0;
    }
    let next = cursor === 0 || cursor > size ? size : cursor;
    for (let n = 0; n < count && next > 0; n++) {
      next--;
      visit(this.entries[2 * next], this.entries[2 * next + 1]);
    }
    return next;
  }

  /** Slot of a field, or -1. */
  private slotOf(field: string): number {
    if (this.index !== null) return this.index.get(field) ?? -1;
    const entries = this.entries;
    for (let i = 0; i < entries.length; i += 2) if (entries[i] === field) return i >> 1;
    return -1;
  }

  private buildIndex(): void {
    const index = new Map<string, number>();
    for (let i = 0; i < this.entries.length; i += 2) index.set(this.entries[i], i >> 1);
    this.index = index;
  }
}
