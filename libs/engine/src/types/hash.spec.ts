import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { HASH_BASE, HASH_ENTRY_OVERHEAD, HASH_INDEX_OVERHEAD, HashValue, INDEX_MIN_ENTRIES } from './hash.js';

function entries(hash: HashValue): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < hash.size; i++) out.push([hash.fieldAt(i), hash.valueAt(i)]);
  return out;
}

function modelBytes(model: Map<string, string>): number {
  const perEntry = model.size > INDEX_MIN_ENTRIES ? HASH_ENTRY_OVERHEAD + HASH_INDEX_OVERHEAD : HASH_ENTRY_OVERHEAD;
  let bytes = HASH_BASE;
  for (const [f, v] of model) bytes += f.length + v.length + perEntry;
  return bytes;
}

describe('HashValue', () => {
  it('sets, gets and deletes fields', () => {
    const h = new HashValue();
    expect(h.set('a', '1')).toBe(true);
    expect(h.set('a', '22')).toBe(false);
    expect(h.get('a')).toBe('22');
    expect(h.has('b')).toBe(false);
    expect(h.bytes).toBe(HASH_BASE + 1 + 2 + HASH_ENTRY_OVERHEAD);
    expect(h.delete('a')).toBe(true);
    expect(h.delete('a')).toBe(false);
    expect(h.size).toBe(0);
    expect(h.bytes).toBe(HASH_BASE);
  });

  it('keeps insertion order while a listpack', () => {
    const h = new HashValue();
    for (const f of ['a', 'b', 'c', 'd']) h.set(f, f.toUpperCase());
    h.delete('b');
    h.set('a', 'x');
    h.set('b', 'B');
    expect(entries(h)).toEqual([['a', 'x'], ['c', 'C'], ['d', 'D'], ['b', 'B']]);
  });

  it('becomes a hashtable past 512 fields or 64 bytes, and stays one', () => {
    const h = new HashValue();
    for (let i = 0; i < 512; i++) h.set(`f${i}`, 'v');
    expect(h.encoding()).toBe('listpack');
    h.set('f512', 'v');
    expect(h.encoding()).toBe('hashtable');
    h.delete('f512');
    expect(h.encoding()).toBe('hashtable');

    const long = new HashValue();
    long.set('x'.repeat(64), 'y'.repeat(64));
    expect(long.encoding()).toBe('listpack');
    long.set('a', 'y'.repeat(65));
    expect(long.encoding()).toBe('hashtable');
    const longField = new HashValue();
    longField.set('x'.repeat(65), '');
    expect(longField.encoding()).toBe('hashtable');
  });

  it('scans a listpack in one call with cursor 0', () => {
    const h = new HashValue();
    h.set('a', '1');
    h.set('b', '2');
    const seen: string[] = [];
    expect(h.scan(0, 1, (f, v) => seen.push(f, v))).toBe(0);
    expect(seen).toEqual(['a', '1', 'b', '2']);
  });

  it('agrees with a Map model on random operation sequences', () => {
    const field = fc.oneof(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.string({ maxLength: 70 }));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), field, value: fc.string({ maxLength: 70 }) }),
      fc.record({ kind: fc.constant('del' as const), field }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const h = new HashValue();
        const model = new Map<string, string>();
        let wasHashtable = false;
        for (const o of ops) {
          if (o.kind === 'set') {
            expect(h.set(o.field, o.value)).toBe(!model.has(o.field));
            model.set(o.field, o.value);
          } else {
            expect(h.delete(o.field)).toBe(model.delete(o.field));
          }
          expect(h.size).toBe(model.size);
          expect(h.bytes).toBe(modelBytes(model));
          if (h.encoding() === 'listpack') {
            expect(wasHashtable).toBe(false);
            expect(entries(h)).toEqual([...model]);
          } else {
            wasHashtable = true;
            expect(new Map(entries(h))).toEqual(model);
          }
        }
        for (const [f, v] of model) expect(h.get(f)).toBe(v);
      }),
    );
  });

  it('keeps listpack order and lookups while its field index is built and dropped', () => {
    const field = fc.constantFrom(...Array.from({ length: 2 * INDEX_MIN_ENTRIES }, (_, i) => `f${i}`));
    const op = fc.record({ set: fc.boolean(), field, value: fc.constantFrom('', 'v', 'value') });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const h = new HashValue();
        const model = new Map<string, string>();
        for (const o of ops) {
          if (o.set) expect(h.set(o.field, o.value)).toBe(!model.has(o.field));
          if (o.set) model.set(o.field, o.value);
          else expect(h.delete(o.field)).toBe(model.delete(o.field));
          expect(entries(h)).toEqual([...model]);
          expect(h.bytes).toBe(modelBytes(model));
        }
        for (let i = 0; i < 2 * INDEX_MIN_ENTRIES; i++) expect(h.get(`f${i}`)).toBe(model.get(`f${i}`));
      }),
    );
  });

  it('hashtable scan visits every field present throughout, despite deletes and inserts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 130, max: 400 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.nat(), { maxLength: 100 }), (n, count, churn) => {
        const h = new HashValue();
        for (let i = 0; i < n; i++) h.set(`f${i}`, 'v');
        const deleted = new Set<string>();
        const seen = new Set<string>();
        let cursor = 0;
        let step = 0;
        let added = 0;
        do {
          cursor = h.scan(cursor, count, (f) => seen.add(f));
          const c = churn[step++];
          if (c !== undefined) {
            if (c % 2 === 0) {
              const f = `f${c % n}`;
              if (h.delete(f)) deleted.add(f);
            } else {
              h.set(`new${added++}`, 'v');
            }
          }
        } while (cursor !== 0);
        for (let i = 0; i < n; i++) if (!deleted.has(`f${i}`)) expect(seen.has(`f${i}`)).toBe(true);
      }),
    );
  });
});
