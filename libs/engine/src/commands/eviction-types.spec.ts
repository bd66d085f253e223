/** maxmemory with every data type: aggregates are accounted as they grow in place, and every policy evicts them. */
import { describe, expect, it } from '@jest/globals';
import { Engine } from '../engine.js';
import { FakeClock } from '../clock.js';
import { EVICTION_POLICY_NAMES } from '../eviction/policy.js';
import { makeContext, run, seeded } from './test-kit.js';

const LIMIT = 256 * 1024;

/** One command per type, growing a fresh key of that type by `n` elements. */
const WRITES: ((key: string, n: number) => string[])[] = [
  (key, n) => ['RPUSH', key, ...Array.from({ length: n }, (_, i) => `element:${i}`)],
  (key, n) => ['HSET', key, ...Array.from({ length: n }, (_, i) => [`field:${i}`, `value:${i}`]).flat()],
  (key, n) => ['SADD', key, ...Array.from({ length: n }, (_, i) => `member:${i}`)],
  (key, n) => ['ZADD', key, ...Array.from({ length: n }, (_, i) => [String(i + 0.5), `member:${i}`]).flat()],
];

describe.each(EVICTION_POLICY_NAMES.filter((p) => p !== 'noeviction'))('maxmemory-policy %s with aggregates', (policy) => {
  it('keeps used memory under the limit while lists, hashes, sets and sorted sets are written', () => {
    const engine = new Engine({ clock: new FakeClock(), maxmemory: LIMIT, maxmemoryPolicy: policy, random: seeded(7) });
    const ctx = makeContext(engine);
    const volatile = policy.startsWith('volatile');
    for (let i = 0; i < 400; i++) {
      const key = `key:${i}`;
      expect(typeof run(ctx, ...WRITES[i % 4](key, 1 + (i % 40)))).toBe('number');
      if (volatile) run(ctx, 'PEXPIRE', key, String(100_000 + i));
      expect(engine.usedMemory()).toBeLessThanOrEqual(LIMIT + 8 * 1024); // one command may overshoot, as in Redis
    }
    expect(engine.stats.evictedKeys).toBeGreaterThan(0);
    expect(engine.keyspace.size(0)).toBeLessThan(400);
  });
});

describe('aggregates growing in place', () => {
  it('count against maxmemory: growing one hash evicts other keys (allkeys-lru)', () => {
    const engine = new Engine({ clock: new FakeClock(), maxmemory: LIMIT, maxmemoryPolicy: 'allkeys-lru' });
    const ctx = makeContext(engine);
    for (let i = 0; i < 100; i++) run(ctx, 'SET', `s:${i}`, 'x'.repeat(100));
    const before = engine.keyspace.size(0);
    for (let i = 0; i < 3000; i++) run(ctx, 'HSET', 'big', `field:${i}`, `value:${i}`);
    expect(engine.keyspace.size(0)).toBeLessThan(before + 1);
    expect(engine.usedMemory()).toBeLessThanOrEqual(LIMIT + 8 * 1024);
  });

  it('refuse to grow under noeviction with OOM, but still allow shrinking', () => {
    const engine = new Engine({ clock: new FakeClock(), maxmemory: 64 * 1024, maxmemoryPolicy: 'noeviction' });
    const ctx = makeContext(engine);
    let reply: unknown = 0;
    for (let i = 0; i < 5000 && typeof reply === 'number'; i++) reply = run(ctx, 'ZADD', 'z', String(i), `member:${i}`);
    expect(reply).toMatch(/^-OOM command not allowed/);
    expect(run(ctx, 'ZPOPMIN', 'z', '10')).toHaveLength(20);
  });
});
