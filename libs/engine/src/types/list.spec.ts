import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ELEMENT_OVERHEAD, LIST_BASE, ListValue } from './list.js';

function listOf(...elements: string[]): ListValue {
  const list = new ListValue();
  for (const e of elements) list.pushBack(e);
  return list;
}

describe('ListValue', () => {
  it('pushes and pops at both ends, wrapping around the ring', () => {
    const list = new ListValue();
    for (let i = 0; i < 20; i++) list.pushFront(String(i));
    for (let i = 0; i < 20; i++) list.pushBack('b' + i);
    expect(list.length).toBe(40);
    expect(list.at(0)).toBe('19');
    expect(list.at(39)).toBe('b19');
    expect(list.at(40)).toBeUndefined();
    expect(list.popFront()).toBe('19');
    expect(list.popBack()).toBe('b19');
    expect(list.length).toBe(38);
  });

  it('keeps bytes as element lengths plus a per-element overhead', () => {
    const list = listOf('abc', 'de');
    expect(list.bytes).toBe(LIST_BASE + 5 + 2 * ELEMENT_OVERHEAD);
    list.setAt(0, 'x');
    expect(list.bytes).toBe(LIST_BASE + 3 + 2 * ELEMENT_OVERHEAD);
    list.popBack();
    expect(list.bytes).toBe(LIST_BASE + 1 + ELEMENT_OVERHEAD);
    list.popBack();
    expect(list.bytes).toBe(LIST_BASE);
    expect(list.popBack()).toBeUndefined();
  });

  it('removes by value from either end with a limit', () => {
    const list = listOf('a', 'x', 'b', 'x', 'c', 'x');
    expect(list.remove('x', 2, true)).toBe(2);
    expect(list.toArray()).toEqual(['a', 'x', 'b', 'c']);
    expect(list.remove('x', 0, false)).toBe(1);
    expect(list.toArray()).toEqual(['a', 'b', 'c']);
    expect(list.remove('z', 0, false)).toBe(0);
  });

  it('reports the quicklist encoding, as Redis 7.0', () => {
    expect(new ListValue().encoding()).toBe('quicklist');
    expect(new ListValue().type).toBe('list');
  });

  it('agrees with an array model on random operation sequences', () => {
    const element = fc.string({ maxLength: 3 });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('pushFront' as const), e: element }),
      fc.record({ kind: fc.constant('pushBack' as const), e: element }),
      fc.record({ kind: fc.constant('popFront' as const) }),
      fc.record({ kind: fc.constant('popBack' as const) }),
      fc.record({ kind: fc.constant('set' as const), i: fc.nat(), e: element }),
      fc.record({ kind: fc.constant('insert' as const), i: fc.nat(), e: element }),
      fc.record({ kind: fc.constant('remove' as const), e: element, limit: fc.nat(3), fromTail: fc.boolean() }),
      fc.record({ kind: fc.constant('trim' as const), a: fc.nat(), b: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const list = new ListValue();
        let model: string[] = [];
        for (const o of ops) {
          switch (o.kind) {
            case 'pushFront': list.pushFront(o.e); model.unshift(o.e); break;
            case 'pushBack': list.pushBack(o.e); model.push(o.e); break;
            case 'popFront': expect(list.popFront()).toBe(model.shift()); break;
            case 'popBack': expect(list.popBack()).toBe(model.pop()); break;
            case 'set':
              if (model.length > 0) { const i = o.i % model.length; list.setAt(i, o.e); model[i] = o.e; }
              break;
            case 'insert': { const i = o.i % (model.length + 1); list.insertAt(i, o.e); model.splice(i, 0, o.e); break; }
            case 'remove': {
              const order = o.fromTail ? [...model].reverse() : [...model];
              let removed = 0;
              const kept = order.filter((x) => !(x === o.e && (o.limit === 0 || removed < o.limit) && ++removed));
              if (o.fromTail) kept.reverse();
              expect(list.remove(o.e, o.limit, o.fromTail)).toBe(removed);
              model = kept;
              break;
            }
            case 'trim':
              if (model.length > 0) {
                const a = o.a % model.length, b = o.b % model.length;
                list.trim(a, b);
                model = a > b ? [] : model.slice(a, b + 1);
              }
              break;
          }
          expect(list.length).toBe(model.length);
        }
        expect(list.toArray()).toEqual(model);
        for (let i = 0; i < model.length; i++) expect(list.at(i)).toBe(model[i]);
        expect(list.indexOf('a')).toBe(model.indexOf('a'));
        expect(list.bytes).toBe(model.reduce((n, e) => n + e.length + ELEMENT_OVERHEAD, LIST_BASE));
      }),
      { numRuns: 300 },
    );
  });
});
