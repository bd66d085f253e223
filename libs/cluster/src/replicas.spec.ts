import { describe, expect, it } from '@jest/globals';
import { HashRing } from './ring.js';
import { NO_REPLICA, heirTable, replicaTable } from './replicas.js';
import { SLOT_COUNT } from './slots.js';

const ids = (n: number, seed = 1): string[] =>
  Array.from({ length: n }, (_, i) => ((i + 1) * 2654435761 * seed).toString(16).padStart(8, '0').repeat(5).slice(0, 40));

/** Owner id of every slot in the ring of `members`. */
const owners = (members: readonly string[]): string[] => {
  const ring = new HashRing(members);
  return Array.from({ length: SLOT_COUNT }, (_, slot) => ring.members[ring.owners[slot]!]!);
};

describe('replicaTable', () => {
  it.each([3, 5, 8])('with %i members, a failed primary\'s slots go to their first replica, and after it fails too, to the second', (n) => {
    const members = ids(n);
    const base = new HashRing(members);
    const table = replicaTable(members, 2);
    const sorted = base.members;
    for (const primary of sorted) {
      const survivors = owners(sorted.filter((id) => id !== primary));
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        if (sorted[base.owners[slot]!] !== primary) continue;
        const first = sorted[table[slot * 2]!]!;
        expect(survivors[slot]).toBe(first);
      }
    }
    // Double failure of a primary and its first replica: the second replica takes over.
    const primary = sorted[0]!;
    const slotsOfPrimary = Array.from({ length: SLOT_COUNT }, (_, s) => s).filter((s) => base.owners[s] === 0);
    const firstReplicas = new Set(slotsOfPrimary.map((s) => table[s * 2]!));
    for (const first of firstReplicas) {
      const after = owners(sorted.filter((id, i) => id !== primary && i !== first));
      for (const slot of slotsOfPrimary.filter((s) => table[s * 2] === first)) expect(after[slot]).toBe(sorted[table[slot * 2 + 1]!]);
    }
  });

  it('never places a replica on the primary or twice on one member; too few members leave NO_REPLICA', () => {
    const table = replicaTable(ids(3), 2);
    const base = new HashRing(ids(3));
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const [a, b] = [table[slot * 2]!, table[slot * 2 + 1]!];
      expect(new Set([base.owners[slot], a, b]).size).toBe(3);
    }
    const two = replicaTable(ids(2), 2);
    for (let slot = 0; slot < SLOT_COUNT; slot++) expect(two[slot * 2 + 1]).toBe(NO_REPLICA);
    expect(replicaTable(ids(1), 1).every((r) => r === NO_REPLICA)).toBe(true);
    expect(replicaTable(ids(3), 0)).toHaveLength(0);
  });

  it('depends on the member set alone, not its order', () => {
    const members = ids(5, 7);
    expect(replicaTable([...members].reverse(), 1)).toEqual(replicaTable(members, 1));
  });
});

describe('heirTable', () => {
  /** Every failure set of at most `count` members (not all of them). */
  const failureSets = (n: number, count: number): number[][] => {
    const out: number[][] = [];
    const visit = (set: number[], from: number): void => {
      if (set.length > 0 && set.length < n) out.push(set);
      if (set.length === count) return;
      for (let m = from; m < n; m++) visit([...set, m], m + 1);
    };
    visit([], 0);
    return out;
  };

  it.each([
    [3, 1, 2], [3, 1, 21], [3, 2, 15], [5, 2, 9],
  ])('with %i members and %i replica(s) (seed %i), the owner after any failure of that many members already holds a copy', (n, count, seed) => {
    const members = ids(n, seed);
    const base = new HashRing(members);
    const sorted = base.members;
    const replicas = replicaTable(members, count);
    const heirs = heirTable(members, count, replicas);
    const holders = Array.from({ length: SLOT_COUNT }, (_, slot) => {
      const set = new Set([sorted[base.owners[slot]!]!]);
      for (let r = 0; r < count; r++) if (replicas[slot * count + r] !== NO_REPLICA) set.add(sorted[replicas[slot * count + r]!]!);
      sorted.forEach((id, i) => heirs[i]![slot] === 1 && set.add(id));
      return set;
    });
    let moves = 0;
    for (const failed of failureSets(n, count)) {
      const after = owners(sorted.filter((_, i) => !failed.includes(i)));
      for (let slot = 0; slot < SLOT_COUNT; slot++) {
        if (!holders[slot]!.has(after[slot]!)) throw new Error(`slot ${slot} after failing ${failed}: ${after[slot]} holds no copy`);
        if (!failed.includes(base.owners[slot]!) && after[slot] !== sorted[base.owners[slot]!]) moves++;
      }
    }
    // The load bound does move slots between survivors (the reason heirs exist), and heirs stay a small share.
    const heirSlots = heirs.reduce((sum, mask) => sum + mask.reduce((a, b) => a + b, 0), 0);
    expect(heirSlots).toBeLessThan(SLOT_COUNT * 0.05 * count);
    expect(moves).toBeGreaterThan(0);
  });

  it('never makes the owner or a replica an heir, and is empty without replicas', () => {
    const members = ids(4, 3);
    const base = new HashRing(members);
    const replicas = replicaTable(members, 1);
    const heirs = heirTable(members, 1, replicas);
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      expect(heirs[base.owners[slot]!]![slot]).toBe(0);
      expect(heirs[replicas[slot]!]![slot]).toBe(0);
    }
    expect(heirTable(members, 0, new Uint16Array(0)).every((mask) => mask.every((bit) => bit === 0))).toBe(true);
  });
});
