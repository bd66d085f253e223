/**
 * Replica placement: which members hold copies of each slot, derived from the member set alone, like the
 * owner table, so every node and client computes the same placement.
 *
 * A slot's first replica is the member that would own it if its primary were gone: its owner in the ring of
 * the other members. Its second replica is its owner in the ring without the primary and the first replica,
 * and so on. So when a primary fails, the new epoch's table (the ring of the survivors) gives each of its
 * slots to the member that already holds a copy, and when the new primary fails too, to the next one: a
 * failover never hands a slot to a member without its data. (On a plain consistent-hash ring these are the
 * next distinct members clockwise; under the load bound they can differ, so the rule is stated as what the
 * table after a failure would say rather than as ring order.)
 *
 * Cost: one ring per distinct chain of removed members. Measured (Node 20, 2-core VM): 3 members 47 / 56 ms
 * for 1 / 2 replicas, 10 members 51 / 221 ms, 30 members 169 ms / 2.0 s. Fine for a handful of members; before
 * this runs on a node's event loop at every topology change, larger clusters need it incremental (only the
 * node's own slots, or rings built across ticks).
 */
import { HashRing, type RingOptions } from './ring.js';
import { SLOT_COUNT } from './slots.js';

/** No replica at this position (fewer members than count + 1). */
export const NO_REPLICA = 0xffff;

/**
 * For each slot, `count` member indexes (into the sorted, de-duplicated member list, as HashRing.members):
 * entry `slot * count + r` is replica r + 1, NO_REPLICA when the cluster is too small.
 */
export function replicaTable(memberIds: readonly string[], count: number, options: RingOptions = {}): Uint16Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a non-negative integer');
  const base = HashRing.of(memberIds, options);
  const members = base.members;
  const indexOf = new Map(members.map((id, i) => [id, i]));
  const table = new Uint16Array(SLOT_COUNT * count).fill(NO_REPLICA);
  if (count === 0) return table;
  /** Members removed so far for each slot: its primary, then its replicas found so far. */
  const removed: number[][] = Array.from({ length: SLOT_COUNT }, (_, slot) => [base.owners[slot]!]);
  for (let r = 0; r < count; r++) {
    // Slots whose chains of removed members are equal share one ring of the rest.
    const groups = new Map<string, number[]>();
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const chain = removed[slot]!;
      if (chain.length < r + 1) continue; // a previous round found no member left
      const key = [...chain].sort((a, b) => a - b).join(',');
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = []));
      group.push(slot);
    }
    for (const slots of groups.values()) {
      const gone = new Set(removed[slots[0]!]!);
      const rest = members.filter((_, i) => !gone.has(i));
      if (rest.length === 0) continue;
      const ring = HashRing.of(rest, options);
      for (const slot of slots) {
        const replica = indexOf.get(ring.members[ring.owners[slot]!]!)!;
        table[slot * count + r] = replica;
        removed[slot]!.push(replica);
      }
    }
  }
  return table;
}

/**
 * Heirs: members that must hold a copy of a slot besides its owner and replicas. Under the load bound, a
 * failure moves not only the failed member's slots: the survivors' ring can also shift a few slots between
 * two survivors (a member that was full has room again), on average ~40 of 16384 per failure in a 3-member
 * cluster. Such a slot's new owner has a copy only if it was already a replica; otherwise it would serve the
 * slot empty, and the old owner, now a replica, would copy that emptiness (data loss found by the kill -9
 * fault test). So for every set F of at most `count` members that can fail together, the owner of each slot in
 * the ring without F holds a copy beforehand: the replica chain covers F containing the owner, heirs the rest
 * (well under 1% of slots). Returns, per member index (as HashRing.members), a mask of the slots it is heir
 * of; `replicas` is replicaTable's result for the same members and count.
 *
 * Cost: one ring per failure set, sum over k <= count of C(n, k) (3 members: 3 or 6 rings; 5 members: 5 or 15).
 */
export function heirTable(memberIds: readonly string[], count: number, replicas: Uint16Array, options: RingOptions = {}): Uint8Array[] {
  const base = HashRing.of(memberIds, options);
  const members = base.members;
  const heirs = members.map(() => new Uint8Array(SLOT_COUNT));
  const indexOf = new Map(members.map((id, i) => [id, i]));
  const holds = (slot: number, member: number): boolean => {
    if (base.owners[slot] === member) return true;
    for (let r = 0; r < count; r++) if (replicas[slot * count + r] === member) return true;
    return false;
  };
  const visit = (failed: number[], from: number): void => {
    if (failed.length > 0 && failed.length < members.length) {
      const gone = new Set(failed);
      const ring = HashRing.of(members.filter((_, i) => !gone.has(i)), options);
      const toBase = ring.members.map((id) => indexOf.get(id)!);
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        const owner = toBase[ring.owners[slot]!]!;
        if (!holds(slot, owner)) heirs[owner]![slot] = 1;
      }
    }
    if (failed.length === count) return;
    for (let m = from; m < members.length; m++) visit([...failed, m], m + 1);
  };
  if (count > 0) visit([], 0);
  return heirs;
}
