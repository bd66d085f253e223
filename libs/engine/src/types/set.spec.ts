import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { INDEX_MIN_ENTRIES, INDEX_OVERHEAD, MAX_INTSET_ENTRIES, MEMBER_OVERHEAD, SET_BASE, SetValue } from './set.js';

function setOf(...members: string[]): SetValue {
  const set = new SetValue();
  for (const m of members) set.add(m);
  return set;
}

describe('SetValue', () => {
  it('adds, removes and tests members', () => {
    const set = setOf('a', 'b', 'c');
    expect(set.add('a')).toBe(false);
    expect(set.size).toBe(3);
    expect(set.remove('b')).toBe(true);
    expect(set.remove('b')).toBe(false);
    expect(set.has('a') && set.has('c') && !set.has('b')).toBe(true);
    expect([...set.values()].sort()).toEqual(['a', 'c']);
  });

  it('keeps bytes as member lengths plus a per-member overhead', () => {
    const set = setOf('abc', 'de');
    expect(set.bytes).toBe(SET_BASE + 5 + 2 * MEMBER_OVERHEAD);
    set.remove('abc');
    expect(set.bytes).toBe(SET_BASE + 2 + MEMBER_OVERHEAD);
    set.pop();
    expect(set.bytes).toBe(SET_BASE);
  });

  it('is an intset while all members are int64 and few, and never goes back', () => {
    const set = setOf('1', '-5', '9223372036854775807', '-9223372036854775808');
    expect(set.encoding()).toBe('intset');
    set.add('9223372036854775808');
    expect(set.encoding()).toBe('hashtable');
    set.remove('9223372036854775808');
    expect(set.encoding()).toBe('hashtable');
    for (const m of ['01', '-0', '+1', ' 1', '1.0', '']) expect(setOf(m).encoding()).toBe('hashtable');
    const big = new SetValue();
    for (let i = 0; i < MAX_INTSET_ENTRIES; i++) big.add(String(i));
    expect(big.encoding()).toBe('intset');
    big.add('-1');
    expect(big.encoding()).toBe('hashtable');
  });

  it('pops and picks random members uniformly enough', () => {
    const set = setOf('a', 'b', 'c', 'd');
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(set.random() as string);
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
    const popped = [set.pop(), set.pop(), set.pop(), set.pop()];
    expect(popped.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(set.pop()).toBeUndefined();
    expect(set.random()).toBeUndefined();
  });

  it('iterates an intset in ascending numeric order after any changes', () => {
    const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
    const small = fc.integer({ min: -50, max: 50 }).map(String);
    fc.assert(
      fc.property(fc.array(fc.oneof(int64, small), { maxLength: 40 }), fc.array(small, { maxLength: 20 }), (added, removed) => {
        const set = setOf(...added);
        for (const m of removed) set.remove(m);
        expect(set.encoding()).toBe('intset');
        const expected = [...new Set(added)].filter((m) => !removed.includes(m));
        expected.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
        expect([...set.values()]).toEqual(expected);
        for (const m of expected) expect(set.has(m)).toBe(true);
      }),
    );
  });

  it('agrees with a JS Set on random operation sequences', () => {
    const names = Array.from({ length: 2 * INDEX_MIN_ENTRIES }, (_, i) => (i % 2 === 0 ? `m${i}` : String(i * 3 - 30)));
    const member = fc.constantFrom('a', 'b', 'c', '1', '2', '-3', 'xyz', '', ...names);
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), member }),
      fc.record({ kind: fc.constant('remove' as const), member }),
      fc.record({ kind: fc.constant('pop' as const), member }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 150 }), (ops) => {
        const set = new SetValue();
        const model = new Set<string>();
        for (const { kind, member: m } of ops) {
          if (kind === 'add') expect(set.add(m)).toBe(!model.has(m));
          if (kind === 'add') model.add(m);
          if (kind === 'remove') expect(set.remove(m)).toBe(model.delete(m));
          if (kind === 'pop') {
            const p = set.pop();
            if (model.size === 0) expect(p).toBeUndefined();
            else expect(model.delete(p as string)).toBe(true);
          }
          expect(set.size).toBe(model.size);
        }
        expect([...set.values()].sort()).toEqual([...model].sort());
        for (const m of model) expect(set.has(m)).toBe(true);
        for (const m of names) expect(set.has(m)).toBe(model.has(m));
        let bytes = SET_BASE;
        const perMember = model.size > INDEX_MIN_ENTRIES ? MEMBER_OVERHEAD + INDEX_OVERHEAD : MEMBER_OVERHEAD;
        for (const m of model) bytes += m.length + perMember;
        expect(set.bytes).toBe(bytes);
      }),
    );
  });
});
