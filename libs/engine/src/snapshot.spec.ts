/**
 * Slot snapshots: every hash slot of a random keyspace (five types, values past one chunk, TTLs, -0/inf
 * scores, binary keys) replayed through a fresh engine's command table rebuilds the same keyspace.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Engine } from './engine.js';
import { FakeClock } from './clock.js';
import type { Value } from './value.js';
import { ListValue } from './types/list.js';
import { HashValue } from './types/hash.js';
import { SetValue } from './types/set.js';
import { ZSetValue } from './types/zset.js';
import { makeContext, run, type TestContext } from './commands/test-kit.js';
import { estimateSlotSnapshotBytes, SNAPSHOT_CHUNK, snapshotSlot } from './snapshot.js';

/** Few hash slots, so that each holds several keys; the store only needs a function and a count. */
const SLOTS = 16;
const slotOf = (key: string): number => {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) & 0xffff;
  return h % SLOTS;
};
const REPLICA_LAG_MS = 250;

function clusterEngine(clock: FakeClock): Engine {
  const engine = new Engine({ clock, databases: 2 });
  engine.keyspace.countKeysByHashSlot(slotOf, SLOTS);
  return engine;
}

/**
 * What clients read of every key of database 0 (contents by type, absolute expiry), keys in order: the
 * comparison goes through commands, not the value classes the snapshot reads. `keep` filters by expiry.
 */
function observed(ctx: TestContext, keep: (expireAt: number) => boolean = () => true): unknown[] {
  const keys = [...ctx.engine.keyspace.entries(0)].filter((e) => keep(e.expireAt)).map((e) => e.key).sort();
  return keys.map((key) => [key, ctx.engine.keyspace.expireAt(0, key), contents(ctx, key)]);
}

function contents(ctx: TestContext, key: string): unknown {
  const type = run(ctx, 'TYPE', key);
  if (type === '+string') return run(ctx, 'GET', key);
  if (type === '+list') return ['list', run(ctx, 'LRANGE', key, '0', '-1')];
  if (type === '+set') return ['set', (run(ctx, 'SMEMBERS', key) as string[]).sort()];
  // Scores come back as numbers: toEqual tells -0 from 0.
  if (type === '+zset') return ['zset', run(ctx, 'ZRANGE', key, '0', '-1', 'WITHSCORES')];
  const flat = run(ctx, 'HGETALL', key) as string[];
  const fields: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) fields.push([flat[i], flat[i + 1]]);
  return [type, fields.sort((x, y) => (x[0] < y[0] ? -1 : 1))];
}

/** Run a snapshot's commands on `replica`, failing on any error reply. */
function applier(replica: TestContext): (args: string[]) => void {
  return (args) => {
    const errors = replica.reply.errors;
    const reply = run(replica, ...args);
    if (replica.reply.errors !== errors) throw new Error(`replica refused ${JSON.stringify(args.slice(0, 3))}: ${JSON.stringify(reply)}`);
  };
}

/** Snapshot every hash slot of `primary` into `replica`. */
function snapshotAll(primary: Engine, replica: TestContext): void {
  const apply = applier(replica);
  for (let slot = 0; slot < SLOTS; slot++) snapshotSlot(primary.keyspace, slot, primary.clock.now(), apply);
}

/** A replica engine holding every hash slot as a replica copy, its clock `lag` ms behind the primary's writes. */
function replicaOf(primary: Engine, lag = REPLICA_LAG_MS): TestContext {
  const engine = clusterEngine(new FakeClock(primary.clock.now() + lag));
  engine.keyspace.setForeignSlots(new Uint8Array(SLOTS).fill(1));
  return makeContext(engine);
}

// ---- random keyspaces ----

