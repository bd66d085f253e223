import type { AggregateValue } from '../value.js';

/** hash-max-listpack-entries and hash-max-listpack-value, Redis 7.0 defaults. */
export const LISTPACK_MAX_ENTRIES = 512;
export const LISTPACK_MAX_VALUE = 64;
/** Bytes counted per field on top of the field and value lengths (array slots and index entry). */
export const HASH_ENTRY_OVERHEAD = 16;

/**
 * A Redis hash: fields and values in two dense arrays, with a field → slot index.
 *
 * While small it behaves as Redis's listpack: deleting keeps the insertion order (a splice of at most 512
 * slots), so HGETALL lists fields in the order Redis does. Once a field or value outgrows 64 bytes or the
 * hash 512 fields, it becomes a "hashtable" for good: order no longer matters, so a delete moves the last
 * slot into the hole, and every operation, random pick included, is O(1).
 *
 * Scanning a hashtable walks the slots from the top down. A delete only moves the top slot (already
 * visited, or about to be) into a lower hole, and inserts land above the cursor, so a field present for the
 * whole scan is always visited, at worst twice: the guarantee Redis's SCAN gives.
 */
export class HashValue implements AggregateValue {
  readonly type = 'hash';
  bytes = 0;
  private readonly slots = new Map<string, number>();
  private readonly fields: string[] = [];
  private readonly values: string[] = [];
  private listpack = true;

  get size(): number {
    return this.fields.length;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  /** A deep copy with the same encoding and field order (COPY). */
  clone(): HashValue {
    const copy = new HashValue();
    for (const [field, slot] of this.slots) copy.slots.set(field, slot);
    for (let i = 0; i < this.fields.length; i++) {
      copy.fields.push(this.fields[i]);
      copy.values.push(this.values[i]);
    }
    copy.bytes = this.bytes;
    copy.listpack = this.listpack;
    return copy;
  }

  get(field: string): string | undefined {
    const slot = this.slots.get(field);
    return slot === undefined ? undefined : this.values[slot];
  }

  has(field: string): boolean {
    return this.slots.has(field);
  }

  /** Set a field; true if it is new. */
  set(field: string, value: string): boolean {
    if (this.listpack && (field.length > LISTPACK_MAX_VALUE || value.length > LISTPACK_MAX_VALUE)) this.listpack = false;
    const slot = this.slots.get(field);
    if (slot !== undefined) {
      this.bytes += value.length - this.values[slot].length;
      this.values[slot] = value;
      return false;
    }
    this.slots.set(field, this.fields.length);
    this.fields.push(field);
    this.values.push(value);
    this.bytes += field.length + value.length + HASH_ENTRY_OVERHEAD;
    if (this.fields.length > LISTPACK_MAX_ENTRIES) this.listpack = false;
    return true;
  }

  /** Delete a field; true if it existed. */
  delete(field: string): boolean {
    const slot = this.slots.get(field);
    if (slot === undefined) return false;
    this.slots.delete(field);
    this.bytes -= field.length + this.values[slot].length + HASH_ENTRY_OVERHEAD;
    const last = this.fields.length - 1;
    if (this.listpack) {
      this.fields.splice(slot, 1);
      this.values.splice(slot, 1);
      for (let i = slot; i < last; i++) this.slots.set(this.fields[i], i);
    } else {
      if (slot !== last) {
        this.fields[slot] = this.fields[last];
        this.values[slot] = this.values[last];
        this.slots.set(this.fields[slot], slot);
      }
      this.fields.pop();
      this.values.pop();
    }
    return true;
  }

  /** The field and value in slot `i` (0 <= i < size), for iteration in order and random picks. */
  fieldAt(i: number): string {
    return this.fields[i];
  }

  valueAt(i: number): string {
    return this.values[i];
  }

  /**
   * One HSCAN step from `cursor` (0 to start): a listpack hash is returned whole with cursor 0, as Redis
   * does; a hashtable visits about `count` fields. Returns the next cursor, 0 when done.
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    const size = this.fields.length;
    if (this.listpack) {
      for (let i = 0; i < size; i++) visit(this.fields[i], this.values[i]);
      return 0;
    }
    let next = cursor === 0 || cursor > size ? size : cursor;
    for (let n = 0; n < count && next > 0; n++) {
      next--;
      visit(this.fields[next], this.values[next]);
    }
    return next;
  }
}
