import { describe, it, expect } from '@jest/globals';
import { FakeClock } from './clock.js';
import { Engine, createEvictionPolicy, isEvictionPolicyName, EVICTION_POLICY_NAMES } from './engine.js';
import { ENTRY_OVERHEAD } from './store.js';

const ENTRY = 2 + 8 + ENTRY_OVERHEAD; // 'kN' keys with 8-byte values

function engineWith(maxmemory: number, policy: Parameters<typeof createEvictionPolicy>[0]) {
  const clock = new FakeClock();
  const engine = new Engine({ clock, maxmemory, maxmemoryPolicy: policy, random: () => 0 });
  const removed: string[] = [];
  engine.onKeyRemoved = (db, key, reason) => removed.push(`${db}:${key}:${reason}`);
  return { engine, clock, removed };
}

describe('Engine defaults', () => {
  it('has 16 databases, no limit, noeviction', () => {
    const engine = new Engine();
    expect(engine.databases).toBe(16);
    expect(engine.maxmemory).toBe(0);
    expect(engine.maxmemorySamples).toBe(5);
    expect(engine.policy.name).toBe('noeviction');
    expect(engine.lfuLogFactor).toBe(10);
    expect(engine.lfuDecayTime).toBe(1);
    expect(engine.freeMemoryIfNeeded()).toBe(true);
    expect(EVICTION_POLICY_NAMES).toHaveLength(8);
    expect(isEvictionPolicyName('volatile-ttl')).toBe(true);
  });
});

describe('Engine memory', () => {
  it('accounts entries and external memory', () => {
    const { engine } = engineWith(0, 'noeviction');
    engine.keyspace.set(0, 'k1', 'abcdefgh');
    expect(engine.datasetMemory()).toBe(ENTRY);
    engine.addExternalMemory(1000);
    expect(engine.usedMemory()).toBe(ENTRY + 1000);
    engine.addExternalMemory(-1000);
    engine.keyspace.flushAll();
    expect(engine.usedMemory()).toBe(0);
  });

  it('evicts under allkeys-lru until under the limit, counting and reporting evictions', () => {
    const { engine, clock, removed } = engineWith(3 * ENTRY, 'allkeys-lru');
    for (let i = 0; i < 5; i++) {
      expect(engine.freeMemoryIfNeeded()).toBe(true);
      engine.keyspace.set(0, `k${i}`, 'abcdefgh');
      clock.advance(1);
    }
    // Checked before each write (as the command table does), so one entry over until the next write.
    expect(engine.usedMemory()).toBe(4 * ENTRY);
    expect(removed).toEqual(['0:k0:evicted']);
    expect(engine.freeMemoryIfNeeded()).toBe(true);
    expect(engine.usedMemory()).toBe(3 * ENTRY);
    expect(removed).toEqual(['0:k0:evicted', '0:k1:evicted']);
    expect(engine.stats.evictedKeys).toBe(2);
  });

  it('refuses under noeviction and counts the refusal', () => {
    const { engine } = engineWith(ENTRY, 'noeviction');
    engine.keyspace.set(0, 'k1', 'abcdefgh');
    engine.keyspace.set(0, 'k2', 'abcdefgh');
    expect(engine.freeMemoryIfNeeded()).toBe(false);
    expect(engine.stats.oomRejections).toBe(1);
    expect(engine.keyspace.size(0)).toBe(2);
  });

  it('refuses under a volatile policy when no key has a TTL', () => {
    for (const name of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'] as const) {
      const { engine, clock } = engineWith(ENTRY, name);
      engine.keyspace.set(0, 'p1', 'abcdefgh');
      engine.keyspace.set(0, 'p2', 'abcdefgh');
      engine.keyspace.set(0, 't1', 'abcdefgh', clock.now() + 1000);
      expect(engine.freeMemoryIfNeeded()).toBe(false);
      expect(engine.keyspace.has(0, 't1')).toBe(false);
      expect(engine.keyspace.size(0)).toBe(2);
    }
  });

  it('follows maxmemory changes at run time', () => {
    const { engine } = engineWith(0, 'allkeys-random');
    for (let i = 0; i < 10; i++) engine.keyspace.set(0, `k${i}`, 'abcdefgh');
    engine.maxmemory = 4 * ENTRY;
    expect(engine.freeMemoryIfNeeded()).toBe(true);
    expect(engine.keyspace.size(0)).toBe(4);
  });

  it('switches policy and LFU tracking at run time', () => {
    const { engine } = engineWith(0, 'allkeys-lru');
    expect(engine.keyspace.trackFrequency).toBe(false);
    engine.setPolicy(createEvictionPolicy('allkeys-lfu'));
    expect(engine.policy.name).toBe('allkeys-lfu');
    expect(engine.keyspace.trackFrequency).toBe(true);
    engine.keyspace.set(0, 'k', 'v');
    engine.keyspace.lookupRead(0, 'k');
    expect(engine.keyspace.frequency(0, 'k')).toBe(6);
  });

  it('accepts a policy instance (DI) over the option name', () => {
    const engine = new Engine({ maxmemoryPolicy: 'allkeys-lru' }, createEvictionPolicy('volatile-ttl'));
    expect(engine.policy.name).toBe('volatile-ttl');
  });
});

describe('Engine expiry', () => {
  it('runs an active expiry cycle with its clock and reports removals', () => {
    const { engine, clock, removed } = engineWith(0, 'noeviction');
    engine.keyspace.set(0, 'a', 'v', clock.now() + 10);
    engine.keyspace.set(2, 'b', 'v', clock.now() + 10);
    engine.keyspace.set(0, 'c', 'v', clock.now() + 1000);
    clock.advance(11);
    expect(engine.activeExpireCycle()).toBe(2);
    expect(removed.sort()).toEqual(['0:a:expired', '2:b:expired']);
    expect(engine.stats.expiredKeys).toBe(2);
  });

  it('starts and stops its timer idempotently', () => {
    const engine = new Engine();
    engine.start();
    engine.start();
    engine.stop();
    engine.stop();
  });
});