const binary = (max: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max }).map((codes) => String.fromCharCode(...codes));
/** Small alphabets collide often (repeated members, shared fields); binary ones cover every byte. */
const element = fc.oneof(fc.constantFrom('a', 'b', 'c', '1', '2', '-3', '10', ''), binary(6), binary(80));
const integerMember = fc.integer({ min: -1000, max: 1000 }).map(String);
const score = fc.oneof(fc.constantFrom(0, -0, Infinity, -Infinity, 0.1, 1 / 3, 1e300, -5e-324, 2 ** 53 + 2), fc.double({ noNaN: true }));
/** Up to 300 elements: past one chunk (128) and past the listpack limits. */
const size = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 100, max: 300 }));

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  binary(40),
  fc.tuple(size, fc.array(element, { minLength: 1, maxLength: 20 })).map(([n, xs]) => {
    const list = new ListValue();
    for (let i = 0; i < n; i++) list.pushBack(`e${i}`);
    for (const x of xs) list.pushFront(x);
    return list;
  }),
  fc.tuple(size, fc.array(fc.tuple(element, element), { maxLength: 20 })).map(([n, pairs]) => {
    const hash = new HashValue();
    for (let i = 0; i < n; i++) hash.set(`f${i}`, `v${i}`);
    for (const [f, v] of pairs) hash.set(f, v);
    return hash;
  }),
  fc.tuple(fc.boolean(), size, fc.array(fc.oneof(integerMember, element), { maxLength: 20 }), fc.array(integerMember, { maxLength: 10 })).map(
    ([intsOnly, n, members, ints]) => {
      const set = new SetValue();
      for (let i = 0; i < n; i++) set.add(intsOnly ? String(i * 7) : `m${i}`);
      for (const m of intsOnly ? ints : members) set.add(m);
      if (set.size === 0) set.add('7');
      return set;
    },
  ),
  fc.tuple(size, fc.array(fc.tuple(element, score), { minLength: 1, maxLength: 20 })).map(([n, pairs]) => {
    const zset = new ZSetValue();
    for (let i = 0; i < n; i++) zset.set(`m${i}`, i / 3);
    for (const [m, s] of pairs) zset.set(m, s);
    // As ZADD leaves it: a listpack reads -0 back as 0 (see zsetPairs).
    if (zset.encoding() === 'listpack') for (const [m] of pairs) if (Object.is(zset.score(m), -0)) zset.set(m, 0);
    return zset;
  }),
);

/** No TTL, a future one, one the replica's lag outlives, or one already past (left out). */
const ttl = fc.constantFrom(0, 0, 5000, 100, -1, -2000);
const entry = fc.tuple(fc.oneof(binary(12), fc.constantFrom('{a}x', 'k', '\u0000', '\u00ff\u00fe')), valueArb, ttl);

describe('snapshotSlot (property)', () => {
  it('replaying every slot through the command table rebuilds the keyspace: values, types, TTLs', () => {
    let keys = 0;
    let skipped = 0;
    let bigValues = 0;
    fc.assert(
      fc.property(fc.array(entry, { minLength: 5, maxLength: 40, size: 'medium' }), (entries) => {
        const clock = new FakeClock();
        const primary = makeContext(clusterEngine(clock));
        const store = primary.engine.keyspace;
        const now = clock.now();
        for (const [key, value, t] of entries) store.set(0, key, value, t === 0 ? 0 : now + t);
        store.set(1, 'other-db', 'v'); // database 1 is not in any hash slot
        const replica = replicaOf(primary.engine);
        snapshotAll(primary.engine, replica);
        const expected = observed(primary, (at) => at === 0 || at >= now);
        expect(observed(replica)).toEqual(expected);
        // Keys whose TTL passed on the replica's (later) clock are held, not expired: the primary decides.
        expect(replica.engine.stats.expiredKeys).toBe(0);
        expect(replica.engine.keyspace.size(1)).toBe(0);
        keys += expected.length;
        skipped += store.size(0) - expected.length;
        for (const e of store.entries(0)) if (typeof e.value !== 'string' && e.value.bytes > 2000) bigValues++;
      }),
      { seed: 20261122, numRuns: 80 },
    );
    // The run exercised what it claims to.
    expect(keys).toBeGreaterThan(500);
    expect(skipped).toBeGreaterThan(0);
    expect(bigValues).toBeGreaterThan(50);
  });
});

