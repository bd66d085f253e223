import { describe, it, expect } from '@jest/globals';
import fc from 'fast-check';
import { FakeClock } from './clock.js';
import { seeded } from './commands/test-kit.js';
import { ENTRY_OVERHEAD, Store, type RemovalReason } from './store.js';
import { Engine } from './engine.js';
import { activeExpireCycle } from './expiry.js';
import { createEvictionPolicy } from './eviction/create.js';
import { EVICTION_POLICY_NAMES } from './eviction/policy.js';
import type { AggregateValue } from './value.js';

function makeStore(initialCapacity?: number) {
  const clock = new FakeClock();
  const removed: [number, string, RemovalReason][] = [];
  const store = new Store({
    clock,
    random: seeded(1),
    initialCapacity,
    listener: { onKeyRemoved: (db, key, reason) => removed.push([db, key, reason]) },
  });
  return { clock, store, removed };
}

describe('Store lookups', () => {
  it('counts hits and misses only on lookupRead', () => {
    const { store } = makeStore();
    store.set(0, 'k', 'v');
    expect(store.lookupRead(0, 'k')).toBe('v');
    expect(store.lookupRead(0, 'nope')).toBeUndefined();
    expect(store.lookupWrite(0, 'k')).toBe('v');
    expect(store.peek(0, 'k')).toBe('v');
    expect(store.has(0, 'k')).toBe(true);
    expect(store.stats.keyspaceHits).toBe(1);
    expect(store.stats.keyspaceMisses).toBe(1);
  });

  it('keeps databases apart', () => {
    const { store } = makeStore();
    store.set(0, 'k', 'zero');
    store.set(3, 'k', 'three');
    expect(store.peek(0, 'k')).toBe('zero');
    expect(store.peek(3, 'k')).toBe('three');
    expect(store.size(0)).toBe(1);
    expect(store.size(3)).toBe(1);
    expect(store.delete(3, 'k')).toBe(true);
    expect(store.peek(0, 'k')).toBe('zero');
    expect(store.delete(3, 'k')).toBe(false);
  });

  it('grows past its initial capacity and reuses freed slots', () => {
    const { store } = makeStore(16);
    for (let i = 0; i < 1000; i++) store.set(0, `k${i}`, `v${i}`);
    for (let i = 0; i < 1000; i += 2) store.delete(0, `k${i}`);
    for (let i = 0; i < 500; i++) store.set(1, `n${i}`, `w${i}`);
    expect(store.size(0)).toBe(500);
    expect(store.size(1)).toBe(500);
    for (let i = 1; i < 1000; i += 2) expect(store.peek(0, `k${i}`)).toBe(`v${i}`);
    for (let i = 0; i < 500; i++) expect(store.peek(1, `n${i}`)).toBe(`w${i}`);
  });
});

