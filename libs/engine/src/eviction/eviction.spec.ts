import { describe, it, expect } from '@jest/globals';
import { FakeClock } from '../clock.js';
import { Store } from '../store.js';
import { createEvictionPolicy } from './create.js';
import { EVICTION_POLICY_NAMES, isEvictionPolicyName, type EvictionPolicyName } from './policy.js';

/** A store whose random() returns the given values in turn (then 0). */
function storeWith(randoms: number[] = [], clock = new FakeClock()) {
  let i = 0;
  const store = new Store({ clock, random: () => (i < randoms.length ? randoms[i++] : 0) });
  return { store, clock };
}

function victim(store: Store, name: EvictionPolicyName, samples = 16): string | undefined {
  const slot = createEvictionPolicy(name).selectVictim(store, samples);
  return slot < 0 ? undefined : store.slotKey(slot);
}

describe('policy names', () => {
  it('creates each named policy', () => {
    for (const name of EVICTION_POLICY_NAMES) {
      expect(isEvictionPolicyName(name)).toBe(true);
      const policy = createEvictionPolicy(name);
      expect(policy.name).toBe(name);
      expect(policy.tracksFrequency).toBe(name.endsWith('-lfu'));
    }
    expect(isEvictionPolicyName('allkeys-fifo')).toBe(false);
    expect(() => createEvictionPolicy('nope' as EvictionPolicyName)).toThrow(RangeError);
  });
});

describe('noeviction', () => {
  it('never picks a victim', () => {
    const { store } = storeWith();
    store.set(0, 'a', 'v');
    expect(victim(store, 'noeviction')).toBeUndefined();
  });
});

describe('allkeys-lru', () => {
  it('evicts the least recently used key, reads and writes counting as use', () => {
    const { store, clock } = storeWith();
    for (const k of ['a', 'b', 'c', 'd']) {
      store.set(0, k, 'v');
      clock.advance(10);
    }
    store.lookupRead(0, 'a');
    clock.advance(10);
    store.set(0, 'b', 'w');
    expect(victim(store, 'allkeys-lru')).toBe('c');
    store.peek(0, 'c'); // peeking is not an access
    expect(victim(store, 'allkeys-lru')).toBe('c');
  });

  it('compares the oldest key with and without a TTL', () => {
    const { store, clock } = storeWith();
    store.set(0, 'persistent', 'v');
    clock.advance(10);
    store.set(0, 'volatile', 'v', clock.now() + 100_000);
    expect(victim(store, 'allkeys-lru')).toBe('persistent');
    clock.advance(10);
    store.lookupRead(0, 'persistent');
    expect(victim(store, 'allkeys-lru')).toBe('volatile');
  });

  it('spans databases', () => {
    const { store, clock } = storeWith();
    store.set(5, 'old', 'v');
    clock.advance(1);
    store.set(0, 'new', 'v');
    expect(victim(store, 'allkeys-lru')).toBe('old');
  });
});

describe('volatile-lru', () => {
  it('evicts the least recently used key with a TTL, never a persistent one', () => {
    const { store, clock } = storeWith();
    store.set(0, 'p', 'v');
    clock.advance(1);
    store.set(0, 'x', 'v', clock.now() + 1000);
    clock.advance(1);
    store.set(0, 'y', 'v');
    store.setExpireAt(0, 'y', clock.now() + 1000);
    clock.advance(1);
    store.lookupRead(0, 'x');
    expect(victim(store, 'volatile-lru')).toBe('y');
    store.persist(0, 'y');
    store.persist(0, 'x');
    expect(victim(store, 'volatile-lru')).toBeUndefined();
  });
});

