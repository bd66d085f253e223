/**
 * What a key holds. A Redis string is stored as a JS "binary string" (latin1: one char per byte), which is
 * binary-safe, compact (one byte per char in V8) and hashes fast as a Map key. Aggregate types (lists, hashes,
 * sets, sorted sets) are objects that carry their type name and keep their own approximate byte size.
 */
export interface AggregateValue {
  readonly type: 'list' | 'hash' | 'set' | 'zset';
  /** Approximate bytes held by the elements; kept up to date by the value itself on every mutation. */
  readonly bytes: number;
  /** OBJECT ENCODING name (e.g. "listpack", "quicklist", "hashtable", "skiplist"). */
  encoding(): string;
}

export type Value = string | AggregateValue;

/** TYPE name of a value. */
export function typeName(value: Value): string {
  return typeof value === 'string' ? 'string' : value.type;
}

/** Approximate payload bytes of a value (not counting per-entry overhead). */
export function valueBytes(value: Value): number {
  return typeof value === 'string' ? value.length : value.bytes;
}