describe('Store TTL', () => {
  it('expires lazily on lookup once the time is past, counting expired_keys and telling the listener', () => {
    const { store, clock, removed } = makeStore();
    const at = clock.now() + 1000;
    store.set(0, 'k', 'v', at);
    expect(store.expireAt(0, 'k')).toBe(at);
    clock.advance(1000);
    expect(store.lookupRead(0, 'k')).toBe('v'); // alive at exactly its expiry time, as Redis (now > when)
    clock.advance(1);
    expect(store.lookupRead(0, 'k')).toBeUndefined();
    expect(store.stats.expiredKeys).toBe(1);
    expect(store.stats.keyspaceMisses).toBe(1);
    expect(removed).toEqual([[0, 'k', 'expired']]);
    expect(store.size(0)).toBe(0);
    expect(store.volatileCount(0)).toBe(0);
  });

  it('applies lazy expiry in every lookup kind', () => {
    for (const look of ['lookupWrite', 'peek', 'has', 'expireAt', 'delete', 'idleMs', 'frequency'] as const) {
      const { store, clock } = makeStore();
      store.set(0, 'k', 'v', clock.now() + 10);
      clock.advance(11);
      const r = store[look](0, 'k');
      expect([undefined, false, -1]).toContain(r);
      expect(store.stats.expiredKeys).toBe(1);
    }
  });

  it('setExpireAt in the past deletes without counting an expiry', () => {
    const { store, clock, removed } = makeStore();
    store.set(0, 'k', 'v');
    expect(store.setExpireAt(0, 'k', clock.now())).toBe(true);
    expect(store.has(0, 'k')).toBe(false);
    expect(store.stats.expiredKeys).toBe(0);
    expect(removed).toEqual([]);
    expect(store.setExpireAt(0, 'missing', clock.now() + 10)).toBe(false);
  });

  it('sets, changes and removes TTLs', () => {
    const { store, clock } = makeStore();
    store.set(0, 'k', 'v');
    expect(store.expireAt(0, 'k')).toBe(0);
    expect(store.expireAt(0, 'missing')).toBe(-1);
    expect(store.persist(0, 'k')).toBe(false);
    expect(store.setExpireAt(0, 'k', clock.now() + 5000)).toBe(true);
    expect(store.volatileCount(0)).toBe(1);
    expect(store.averageTtl(0)).toBe(5000);
    store.setExpireAt(0, 'k', clock.now() + 9000);
    clock.advance(1000);
    expect(store.averageTtl(0)).toBe(8000);
    expect(store.persist(0, 'k')).toBe(true);
    expect(store.expireAt(0, 'k')).toBe(0);
    expect(store.volatileCount(0)).toBe(0);
    expect(store.averageTtl(0)).toBe(0);
  });

  it('set replaces the TTL unless keepTtl; an expired key is new again', () => {
    const { store, clock } = makeStore();
    const at = clock.now() + 100;
    store.set(0, 'k', 'a', at);
    store.set(0, 'k', 'b', 0, true);
    expect(store.expireAt(0, 'k')).toBe(at);
    store.set(0, 'k', 'c');
    expect(store.expireAt(0, 'k')).toBe(0);
    store.set(0, 'k', 'd', at);
    clock.advance(200);
    store.set(0, 'k', 'e', 0, true);
    expect(store.expireAt(0, 'k')).toBe(0);
    expect(store.peek(0, 'k')).toBe('e');
    expect(store.stats.expiredKeys).toBe(1);
  });

  it('skips expired keys in keys() and scan, and never returns one from randomKey', () => {
    const { store, clock } = makeStore();
    store.set(0, 'live', 'v');
    store.set(0, 'dead', 'v', clock.now() + 1);
    clock.advance(2);
    expect([...store.keys(0)]).toEqual(['live']);
    const seen: string[] = [];
    expect(store.scan(0, 0, 10, (k) => seen.push(k))).toBe(0);
    expect(seen).toEqual(['live']);
    for (let i = 0; i < 10; i++) expect(store.randomKey(0)).toBe('live');
  });
});

describe('Store memory accounting', () => {
  it('grows on insert, follows overwrites and resizes, shrinks on delete, resets on flush', () => {
    const { store } = makeStore();
    expect(store.datasetBytes).toBe(0);
    store.set(0, 'key', 'x'.repeat(100));
    expect(store.datasetBytes).toBe(3 + 100 + ENTRY_OVERHEAD);
    store.set(0, 'key', 'x'.repeat(10));
    expect(store.datasetBytes).toBe(3 + 10 + ENTRY_OVERHEAD);
    const list = { type: 'list', bytes: 50, encoding: () => 'quicklist' } as { type: 'list'; bytes: number; encoding(): string };
    store.set(1, 'agg', list as AggregateValue);
    expect(store.datasetBytes).toBe(13 + ENTRY_OVERHEAD + 3 + 50 + ENTRY_OVERHEAD);
    list.bytes = 500;
    store.resized(1, 'agg');
    expect(store.datasetBytes).toBe(13 + ENTRY_OVERHEAD + 3 + 500 + ENTRY_OVERHEAD);
    store.delete(0, 'key');
    expect(store.datasetBytes).toBe(3 + 500 + ENTRY_OVERHEAD);
    store.set(0, 'a', 'b');
    store.flushDb(1);
    expect(store.datasetBytes).toBe(2 + ENTRY_OVERHEAD);
    store.flushAll();
    expect(store.datasetBytes).toBe(0);
    expect(store.size(0)).toBe(0);
    store.set(0, 'again', 'v');
    expect(store.peek(0, 'again')).toBe('v');
  });

  it('releases bytes of expired keys', () => {
    const { store, clock } = makeStore();
    store.set(0, 'k', 'v', clock.now() + 1);
    clock.advance(5);
    store.has(0, 'k');
    expect(store.datasetBytes).toBe(0);
  });
});