describe('allkeys-lfu', () => {
  it('evicts the least frequently used key (samples >= keys)', () => {
    const { store } = storeWith(); // random() = 0: every access increments the counter
    store.trackFrequency = true;
    for (const k of ['hot', 'warm', 'cold']) store.set(0, k, 'v');
    for (let i = 0; i < 10; i++) store.lookupRead(0, 'hot');
    for (let i = 0; i < 3; i++) store.lookupRead(0, 'warm');
    store.lookupRead(0, 'cold');
    expect(store.frequency(0, 'cold')).toBe(6);
    expect(victim(store, 'allkeys-lfu')).toBe('cold');
  });

  it('lets old popularity fade with decay', () => {
    const { store, clock } = storeWith();
    store.trackFrequency = true;
    store.set(0, 'once-hot', 'v');
    for (let i = 0; i < 20; i++) store.lookupRead(0, 'once-hot');
    clock.advance(30 * 60_000);
    store.set(0, 'recent', 'v');
    for (let i = 0; i < 5; i++) store.lookupRead(0, 'recent');
    expect(victim(store, 'allkeys-lfu')).toBe('once-hot');
  });

  it('skips pooled entries whose key was deleted since', () => {
    const { store } = storeWith();
    store.trackFrequency = true;
    for (const k of ['a', 'b', 'c']) store.set(0, k, 'v');
    store.lookupRead(0, 'b');
    store.lookupRead(0, 'c');
    store.lookupRead(0, 'c');
    const policy = createEvictionPolicy('allkeys-lfu');
    const first = policy.selectVictim(store, 16);
    expect(store.slotKey(first)).toBe('a');
    store.evictSlot(first);
    store.delete(0, 'b'); // b is still pooled
    store.set(0, 'd', 'v'); // reuses a freed slot
    for (let i = 0; i < 5; i++) store.lookupRead(0, 'd');
    expect(store.slotKey(policy.selectVictim(store, 16))).toBe('c');
  });
});

describe('volatile-lfu', () => {
  it('evicts the least frequently used key with a TTL', () => {
    const { store, clock } = storeWith();
    store.trackFrequency = true;
    store.set(0, 'persistent-cold', 'v');
    store.set(0, 'v-hot', 'v', clock.now() + 1000);
    store.set(0, 'v-cold', 'v', clock.now() + 1000);
    for (let i = 0; i < 5; i++) store.lookupRead(0, 'v-hot');
    expect(victim(store, 'volatile-lfu')).toBe('v-cold');
  });

  it('has no victim without TTL keys', () => {
    const { store } = storeWith();
    store.set(0, 'p', 'v');
    expect(victim(store, 'volatile-lfu')).toBeUndefined();
  });
});

describe('volatile-ttl', () => {
  it('evicts the key that expires soonest', () => {
    const { store, clock } = storeWith();
    const now = clock.now();
    store.set(0, 'p', 'v');
    store.set(0, 'late', 'v', now + 3000);
    store.set(1, 'soon', 'v', now + 1000);
    store.set(0, 'mid', 'v', now + 2000);
    expect(victim(store, 'volatile-ttl')).toBe('soon');
  });

  it('finds the soonest with few samples thanks to the pool, over repeated evictions', () => {
    const { store, clock } = storeWith([0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.05]);
    for (let i = 0; i < 40; i++) store.set(0, `k${i}`, 'v', clock.now() + 1000 + i);
    const policy = createEvictionPolicy('volatile-ttl');
    const a = policy.selectVictim(store, 5);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(store.slotExpireAt(a)).toBeGreaterThan(0);
  });
});

describe('random policies', () => {
  it('allkeys-random picks a live slot chosen by random()', () => {
    const { store } = storeWith([0.99, 0]);
    for (let i = 0; i < 8; i++) store.set(0, `k${i}`, 'v');
    store.delete(0, 'k7');
    // 0.99 lands on the freed slot 7 (probe fails), 0 lands on slot 0.
    expect(victim(store, 'allkeys-random')).toBe('k0');
    expect(victim(store, 'allkeys-random')).toBe('k0');
  });

  it('volatile-random only picks keys with a TTL', () => {
    const { store, clock } = storeWith([0.7, 0.2, 0.9]);
    store.set(0, 'p1', 'v');
    store.set(0, 't1', 'v', clock.now() + 1000);
    store.set(0, 'p2', 'v');
    store.set(0, 't2', 'v', clock.now() + 1000);
    expect(victim(store, 'volatile-random')).toBe('t2');
    expect(victim(store, 'volatile-random')).toBe('t1');
    store.persist(0, 't1');
    store.persist(0, 't2');
    expect(victim(store, 'volatile-random')).toBeUndefined();
  });

  it('allkeys-random has no victim in an empty store', () => {
    const { store } = storeWith();
    expect(victim(store, 'allkeys-random')).toBeUndefined();
  });
});
