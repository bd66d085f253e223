import { describe, it, expect } from '@jest/globals';
import { FakeClock } from './clock.js';
import { activeExpireCycle, expireCycleBudgetMs } from './expiry.js';
import { Store } from './store.js';

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
}

function storeWithTtls(due: number, notDue: number, persistent = 0) {
  const clock = new FakeClock();
  const store = new Store({ clock, random: seeded(7) });
  for (let i = 0; i < due; i++) store.set(0, `due${i}`, 'v', clock.now() + 10);
  for (let i = 0; i < notDue; i++) store.set(1, `later${i}`, 'v', clock.now() + 1_000_000);
  for (let i = 0; i < persistent; i++) store.set(0, `p${i}`, 'v');
  clock.advance(11);
  return { store, clock };
}

describe('activeExpireCycle', () => {
  it('checks every key when there are few with a TTL', () => {
    const { store, clock } = storeWithTtls(7, 5, 100);
    expect(activeExpireCycle(store, clock.now())).toBe(7);
    expect(store.stats.expiredKeys).toBe(7);
    expect(store.volatileSize()).toBe(5);
    expect(store.totalKeys()).toBe(105);
  });

  it('keeps sampling while more than 10% of a sample is expired', () => {
    const { store, clock } = storeWithTtls(5000, 0, 1000);
    expect(activeExpireCycle(store, clock.now(), 1, 1e9)).toBe(5000);
    expect(store.totalKeys()).toBe(1000);
  });

  it('stops once the expired share of samples drops to 10% or less, leaving the rest to lazy expiry', () => {
    const { store, clock } = storeWithTtls(100, 10_000);
    const expired = activeExpireCycle(store, clock.now(), 1, 1e9);
    expect(expired).toBeLessThan(100);
    expect(store.volatileSize()).toBe(10_100 - expired);
  });

  it('expires nothing when nothing is due', () => {
    const { store, clock } = storeWithTtls(0, 500);
    expect(activeExpireCycle(store, clock.now())).toBe(0);
    expect(store.volatileSize()).toBe(500);
  });

  it('respects its time budget', () => {
    const { store, clock } = storeWithTtls(50_000, 0);
    const expired = activeExpireCycle(store, clock.now(), 1, 0);
    expect(expired).toBeGreaterThan(0);
    expect(expired).toBeLessThan(50_000);
  });

  it('scales the budget with effort as Redis (25% of the 100 ms tick, +2% per step)', () => {
    expect(expireCycleBudgetMs(1)).toBe(25);
    expect(expireCycleBudgetMs(10)).toBe(43);
    expect(expireCycleBudgetMs(99)).toBe(43);
  });
});
