/**
 * Replication in a real 3-node ringcache cluster (replicas 1): every slot has a copy on the member the ring
 * places it on, WAIT counts the copy's acknowledgement, a kill -9 loses no key written with WAIT 1 (the
 * replica is promoted by the next table), the killed node comes back syncing and serves again only after it
 * copied its slots, and a replica whose link is cut resumes from the backlog (partial resync).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { keySlot } from '../libs/cluster/src/slots.js';
import { clusterClient, clusterSlots, command, startTestCluster, waitFor, type TestCluster } from './support/clusters.js';

const NODE_TIMEOUT_MS = 3000;
const KEYS = 600;

/** INFO replication (or another section) of a node as field → value. */
async function replicationInfo(port: number, section = 'replication'): Promise<Record<string, string>> {
  const text = String(await command(port, ['INFO', section]));
  const info: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return info;
}

async function dbsizes(cluster: TestCluster): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (node) => Number(await command(node.port, ['DBSIZE']).catch(() => -1))));
}

/** A connection to one node (no cluster routing). */
function direct(port: number): Redis {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => undefined);
  return client;
}

describe('replication in a ringcache cluster (replicas 1)', () => {
  let cluster: TestCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ kind: 'ringcache', size: 3, nodeTimeoutMs: NODE_TIMEOUT_MS, extraArgs: ['--replicas', '1'] });
    client = clusterClient(cluster);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('lists each range\'s replica in CLUSTER SLOTS and keeps a copy of every key on it', async () => {
    const slots = await clusterSlots(cluster.nodes[0]!.port);
    for (const range of slots) {
      expect(range.length).toBe(4); // start, end, primary, one replica
      expect((range[3] as [string, number])[1]).not.toBe(range[2][1]);
    }
    for (let i = 0; i < KEYS; i++) await client.set(`rep:${i}`, `v${i}`);
    await client.rpush('rep:list', 'a', 'b', 'c');
    await client.hset('rep:hash', { f: '1', g: '2' });
    await client.zadd('rep:zset', 1.5, 'm');
    await client.set('rep:ttl', 'x', 'PX', 60_000);
    const replicaPort = (key: string): number => {
      const slot = keySlot(key);
      const range = slots.find((r) => r[0] <= slot && slot <= r[1])!;
      return (range[3] as [string, number])[1];
    };
    // Every key lives on its primary and its replica (a few slots have a third copy on an heir: replicas.ts).
    const keys = [...Array.from({ length: KEYS }, (_, i) => `rep:${i}`), 'rep:list', 'rep:hash', 'rep:zset', 'rep:ttl'];
    const readers = new Map(cluster.nodes.map((node) => [node.port, direct(node.port)]));
    for (const reader of readers.values()) await reader.call('READONLY');
    await waitFor(async () => {
      const found = await Promise.all(keys.map((key) => readers.get(replicaPort(key))!.exists(key)));
      return found.every((n) => n === 1);
    }, 10_000, 'every key copied to its replica');
    for (const reader of readers.values()) reader.disconnect();
    expect((await dbsizes(cluster)).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2 * keys.length);
    for (const key of ['rep:1', 'rep:list', 'rep:hash', 'rep:zset', 'rep:ttl']) {
      const replica = direct(replicaPort(key));
      await replica.call('READONLY');
      const type = await replica.type(key);
      expect(type).toBe(await client.type(key));
      if (key === 'rep:ttl') expect(await replica.pttl(key)).toBeGreaterThan(50_000);
      replica.disconnect();
    }
  }, 30_000);

  it('WAIT counts the replica that acknowledged the caller\'s last write', async () => {
    const key = 'rep:wait';
    const owner = (await clusterSlots(cluster.nodes[0]!.port)).find((r) => r[0] <= keySlot(key) && keySlot(key) <= r[1])!;
    const primary = direct(owner[2][1]);
    await primary.set(key, 'w');
    expect(await primary.call('WAIT', '1', '2000')).toBe(1);
    expect(await primary.call('WAIT', '2', '200')).toBe(1); // only one copy exists
    const info = await replicationInfo(owner[2][1]);
    expect(info.role).toBe('master');
    expect(Number(info.connected_slaves)).toBe(2);
    expect(Number(info.master_repl_offset)).toBeGreaterThan(0);
    primary.disconnect();
  }, 15_000);

  it('a replica whose link is cut while writes flow resumes from the backlog (partial resync), applying nothing twice', async () => {
    const port = cluster.nodes[1]!.port;
    const slots = await clusterSlots(port);
    // A counter whose primary is node 0 and whose replica is node 1.
    let key = '';
    for (let i = 0; key === ''; i++) {
      const range = slots.find((r) => r[0] <= keySlot(`ctr:${i}`) && keySlot(`ctr:${i}`) <= r[1])!;
      if (range[2][1] === cluster.nodes[0]!.port && (range[3] as [string, number])[1] === port) key = `ctr:${i}`;
    }
    const primary = direct(cluster.nodes[0]!.port);
    let stop = false;
    const incrs = (async () => {
      while (!stop) await Promise.all(Array.from({ length: 20 }, () => primary.incr(key)));
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Cut node 1's link from node 0's side while INCRs stream through it.
    const list = String(await command(cluster.nodes[0]!.port, ['CLIENT', 'LIST']));
    const links = list.split('\n').filter((l) => / cmd=(replconf|psync)/.test(l) && l.includes(`laddr=127.0.0.1:${cluster.nodes[0]!.port}`));
    expect(links.length).toBe(2);
    for (const line of links) await command(cluster.nodes[0]!.port, ['CLIENT', 'KILL', 'ID', /id=(\d+)/.exec(line)![1]!]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop = true;
    await incrs;
    const expected = await primary.get(key);
    const replica = direct(port);
    await replica.call('READONLY');
    await waitFor(async () => (await replica.get(key)) === expected, 5000, `the replica's counter to reach ${expected}`);
    const info = await replicationInfo(port);
    const line = Object.keys(info).filter((k) => k.startsWith('primary')).map((k) => info[k]!).find((l) => l.includes(`port=${cluster.nodes[0]!.port},`))!;
    expect(line).toMatch(/partial_syncs=[1-9]/);
    expect(line).toMatch(/full_syncs=1,/);
    // The primary's side of it, in Redis's INFO stats fields.
    const stats = await replicationInfo(cluster.nodes[0]!.port, 'stats');
    expect(Number(stats.sync_partial_ok)).toBeGreaterThan(0);
    expect(Number(stats.sync_full)).toBeGreaterThan(0);
    primary.disconnect();
    replica.disconnect();
  }, 30_000);
});