describe('snapshotSlot', () => {
  function primaryWith(...commands: string[][]): TestContext {
    const ctx = makeContext(clusterEngine(new FakeClock()));
    for (const args of commands) run(ctx, ...args);
    return ctx;
  }

  function commandsOf(primary: TestContext, slot: number): string[][] {
    const out: string[][] = [];
    snapshotSlot(primary.engine.keyspace, slot, primary.clock.now(), (args) => out.push(args));
    return out;
  }

  it('chunks aggregates by 128 elements: a creating command, then appending ones, then PEXPIREAT', () => {
    const items = Array.from({ length: 300 }, (_, i) => `e${i}`);
    const primary = primaryWith(['RPUSH', 'l', ...items], ['PEXPIREAT', 'l', String(Date.UTC(2030, 0, 1))]);
    const commands = commandsOf(primary, slotOf('l'));
    expect(commands.map((c) => [c[0], c[1], c.length - 2])).toEqual([
      ['RPUSH', 'l', SNAPSHOT_CHUNK],
      ['RPUSH', 'l', SNAPSHOT_CHUNK],
      ['RPUSH', 'l', 300 - 2 * SNAPSHOT_CHUNK],
      ['PEXPIREAT', 'l', 1],
    ]);
    expect(commands.slice(0, 3).flatMap((c) => c.slice(2))).toEqual(items);
    expect(commands[3][2]).toBe(String(Date.UTC(2030, 0, 1)));
  });

  it('prints scores that parse back to the same double', () => {
    const primary = primaryWith(['ZADD', 'z', '0', 'a', 'inf', 'b', '-inf', 'c', '0.1', 'd', '1e300', 'e', '5e-324', 'f']);
    const commands = commandsOf(primary, slotOf('z'));
    expect(commands).toEqual([['ZADD', 'z', '-inf', 'c', '0', 'a', '4.9406564584124654e-324', 'f', '0.10000000000000001', 'd', '1.0000000000000001e+300', 'e', 'inf', 'b']]);
    const replica = replicaOf(primary.engine, 0);
    snapshotAll(primary.engine, replica);
    expect(observed(replica)).toEqual(observed(primary));
  });

  it('keeps -0 scores of a skiplist, sent after the members that make the replica\'s zset a skiplist', () => {
    const members = Array.from({ length: 200 }, (_, i) => [String(i), `m${i}`]).flat();
    const primary = primaryWith(['ZADD', 'z', ...members], ['ZADD', 'z', '-0', 'a'], ['ZADD', 'small', '1', 'x'.repeat(70)], ['ZADD', 'small', '-0', 'b']);
    expect(run(primary, 'ZSCORE', 'z', 'a')).toBe(-0);
    expect(run(primary, 'ZSCORE', 'small', 'b')).toBe(-0);
    const commands = commandsOf(primary, slotOf('z'));
    expect(commands.at(-1)?.slice(-2)).toEqual(['-0', 'a']);
    const replica = replicaOf(primary.engine, 0);
    snapshotAll(primary.engine, replica);
    expect(run(replica, 'ZSCORE', 'z', 'a')).toBe(-0);
    expect(run(replica, 'ZSCORE', 'small', 'b')).toBe(-0);
    expect(observed(replica)).toEqual(observed(primary));
  });

  it('leaves out keys past their TTL, without expiring them, and touches nothing', () => {
    const primary = primaryWith(['SET', 'gone', 'v', 'PX', '100'], ['SET', 'kept', 'v', 'PX', '100'], ['SET', 'plain', 'v']);
    primary.clock.advance(100); // alive at its expiry ms
    const slots = new Set([slotOf('gone'), slotOf('kept'), slotOf('plain')]);
    const at = (): unknown[] => [...slots].flatMap((slot) => commandsOf(primary, slot).map((c) => c[1]));
    expect(at().sort()).toEqual(['gone', 'gone', 'kept', 'kept', 'plain']); // SET and PEXPIREAT each
    run(primary, 'SET', 'kept', 'v', 'PX', '500');
    const idle = primary.engine.keyspace.idleMs(0, 'plain');
    const hits = primary.engine.stats.keyspaceHits;
    primary.clock.advance(1);
    expect(at().sort()).toEqual(['kept', 'kept', 'plain']);
    expect(primary.engine.keyspace.size(0)).toBe(3);
    expect(primary.engine.stats.expiredKeys).toBe(0);
    expect(primary.engine.stats.keyspaceHits).toBe(hits);
    expect(primary.engine.keyspace.idleMs(0, 'plain')).toBe(idle + 1);
  });

  it('emits only the keys of its hash slot, and nothing without keys counted by hash slot', () => {
    const primary = primaryWith(['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3']);
    expect(slotOf('a')).not.toBe(slotOf('b'));
    expect(commandsOf(primary, slotOf('a'))).toEqual([['SET', 'a', '1']]);
    const plain = makeContext();
    run(plain, 'SET', 'a', '1');
    expect(commandsOf(plain, slotOf('a'))).toEqual([]);
  });

  it('returns the bytes emitted, and estimates a slot from its key count', () => {
    const primary = primaryWith(['SET', 'a', 'xyz'], ['HSET', 'b', 'f', 'v']);
    const store = primary.engine.keyspace;
    expect(snapshotSlot(store, slotOf('a'), primary.clock.now(), () => undefined)).toBe('SETaxyz'.length);
    expect(estimateSlotSnapshotBytes(store, slotOf('a'))).toBe(Math.ceil(store.datasetBytes / 2));
    expect(estimateSlotSnapshotBytes(store, (slotOf('a') + 5) % SLOTS)).toBe(0);
  });

  it('keeps small values equivalent: listpack field order, intset order, listpack zsets, and their encodings', () => {
    const primary = primaryWith(
      ['HSET', 'h', 'z', '1', 'a', '2', 'm', '3'],
      ['SADD', 's', '30', '-2', '7'],
      ['ZADD', 'zs', '2', 'b', '1', 'a', '1', 'c'],
      ['RPUSH', 'l', 'x', 'y', 'x'],
      ['SADD', 'mixed', 'a', '1'],
    );
    const replica = replicaOf(primary.engine, 0);
    snapshotAll(primary.engine, replica);
    for (const [read, key] of [['HGETALL', 'h'], ['SMEMBERS', 's'], ['ZRANGE', 'zs'], ['LRANGE', 'l']]) {
      const args = read === 'ZRANGE' ? [read, key, '0', '-1', 'WITHSCORES'] : read === 'LRANGE' ? [read, key, '0', '-1'] : [read, key];
      expect(run(replica, ...args)).toEqual(run(primary, ...args));
    }
    for (const key of ['h', 's', 'zs', 'l', 'mixed']) expect(run(replica, 'OBJECT', 'ENCODING', key)).toBe(run(primary, 'OBJECT', 'ENCODING', key));
  });

  it('rebuilds a value whose encoding outgrew its size as an equal value in the small encoding', () => {
    const long = 'x'.repeat(100);
    const primary = primaryWith(['HSET', 'h', 'f', long, 'g', '1'], ['HDEL', 'h', 'f'], ['SADD', 's', 'a', '1'], ['SREM', 's', 'a']);
    expect(run(primary, 'OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    expect(run(primary, 'OBJECT', 'ENCODING', 's')).toBe('hashtable');
    const replica = replicaOf(primary.engine, 0);
    snapshotAll(primary.engine, replica);
    expect(observed(replica)).toEqual(observed(primary));
    expect(run(replica, 'OBJECT', 'ENCODING', 'h')).toBe('listpack');
    expect(run(replica, 'OBJECT', 'ENCODING', 's')).toBe('intset');
  });
});