describe('Store SCAN', () => {
  it('returns a small database whole from cursor 0', () => {
    const { store } = makeStore();
    for (let i = 0; i < 5; i++) store.set(2, `k${i}`, 'v');
    const seen: string[] = [];
    expect(store.scan(2, 0, 10, (k) => seen.push(k))).toBe(0);
    expect(seen.sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
  });

  it('visits every key present for the whole iteration despite concurrent inserts and deletes', () => {
    const { store } = makeStore(16);
    const stable = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      store.set(0, `s${i}`, 'v');
      stable.add(`s${i}`);
      store.set(0, `t${i}`, 'v');
      store.set(1, `other${i}`, 'v');
    }
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    let n = 0;
    do {
      cursor = store.scan(0, cursor, 10, (k) => seen.add(k));
      calls++;
      // Churn: delete transient keys, add new ones (they may reuse freed slots anywhere).
      for (let j = 0; j < 5; j++, n++) {
        store.delete(0, `t${n}`);
        store.set(0, `new${n}`, 'v');
      }
    } while (cursor !== 0 && calls < 100_000);
    expect(cursor).toBe(0);
    for (const k of stable) expect(seen.has(k)).toBe(true);
    for (const k of seen) expect(k.startsWith('other')).toBe(false);
  });

  it('returns cursor 0 for an unknown cursor or an empty database', () => {
    const { store } = makeStore();
    expect(store.scan(0, 0, 10, () => undefined)).toBe(0);
    store.set(0, 'a', 'v');
    expect(store.scan(0, 123456, 10, () => undefined)).toBe(0);
  });
});

describe('Store random keys', () => {
  it('returns undefined for an empty database and every key eventually', () => {
    const { store } = makeStore();
    expect(store.randomKey(0)).toBeUndefined();
    for (let i = 0; i < 10; i++) store.set(0, `k${i}`, 'v');
    store.set(1, 'elsewhere', 'v');
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(store.randomKey(0) as string);
    expect(seen.size).toBe(10);
    expect(seen.has('elsewhere')).toBe(false);
  });
});

describe('Store introspection', () => {
  it('reports idle time since the last access', () => {
    const { store, clock } = makeStore();
    store.set(0, 'k', 'v');
    clock.advance(10_000);
    expect(store.idleMs(0, 'k')).toBe(10_000);
    store.lookupRead(0, 'k');
    clock.advance(5_000);
    expect(store.idleMs(0, 'k')).toBe(5_000);
    store.peek(0, 'k'); // no touch
    expect(store.idleMs(0, 'k')).toBe(5_000);
    expect(store.idleMs(0, 'missing')).toBe(-1);
  });

  it('counts frequency logarithmically when tracking, keeps it across overwrites, and decays it', () => {
    const { store, clock } = makeStore();
    store.trackFrequency = true;
    store.set(0, 'k', 'v');
    expect(store.frequency(0, 'k')).toBe(5);
    for (let i = 0; i < 1000; i++) store.lookupRead(0, 'k');
    const f = store.frequency(0, 'k');
    expect(f).toBeGreaterThan(5);
    expect(f).toBeLessThan(60);
    store.set(0, 'k', 'w');
    expect(store.frequency(0, 'k')).toBeGreaterThanOrEqual(f);
    const before = store.frequency(0, 'k');
    clock.advance(3 * 60_000);
    expect(store.frequency(0, 'k')).toBe(before - 3);
    expect(store.frequency(0, 'missing')).toBe(-1);
  });
});

