import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INDEX_MIN_ENTRIES, INDEX_OVERHEAD, MAX_LISTPACK_ENTRIES, MEMBER_OVERHEAD, ZSET_BASE, ZSetValue } from './zset.js';

function members(z: ZSetValue): [string, number][] {
  return z.size === 0 ? [] : [...z.range(0, z.size - 1)].map((n) => [n.member, n.score]);
}

describe('ZSetValue', () => {
  it('orders by score then member, ranks, reverse walks', () => {
    const z = new ZSetValue();
    expect(z.set('b', 1)).toBe(true);
    expect(z.set('a', 1)).toBe(true);
    expect(z.set('c', 0.5)).toBe(true);
    expect(z.set('c', 2)).toBe(false);
    expect(members(z)).toEqual([['a', 1], ['b', 1], ['c', 2]]);
    expect(z.rank('c')).toBe(2);
    expect(z.rank('x')).toBeUndefined();
    expect([...z.range(0, 1, true)].map((n) => n.member)).toEqual(['c', 'b']);
    expect(z.bytes).toBe(ZSET_BASE + 3 + 3 * MEMBER_OVERHEAD);
    expect(z.delete('a')).toBe(true);
    expect(z.delete('a')).toBe(false);
    expect(z.size).toBe(2);
  });

  it('is a listpack up to 128 members of at most 64 bytes, then a skiplist for good', () => {
    const z = new ZSetValue();
    for (let i = 0; i < MAX_LISTPACK_ENTRIES; i++) z.set('m' + i, i);
    expect(z.encoding()).toBe('listpack');
    z.set('extra', 0);
    expect(z.encoding()).toBe('skiplist');
    z.delete('extra');
    expect(z.encoding()).toBe('skiplist');
    const long = new ZSetValue();
    long.set('x'.repeat(64), 1);
    expect(long.encoding()).toBe('listpack');
    long.set('x'.repeat(65), 1);
    expect(long.encoding()).toBe('skiplist');
  });

  it('agrees with a sorted-array model on random operations', () => {
    const names = Array.from({ length: 2 * INDEX_MIN_ENTRIES }, (_, i) => `m${i}`);
    const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', '', 'zz', ...names);
    const score = fc.constantFrom(-Infinity, -1, 0, 1, 1.5, 2, Infinity);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), member, score }),
      fc.record({ kind: fc.constant('delete' as const), member, score }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const z = new ZSetValue();
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            expect(z.set(o.member, o.score)).toBe(!model.has(o.member));
            model.set(o.member, o.score);
          } else {
            expect(z.delete(o.member)).toBe(model.delete(o.member));
          }
        }
        const sorted = [...model].sort((x, y) => (x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)));
        expect(members(z)).toEqual(sorted);
        sorted.forEach(([m], i) => {
          expect(z.rank(m)).toBe(i);
          expect(z.at(i).member).toBe(m);
        });
        if (sorted.length > 0) expect([...z.range(0, sorted.length - 1, true)].map((n) => n.member)).toEqual(sorted.map((e) => e[0]).reverse());
        expect(z.countBefore((n) => n.score < 1)).toBe(sorted.filter((e) => e[1] < 1).length);
        for (const m of names) expect(z.score(m)).toBe(model.get(m));
        const perMember = model.size > INDEX_MIN_ENTRIES ? MEMBER_OVERHEAD + INDEX_OVERHEAD : MEMBER_OVERHEAD;
        expect(z.bytes).toBe([...model.keys()].reduce((n, m) => n + m.length + perMember, ZSET_BASE));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps ranks right in a tall list through inserts, score changes and deletes', () => {
    const z = new ZSetValue();
    const model = new Map<string, number>();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let i = 0; i < 3000; i++) {
      const m = `m${next() % 2000}`;
      if (next() % 4 === 0) expect(z.delete(m)).toBe(model.delete(m));
      else {
        const score = next() % 100;
        expect(z.set(m, score)).toBe(!model.has(m));
        model.set(m, score);
      }
    }
    const sorted = [...model].sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    expect(members(z)).toEqual(sorted);
    sorted.forEach(([m, score], i) => {
      expect(z.rank(m)).toBe(i);
      expect(z.score(m)).toBe(score);
      expect(z.at(i).member).toBe(m);
    });
    expect([...z.range(0, sorted.length - 1, true)].map((n) => n.member)).toEqual(sorted.map((e) => e[0]).reverse());
    for (const [m] of sorted) z.delete(m);
    expect(z.size).toBe(0);
    expect(z.bytes).toBe(ZSET_BASE);
  });
});
