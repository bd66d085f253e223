/** maxmemory and eviction on a real node: the limit holds, LRU keeps recently read keys, noeviction refuses writes. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { startNode, type RunningNode } from './support/processes.js';

const MAXMEMORY = 2 * 1024 * 1024;
const VALUE = 'v'.repeat(1024);
const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

let lru: RunningNode | undefined;
let full: RunningNode | undefined;
let lruClient: Redis;
let fullClient: Redis;

beforeAll(async () => {
  [lru, full] = await Promise.all([
    startNode(['--loglevel', 'nothing', '--maxmemory', '2mb', '--maxmemory-policy', 'allkeys-lru']),
    startNode(['--loglevel', 'nothing', '--maxmemory', '1mb', '--maxmemory-policy', 'noeviction']),
  ]);
  lruClient = new Redis({ port: lru.port, host: '127.0.0.1', protocol: 2, maxRetriesPerRequest: 1 });
  fullClient = new Redis({ port: full.port, host: '127.0.0.1', protocol: 2, maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  lruClient?.disconnect();
  fullClient?.disconnect();
  await Promise.all([lru?.stop(), full?.stop()]);
});

/** The `field:value` lines of an INFO reply. */
function infoFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** One sample's value from Prometheus text, e.g. metric('ringcache_evicted_keys_total'). */
function metric(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([^\\s]+)$`, 'm').exec(text);
  return m === null ? undefined : Number(m[1]);
}

describe('allkeys-lru with maxmemory 2mb', () => {
  const hot = Array.from({ length: 50 }, (_, i) => `hot:${i}`);

  beforeAll(async () => {
    await lruClient.mset(...hot.flatMap((k) => [k, VALUE]));
    // 10k cold keys of 1 KB (5x the limit) in batches; the hot keys are read after each batch.
    for (let batch = 0; batch < 100; batch++) {
      const p = lruClient.pipeline();
      for (let i = 0; i < 100; i++) p.set(`cold:${batch * 100 + i}`, VALUE);
      p.mget(...hot);
      const results = (await p.exec())!;
      const failed = results.find(([err]) => err !== null);
      if (failed) throw failed[0];
    }
  });

  it('stays under maxmemory and counts evictions in INFO', async () => {
    const memory = infoFields(await lruClient.info('memory'));
    expect(Number(memory.used_memory)).toBeLessThanOrEqual(MAXMEMORY);
    expect(Number(memory.maxmemory)).toBe(MAXMEMORY);
    expect(memory.maxmemory_policy).toBe('allkeys-lru');
    const stats = infoFields(await lruClient.info('stats'));
    expect(Number(stats.evicted_keys)).toBeGreaterThan(0);
    const dbsize = await lruClient.dbsize();
    expect(dbsize).toBeGreaterThan(100);
    expect(dbsize).toBeLessThan(10_050);
  });

  it('keeps recently read keys and evicts the oldest', async () => {
    const hotValues = await lruClient.mget(...hot);
    expect(hotValues.filter((v) => v === null)).toHaveLength(0);
    expect(await lruClient.exists(...Array.from({ length: 100 }, (_, i) => `cold:${i}`))).toBe(0);
    expect(await lruClient.exists('cold:9999', 'cold:9998')).toBe(2);
  });

  it('reports evictions and the limit in /metrics', async () => {
    await lruClient.ping(); // any command evicts down to the limit first, as in Redis
    const res = await fetch(`http://127.0.0.1:${lru!.httpPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(metric(text, 'ringcache_evicted_keys_total')).toBeGreaterThan(0);
    expect(metric(text, 'ringcache_memory_max_bytes')).toBe(MAXMEMORY);
    expect(metric(text, 'ringcache_memory_used_bytes')).toBeLessThanOrEqual(MAXMEMORY);
  });
});

describe('noeviction with maxmemory 1mb', () => {
  it('refuses writes with the OOM error once full, still serves reads and deletes', async () => {
    let refusedAt = -1;
    for (let batch = 0; batch < 40 && refusedAt < 0; batch++) {
      const p = fullClient.pipeline();
      for (let i = 0; i < 100; i++) p.set(`full:${batch * 100 + i}`, VALUE);
      const results = (await p.exec())!;
      const idx = results.findIndex(([err]) => err !== null);
      if (idx >= 0) {
        expect((results[idx][0] as Error).message).toBe(OOM);
        refusedAt = batch * 100 + idx;
      }
    }
    expect(refusedAt).toBeGreaterThan(100);
    await expect(fullClient.set('full:more', VALUE)).rejects.toThrow(OOM);
    await expect(fullClient.append('full:0', 'x')).rejects.toThrow(OOM);
    expect(await fullClient.get('full:0')).toBe(VALUE);
    expect(await fullClient.del('full:0')).toBe(1);
    const stats = infoFields(await fullClient.info('stats'));
    expect(Number(stats.evicted_keys)).toBe(0);
  });

  it('switches policy at run time with CONFIG SET', async () => {
    expect(await fullClient.config('SET', 'maxmemory-policy', 'allkeys-lru')).toBe('OK');
    expect(await fullClient.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'allkeys-lru']);
    for (let i = 0; i < 300; i++) await fullClient.set(`after:${i}`, VALUE);
    expect(await fullClient.get('after:299')).toBe(VALUE);
    const stats = infoFields(await fullClient.info('stats'));
    expect(Number(stats.evicted_keys)).toBeGreaterThan(0);
    // Back to noeviction: at the limit, so writes are refused again within a few keys.
    await fullClient.config('SET', 'maxmemory-policy', 'noeviction');
    let refused: string | undefined;
    for (let i = 0; i < 20 && refused === undefined; i++) {
      refused = await fullClient.set(`again:${i}`, VALUE).then(() => undefined, (e: Error) => e.message);
    }
    expect(refused).toBe(OOM);
    // Raising maxmemory at run time makes room.
    await fullClient.config('SET', 'maxmemory', '4mb');
    expect(await fullClient.set('after:room', VALUE)).toBe('OK');
  });
});
