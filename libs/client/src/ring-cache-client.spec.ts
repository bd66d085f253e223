import { describe, it, expect, beforeAll, afterAll, jest } from '@jest/globals';
import { RingCacheClient } from './ring-cache-client.js';
import { clientKeySlot } from './slot-groups.js';
import {
  clusterInfo, clusterSlots, slotOwnerPorts, startTestCluster, type ClusterKind, type TestCluster,
} from '../../../test/support/clusters.js';

describe.each<ClusterKind>(['ringcache', 'redis'])('RingCacheClient against a 3-node %s cluster', (kind) => {
  let cluster: TestCluster;
  let client: RingCacheClient;

  beforeAll(async () => {
    cluster = await startTestCluster({ kind, size: 3 });
    client = new RingCacheClient({ seeds: [cluster.seeds[1]!], subscribeTopology: false });
    await client.connect();
  });

  afterAll(async () => {
    await client?.quit();
    await cluster?.stop();
  });

  it('loads the whole slot table through one seed, with node ids and the epoch', async () => {
    const table = client.slotTable();
    const port = cluster.nodes[0]!.port;
    expect(table.epoch).toBe(Number((await clusterInfo(port)).cluster_current_epoch));
    // Slot by slot (CLUSTER SLOTS also splits runs of one owner where the replicas change).
    const owners = (ranges: Array<{ start: number; end: number; owner: string }>): string[] => {
      const out = new Array<string>(16384).fill('');
      for (const { start, end, owner } of ranges) out.fill(owner, start, end + 1);
      return out;
    };
    const slots = await clusterSlots(port);
    expect(owners(table.ranges.map((r) => ({ start: r.start, end: r.end, owner: `${r.node.port} ${r.node.id}` })))).toEqual(
      owners(slots.map(([start, end, [, owner, id]]) => ({ start, end, owner: `${owner} ${id}` }))),
    );
    expect(new Set(table.ranges.map((r) => r.node.id))).toEqual(new Set(cluster.nodes.map((node) => node.id)));
  });

  it('sets and gets 1,000 keys spread over every node', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `key:${i}`);
    const owners = slotOwnerPorts(await clusterSlots(cluster.nodes[0]!.port));
    expect(new Set(keys.map((k) => owners[clientKeySlot(k)])).size).toBe(3);
    expect(await Promise.all(keys.map((k, i) => client.set(k, `value-${i}`)))).toEqual(keys.map(() => true));
    expect(await Promise.all(keys.map((k) => client.get(k)))).toEqual(keys.map((_, i) => `value-${i}`));
    expect(await client.getBuffer('key:7')).toEqual(Buffer.from('value-7'));
    expect(await client.get('missing')).toBeNull();
  });

  it('splits mset / mget / del across slots and keeps the caller order', async () => {
    const keys = ['a', 'b', 'c', '{user1}.x', '{user1}.y', 'zeta', 'ünïcode', 'omega'];
    expect(new Set(keys.map(clientKeySlot)).size).toBeGreaterThan(5);
    await client.mset(keys.map((k, i) => [k, `v${i}`] as [string, string]));
    expect(await client.mget([...keys, 'absent'])).toEqual([...keys.map((_, i) => `v${i}`), null]);
    expect(await client.mget(['omega', 'a', 'omega'])).toEqual(['v7', 'v0', 'v7']);
    await client.mset({ p: '1', q: '2', r: '3' });
    expect(await client.mget(['r', 'q', 'p'])).toEqual(['3', '2', '1']);
    expect(await client.mget([])).toEqual([]);
    expect(await client.del(...keys, 'absent', 'p')).toBe(keys.length + 1);
    expect(await client.mget(keys)).toEqual(keys.map(() => null));
    expect(await client.del()).toBe(0);
  });

  it('SET honours ttlMs, nx and xx', async () => {
    expect(await client.set('nx', '1', { nx: true })).toBe(true);
    expect(await client.set('nx', '2', { nx: true })).toBe(false);
    expect(await client.set('xx-missing', '1', { xx: true })).toBe(false);
    expect(await client.set('nx', '3', { xx: true, ttlMs: 60_000 })).toBe(true);
    expect(await client.ttl('nx')).toBeGreaterThan(58);
    await expect(client.set('nx', '4', { nx: true, xx: true })).rejects.toThrow(/mutually exclusive/);
    await expect(client.set('nx', '4', { ttlMs: 0 })).rejects.toThrow(/ttlMs/);
  });

  it('expire, ttl and incr', async () => {
    expect(await client.incr('counter')).toBe(1);
    expect(await client.incr('counter', 41)).toBe(42);
    expect(await client.incr('counter', -2)).toBe(40);
    expect(await client.ttl('counter')).toBe(-1);
    expect(await client.expire('counter', 100)).toBe(true);
    expect(await client.ttl('counter')).toBe(100);
    expect(await client.expire('nothing', 100)).toBe(false);
    expect(await client.ttl('nothing')).toBe(-2);
  });

  it('routes raw calls by their key and exposes the ioredis Cluster', async () => {
    expect(await client.call('HSET', 'h', 'f', 'v', 'g', 'w')).toBe(2);
    expect(await client.call('HGETALL', 'h')).toEqual(['f', 'v', 'g', 'w']);
    expect(await client.call('CLUSTER', 'KEYSLOT', 'ünïcode')).toBe(clientKeySlot('ünïcode'));
    await expect(client.call('GET', 'a', 'b')).rejects.toThrow(/wrong number of arguments/);
    expect(await client.redis.hget('h', 'g')).toBe('w');
  });

  it('resends after a slot refresh when ioredis hands a redirect to the caller, and gives up after maxRedirections', async () => {
    const redis = client.redis;
    await client.set('redirected', 'v');
    const realGet = redis.get.bind(redis);
    let failures = 2;
    const refresh = jest.spyOn(redis, 'refreshSlotsCache');
    const get = jest.spyOn(redis, 'get').mockImplementation(((key: string) =>
      failures-- > 0 ? Promise.reject(new Error(`MOVED 1 ${cluster.seeds[0]}`)) : realGet(key)) as never);
    try {
      expect(await client.get('redirected')).toBe('v');
      expect(refresh).toHaveBeenCalledTimes(2);
      failures = 100;
      await expect(client.get('redirected')).rejects.toThrow(/^MOVED /);
      expect(get.mock.calls.length).toBe(3 + 17); // 16 redirects followed, then the 17th MOVED is the caller's
      get.mockImplementation((() => Promise.reject(new Error('WRONGTYPE nope'))) as never);
      await expect(client.get('redirected')).rejects.toThrow(/^WRONGTYPE/);
    } finally {
      get.mockRestore();
      refresh.mockRestore();
    }
  });

  it('applies keyPrefix to every key, slots included', async () => {
    const prefixed = new RingCacheClient({ seeds: cluster.seeds, keyPrefix: 'app:', subscribeTopology: false });
    await prefixed.connect();
    try {
      await prefixed.mset({ one: '1', two: '2', three: '3' });
      expect(await client.mget(['app:one', 'app:two', 'app:three'])).toEqual(['1', '2', '3']);
      expect(await prefixed.mget(['three', 'one'])).toEqual(['3', '1']);
      expect(await prefixed.del('one', 'two', 'three')).toBe(3);
    } finally {
      await prefixed.quit();
    }
  });

  it('refuses commands before connect() and rejects connect() when no seed answers', async () => {
    const unreachable = new RingCacheClient({ seeds: ['127.0.0.1:1'], connectTimeoutMs: 300 });
    await expect(unreachable.get('a')).rejects.toThrow(/connect\(\)/);
    await expect(unreachable.connect()).rejects.toThrow(/no seed answered .* within 300 ms \(seeds: 127\.0\.0\.1:1\)/);
    await unreachable.quit();
  });
});
