import { describe, it, expect } from '@jest/globals';
import { HashRing, ownerTable, slotCapacity, slotPoint } from './ring.js';
import { SLOT_COUNT } from './slots.js';
import { murmur3 } from './murmur3.js';

function generator(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
}

function nodeIds(count: number, seed: number): string[] {
  const random = generator(seed);
  return Array.from({ length: count }, () => Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join(''));
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = generator(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function movedFraction(before: HashRing, after: HashRing): number {
  let moved = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) {
    if (before.members[before.ownerOf(slot)] !== after.members[after.ownerOf(slot)]) moved++;
  }
  return moved / SLOT_COUNT;
}

describe('slotPoint', () => {
  it('spreads the slots evenly, in slot order', () => {
    const points = Array.from({ length: SLOT_COUNT }, (_, slot) => slotPoint(slot));
    const even = Array.from({ length: SLOT_COUNT }, (_, k) => k * 262144 + 131072);
    expect(points).toEqual(even);
  });
});

describe('Topology ranges', () => {
  it('keeps each arc one run of slots: about one CLUSTER SLOTS range per virtual point', () => {
    const ids = ['a', 'b', 'c'].map((c) => c.repeat(40));
    const ring = new HashRing(ids);
    let ranges = 1;
    for (let slot = 1; slot < SLOT_COUNT; slot++) if (ring.ownerOf(slot) !== ring.ownerOf(slot - 1)) ranges++;
    expect(ranges).toBeLessThan(3 * 160 * 1.5);
  });
});

describe('HashRing', () => {
  it('derives the same table from any order of the members', () => {
    const ids = nodeIds(17, 1);
    const table = ownerTable(ids);
    for (let seed = 2; seed < 6; seed++) expect(ownerTable(shuffled(ids, seed))).toEqual(table);
    expect(new HashRing(shuffled(ids, 9)).members).toEqual([...ids].sort());
  });

  it('gives every slot an owner and every member at most its capacity', () => {
    for (const size of [1, 3, 10, 100, 500]) {
      const ring = new HashRing(nodeIds(size, size));
      expect(ring.owners.length).toBe(SLOT_COUNT);
      expect(ring.loads.reduce((sum, load) => sum + load, 0)).toBe(SLOT_COUNT);
      expect(Math.max(...ring.owners)).toBeLessThan(size);
      expect(Math.max(...ring.loads)).toBeLessThanOrEqual(slotCapacity(size));
      expect(Math.max(...ring.loads) / (SLOT_COUNT / size)).toBeLessThanOrEqual(1.05);
    }
  });

  it('balances better than the plain ring it caps', () => {
    const ids = nodeIds(10, 3);
    const plainMax = Math.max(...new HashRing(ids, { bounded: false }).loads);
    expect(plainMax).toBeGreaterThan(slotCapacity(10));
    expect(Math.max(...new HashRing(ids).loads)).toBe(slotCapacity(10));
  });

  it('moves about 1/N of the slots when a member joins or leaves a small ring', () => {
    for (const size of [3, 5, 10]) {
      const ids = nodeIds(size + 1, 100 + size);
      const ring = new HashRing(ids.slice(0, size));
      expect(movedFraction(ring, new HashRing(ids))).toBeLessThanOrEqual(1.15 / (size + 1));
      expect(movedFraction(ring, new HashRing(ids.slice(1, size)))).toBeLessThanOrEqual(1.15 / size);
    }
  });

  it('moves a bounded multiple of 1/N on a large ring', () => {
    const ids = nodeIds(101, 7);
    const ring = new HashRing(ids.slice(0, 100));
    expect(movedFraction(ring, new HashRing(ids))).toBeLessThanOrEqual(1.6 / 101);
    expect(movedFraction(ring, new HashRing(ids.slice(1, 100)))).toBeLessThanOrEqual(1.6 / 100);
  });

  it('only ever moves slots onto a joining member or off a leaving one, without the cap', () => {
    const ids = nodeIds(11, 11);
    const ring = new HashRing(ids.slice(0, 10), { bounded: false });
    const joined = new HashRing(ids, { bounded: false });
    const wrongMoves: number[] = [];
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const after = joined.members[joined.ownerOf(slot)];
      if (after !== ring.members[ring.ownerOf(slot)] && after !== ids[10]) wrongMoves.push(slot);
    }
    expect(wrongMoves).toEqual([]);
  });

  it('names distinct replicas other than the owner, as many as the ring has', () => {
    const ring = new HashRing(nodeIds(5, 5));
    for (let slot = 0; slot < SLOT_COUNT; slot += 97) {
      const replicas = ring.replicasOf(slot, 2);
      expect(replicas).toHaveLength(2);
      expect(new Set(replicas).size).toBe(2);
      expect(replicas).not.toContain(ring.ownerOf(slot));
      expect(ring.replicasOf(slot, 10)).toHaveLength(4);
    }
    expect(new HashRing(['solo']).replicasOf(0, 2)).toEqual([]);
  });

  it('rejects too few virtual points, duplicates and an empty member list', () => {
    expect(() => new HashRing(['a'], { virtualPoints: 149 })).toThrow(RangeError);
    expect(() => new HashRing(['a', 'b', 'a'])).toThrow(RangeError);
    expect(() => new HashRing([])).toThrow(RangeError);
    expect(new HashRing(['a', 'b'], { virtualPoints: 400 }).loads.reduce((s, l) => s + l, 0)).toBe(SLOT_COUNT);
  });
});

describe('ring points', () => {
  it('sit at murmur3(`${id}#${i}`): a slot with an even spread is owned by the member of the next point', () => {
    const ids = ['a', 'node-7', 'x'.repeat(60)];
    const ring = new HashRing(ids, { bounded: false });
    const points = ring.members.flatMap((id, m) => Array.from({ length: 160 }, (_, i) => [murmur3(`${id}#${i}`), m] as const))
      .sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    for (let slot = 0; slot < SLOT_COUNT; slot += 101) {
      const next = points.find(([point]) => point >= slotPoint(slot)) ?? points[0]!;
      expect(ring.ownerOf(slot)).toBe(next[1]);
    }
  });
});
