/** Groups the keys of a multi-key command by hash slot, so each group is one single-slot command a node accepts. */
import { groupBySlot as groupKeysBySlot, keySlot } from '../../cluster/src/slots.js';

/** The slot of a key as a server sees it: slots.ts hashes bytes (one char each), so non-ASCII keys go through UTF-8 first. */
export function clientKeySlot(key: string): number {
  return /^[\x00-\x7f]*$/.test(key) ? keySlot(key) : keySlot(Buffer.from(key, 'utf8').toString('latin1'));
}

/**
 * Positions (into `keys`) of the keys of each slot, in the caller's order within a slot; `prefix` is the
 * client's keyPrefix, which the server sees in front of every key.
 */
export function groupBySlot(keys: readonly string[], prefix = ''): Map<number, number[]> {
  return groupKeysBySlot(keys, (key) => clientKeySlot(prefix + key));
}