describe('Store against a Map model (property)', () => {
  type Op =
    | { op: 'set'; db: number; key: string; ttl: number }
    | { op: 'del'; db: number; key: string }
    | { op: 'expire'; db: number; key: string; ttl: number }
    | { op: 'persist'; db: number; key: string }
    | { op: 'get'; db: number; key: string }
    | { op: 'advance'; ms: number }
    | { op: 'flushdb'; db: number };
  const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
  const db = fc.integer({ min: 0, max: 2 });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('set' as const), db, key, ttl: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 })) }),
    fc.record({ op: fc.constant('del' as const), db, key }),
    fc.record({ op: fc.constant('expire' as const), db, key, ttl: fc.integer({ min: -5, max: 50 }) }),
    fc.record({ op: fc.constant('persist' as const), db, key }),
    fc.record({ op: fc.constant('get' as const), db, key }),
    fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ op: fc.constant('flushdb' as const), db }),
  );

  it('agrees with a model on values, TTLs, sizes and memory', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const { store, clock } = makeStore(16);
        const model = [0, 1, 2].map(() => new Map<string, { value: string; at: number }>());
        const alive = (d: number, k: string) => {
          const e = model[d].get(k);
          if (e && e.at !== 0 && clock.now() > e.at) model[d].delete(k);
          return model[d].get(k);
        };
        let n = 0;
        for (const o of ops) {
          switch (o.op) {
            case 'set': {
              const value = `v${n++}`;
              const at = o.ttl ? clock.now() + o.ttl : 0;
              store.set(o.db, o.key, value, at);
              model[o.db].set(o.key, { value, at });
              break;
            }
            case 'del':
              expect(store.delete(o.db, o.key)).toBe(alive(o.db, o.key) !== undefined && model[o.db].delete(o.key));
              break;
            case 'expire': {
              const e = alive(o.db, o.key);
              expect(store.setExpireAt(o.db, o.key, clock.now() + o.ttl)).toBe(e !== undefined);
              if (e) {
                if (o.ttl <= 0) model[o.db].delete(o.key);
                else e.at = clock.now() + o.ttl;
              }
              break;
            }
            case 'persist': {
              const e = alive(o.db, o.key);
              expect(store.persist(o.db, o.key)).toBe(e !== undefined && e.at !== 0);
              if (e) e.at = 0;
              break;
            }
            case 'get':
              expect(store.lookupRead(o.db, o.key)).toBe(alive(o.db, o.key)?.value);
              break;
            case 'advance':
              clock.advance(o.ms);
              break;
            case 'flushdb':
              store.flushDb(o.db);
              model[o.db].clear();
              break;
          }
        }
        let bytes = 0;
        for (let d = 0; d < 3; d++) {
          for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) {
            const e = alive(d, k);
            expect(store.peek(d, k)).toBe(e?.value);
            expect(store.expireAt(d, k)).toBe(e ? e.at : -1);
            if (e) bytes += k.length + e.value.length + ENTRY_OVERHEAD;
          }
          expect(store.size(d)).toBe(model[d].size);
          expect(store.volatileCount(d)).toBe([...model[d].values()].filter((e) => e.at !== 0).length);
          expect(new Set(store.keys(d))).toEqual(new Set(model[d].keys()));
        }
        expect(store.datasetBytes).toBe(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('Store listener', () => {
  it('is optional', () => {
    const clock = new FakeClock();
    const store = new Store({ clock });
    store.set(0, 'k', 'v', clock.now() + 1);
    clock.advance(2);
    expect(store.has(0, 'k')).toBe(false);
    expect(store.stats.expiredKeys).toBe(1);
  });

  it('rejects an invalid database count', () => {
    expect(() => new Store({ clock: new FakeClock(), databases: 0 })).toThrow(RangeError);
    expect(() => new Store({ clock: new FakeClock(), databases: 300 })).toThrow(RangeError);
  });
});

describe('Store dirty counter and replica mode', () => {
  it('counts effective changes only, not lookups, no-ops, expiry or eviction', () => {
    const { clock, store } = makeStore();
    const moved = (change: () => unknown): number => {
      const before = store.dirty;
      change();
      return store.dirty - before;
    };
    expect(moved(() => store.set(0, 'k', 'v', clock.now() + 100))).toBe(1);
    expect(moved(() => store.lookupRead(0, 'k'))).toBe(0);
    expect(moved(() => store.delete(0, 'missing'))).toBe(0);
    expect(moved(() => store.persist(0, 'missing'))).toBe(0);
    expect(moved(() => store.setExpireAt(0, 'k', clock.now() + 200))).toBe(1);
    expect(moved(() => store.persist(0, 'k'))).toBe(1);
    expect(moved(() => store.persist(0, 'k'))).toBe(0);
    expect(moved(() => store.resized(0, 'k'))).toBe(1);
    expect(moved(() => store.resized(0, 'missing'))).toBe(0);
    store.set(0, 't', 'v', clock.now() + 10);
    clock.advance(11);
    expect(moved(() => store.lookupRead(0, 't'))).toBe(0); // expired: the listener reports it
    expect(moved(() => store.delete(0, 'k'))).toBe(1);
    store.set(0, 'e', 'v');
    expect(moved(() => store.evictSlot(store.lruTail(false)))).toBe(0);
    expect(store.totalKeys()).toBe(0);
    expect(moved(() => store.flushDb(1))).toBe(1);
    expect(moved(() => store.flushAll())).toBe(1);
  });

  it('keeps keys past their TTL in replica mode, for lookups, writes, iteration and the expiry cycle', () => {
    const { clock, store, removed } = makeStore();
    store.replica = true;
    store.set(0, 'a', '1', clock.now() + 10);
    store.set(0, 'b', '1');
    clock.advance(100);
    expect(store.lookupRead(0, 'a')).toBe('1');
    expect(store.setExpireAt(0, 'b', clock.now() - 1)).toBe(true);
    expect(store.has(0, 'b')).toBe(true);
    expect([...store.keys(0)].sort()).toEqual(['a', 'b']);
    expect(store.expireSlotIfDue(store.volatileSlotAt(0), clock.now())).toBe(false);
    expect(removed).toEqual([]);
    expect([...store.entries(0)].map((e) => [e.key, e.expireAt]).sort()).toEqual([
      ['a', clock.now() - 90],
      ['b', clock.now() - 1],
    ]);
  });
});

describe('Store hash slot lists (cluster mode)', () => {
  /** Hash slot = the key's first char code mod 4. */
  const slotOf = (key: string): number => key.charCodeAt(0) % 4;

  it('finds, counts and drops a hash slot\'s keys without a walk, across removals, pool growth and flushes', () => {
    const { store } = makeStore(16);
    store.set(0, 'a0', 'v'); // 'a' = 97: hash slot 1
    store.countKeysByHashSlot(slotOf, 4);
    for (let i = 1; i < 40; i++) store.set(0, `a${i}`, 'v');
    store.set(0, 'b', 'v'); // hash slot 2
    store.set(1, 'a-db1', 'v'); // other databases have no hash slots
    expect(store.keysInHashSlot(1)).toBe(40);
    store.delete(0, 'a7');
    store.delete(0, 'a39');
    store.delete(0, 'a0');
    expect(store.keysOfHashSlot(1, 100).sort()).toEqual([...store.keys(0)].filter((k) => k !== 'b').sort());
    expect(store.keysOfHashSlot(1, 5)).toHaveLength(5);
    expect([...store.hashSlotEntries(2)].map((e) => e.key)).toEqual(['b']);
    expect(store.deleteHashSlots(Uint8Array.of(0, 1, 0, 0))).toBe(37);
    expect(store.keysInHashSlot(1)).toBe(0);
    expect([...store.keys(0)]).toEqual(['b']);
    store.flushAll();
    expect(store.keysInHashSlot(2)).toBe(0);
    store.set(0, 'b2', 'v');
    expect(store.keysOfHashSlot(2, 10)).toEqual(['b2']);
  });
});

describe('Store foreign (replica-held) hash slots', () => {
  /** Keys starting with "f" are in hash slot 1, held as a replica copy; the others in hash slot 0, owned. */
  const slotOf = (key: string): number => (key.startsWith('f') ? 1 : 0);
  const FOREIGN_MASK = Uint8Array.of(0, 1);

  function foreignStore() {
    const made = makeStore();
    made.store.countKeysByHashSlot(slotOf, 2);
    made.store.setForeignSlots(FOREIGN_MASK);
    return made;
  }

  it('needs keys counted by hash slot', () => {
    expect(() => makeStore().store.setForeignSlots(FOREIGN_MASK)).toThrow(/countKeysByHashSlot/);
  });

  it('never expires a foreign key lazily: lookups, writes, a past EXPIRE, KEYS, SCAN, RANDOMKEY', () => {
    const { clock, store, removed } = foreignStore();
    store.set(0, 'f1', '1', clock.now() + 10);
    store.set(0, 'f2', '1');
    store.set(0, 'o1', '1', clock.now() + 10);
    store.set(0, 'o2', '1', clock.now() + 10);
    store.set(0, 'o3', '1', clock.now() + 10);
    clock.advance(11);
    expect(store.lookupRead(0, 'f1')).toBe('1');
    expect(store.lookupWrite(0, 'f1')).toBe('1');
    expect(store.has(0, 'f1')).toBe(true);
    expect(store.setExpireAt(0, 'f2', clock.now() - 1)).toBe(true);
    expect(store.has(0, 'f2')).toBe(true);
    expect(store.lookupRead(0, 'o1')).toBeUndefined();
    expect([...store.keys(0)].sort()).toEqual(['f1', 'f2']);
    expect(store.randomKey(0)).toMatch(/^f/);
    const seen: string[] = [];
    expect(store.scan(0, 0, 10, (k) => seen.push(k))).toBe(0);
    expect(seen.sort()).toEqual(['f1', 'f2']);
    expect(removed.map((r) => r[1]).sort()).toEqual(['o1', 'o2', 'o3']);
    expect(store.expireAt(0, 'f1')).toBe(clock.now() - 1);
    // An owned key given a past time still goes at once.
    store.set(0, 'o4', '1');
    expect(store.setExpireAt(0, 'o4', clock.now() - 1)).toBe(true);
    expect(store.has(0, 'o4')).toBe(false);
  });

  it('leaves foreign keys to the active expiry cycle, in both its exhaustive and its sampling loops', () => {
    for (const perKind of [5, 300]) {
      const { clock, store } = foreignStore();
      for (let i = 0; i < perKind; i++) {
        store.set(0, `f${i}`, 'v', clock.now() + 10);
        store.set(0, `o${i}`, 'v', clock.now() + 10);
      }
      clock.advance(11);
      let expired = 0;
      // The foreign share dilutes the cycle's stale estimate, so it may take several cycles.
      for (let cycle = 0; cycle < 1000 && store.volatileSize() > perKind; cycle++) expired += activeExpireCycle(store, clock.now());
      expect(expired).toBe(perKind);
      expect([...store.keys(0)].every((k) => k.startsWith('f'))).toBe(true);
      expect(store.size(0)).toBe(perKind);
    }
  });

  it('turns foreign keys into owned ones when the mask drops their hash slot, and back', () => {
    const { clock, store } = foreignStore();
    store.set(0, 'f1', '1', clock.now() + 10);
    store.set(0, 'f2', '1');
    clock.advance(11);
    expect(store.evictableCount(false)).toBe(0);
    expect(store.has(0, 'f1')).toBe(true);
    store.setForeignSlots(undefined);
    expect(store.evictableCount(false)).toBe(2);
    expect(store.evictableCount(true)).toBe(1);
    expect(store.has(0, 'f1')).toBe(false);
    store.setForeignSlots(FOREIGN_MASK);
    expect(store.evictableCount(false)).toBe(0);
    store.setForeignSlots(new Uint8Array(2)); // all zero: none foreign
    expect(store.evictableCount(false)).toBe(1);
  });

  it('never picks a foreign key as an eviction victim, whatever the policy', () => {
    for (const name of EVICTION_POLICY_NAMES) {
      const { clock, store } = foreignStore();
      store.trackFrequency = name.endsWith('-lfu');
      // Foreign keys are the oldest, least used and soonest to expire: each policy would pick them first.
      for (let i = 0; i < 30; i++) store.set(0, `f${i}`, 'v', clock.now() + 1000 + i);
      for (let i = 0; i < 30; i++) store.set(0, `fp${i}`, 'v');
      clock.advance(60_000);
      for (let i = 0; i < 10; i++) store.set(0, `o${i}`, 'v', i % 2 === 0 ? clock.now() + 100_000 : 0);
      for (let i = 0; i < 10; i++) for (let j = 0; j < 5; j++) store.lookupRead(0, `o${i}`);
      const policy = createEvictionPolicy(name);
      const evicted: string[] = [];
      for (let slot = policy.selectVictim(store, 5); slot >= 0; slot = policy.selectVictim(store, 5)) {
        evicted.push(store.slotKey(slot) as string);
        store.evictSlot(slot);
      }
      const expected = name === 'noeviction' ? [] : name.startsWith('volatile') ? ['o0', 'o2', 'o4', 'o6', 'o8'] : Array.from({ length: 10 }, (_, i) => `o${i}`);
      expect([name, evicted.sort()]).toEqual([name, expected.sort()]);
      expect(store.size(0)).toBe(60 + 10 - expected.length);
    }
  });

  it('refuses writes as noeviction does once only foreign keys remain (Engine: OOM)', () => {
    const engine = new Engine({ clock: new FakeClock(), maxmemory: 2000, maxmemoryPolicy: 'allkeys-lru' });
    engine.keyspace.countKeysByHashSlot(slotOf, 2);
    engine.keyspace.setForeignSlots(FOREIGN_MASK);
    engine.keyspace.set(0, 'o1', 'v');
    for (let i = 0; i < 20; i++) engine.keyspace.set(0, `f${i}`, 'x'.repeat(100));
    expect(engine.freeMemoryIfNeeded()).toBe(false);
    expect(engine.stats.evictedKeys).toBe(1);
    expect(engine.stats.oomRejections).toBe(1);
    expect(engine.keyspace.size(0)).toBe(20);
    engine.keyspace.setForeignSlots(undefined);
    expect(engine.freeMemoryIfNeeded()).toBe(true);
  });

  it('keeps owned keys behaving as usual: LRU order, lazy expiry, counts', () => {
    const { clock, store } = foreignStore();
    store.set(0, 'f0', 'v');
    store.set(0, 'a', 'v');
    clock.advance(1);
    store.set(0, 'b', 'v', clock.now() + 5);
    clock.advance(1);
    store.lookupRead(0, 'a');
    store.lookupRead(0, 'f0');
    expect(store.slotKey(store.lruTail(false))).toBe('b');
    expect(store.slotKey(store.lruTail(true))).toBe('b');
    store.persist(0, 'b'); // moves it to the front, as any command's lookup
    expect(store.slotKey(store.lruTail(false))).toBe('a');
    expect(store.lruTail(true)).toBe(-1);
    expect(store.evictableCount(false)).toBe(2);
    store.delete(0, 'f0');
    expect(store.evictableCount(false)).toBe(2);
    expect(store.totalKeys()).toBe(2);
  });
});
