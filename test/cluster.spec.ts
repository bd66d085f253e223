/**
 * A 3-node ringcache cluster as clients see it: one epoch and one slot table, redis-cli -c and ioredis Cluster
 * across nodes, MOVED, CROSSSLOT, hash tags.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { SLOT_COUNT, keySlot } from '../libs/cluster/src/slots.js';
import {
  clusterInfo, clusterSlots, slotOwnerPorts, startTestCluster, command, type TestCluster,
} from './support/clusters.js';

const run = promisify(execFile);

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 5000 });
  return stdout.replace(/\n$/, '');
}


describe('a 3-node cluster', () => {
  let cluster: TestCluster;
  let ports: number[];
  /** RESP port of each slot's owner, from the first test's CLUSTER SLOTS. */
  let owners: Array<number | undefined>;

  beforeAll(async () => {
    // Without replicas: these tests count keys on their owners only (test/replication.spec.ts covers copies).
    cluster = await startTestCluster({ kind: 'ringcache', size: 3, extraArgs: ['--replicas', '0'] });
    ports = cluster.nodes.map((node) => node.port);
  }, 30000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('joins through the seeds: one epoch, one slot table, each node owning about a third of the slots', async () => {
    const infos = await Promise.all(ports.map((port) => clusterInfo(port)));
    for (const info of infos) {
      expect(info.cluster_state).toBe('ok');
      expect(info.cluster_known_nodes).toBe('3');
      expect(info.cluster_slots_assigned).toBe(String(SLOT_COUNT));
    }
    expect(new Set(infos.map((info) => info.cluster_current_epoch)).size).toBe(1);

    const replies = await Promise.all(ports.map((port) => clusterSlots(port)));
    expect(replies[1]).toEqual(replies[0]);
    expect(replies[2]).toEqual(replies[0]);
    const slots = replies[0]!;
    owners = slotOwnerPorts(slots);

    const owned = new Map<number, number>();
    let covered = 0;
    for (const [start, end, [host, port, id]] of [...slots].sort((a, b) => a[0] - b[0])) {
      expect(start).toBe(covered);
      covered = end + 1;
      expect(host).toBe('127.0.0.1');
      expect(id).toBe(cluster.nodes.find((node) => node.port === port)?.id);
      owned.set(port, (owned.get(port) ?? 0) + end - start + 1);
    }
    expect(covered).toBe(SLOT_COUNT);
    const fair = SLOT_COUNT / 3;
    const counts = ports.map((port) => owned.get(port) ?? 0);
    console.log(`slots per node: ${counts.join(', ')} (share of the fair third: ${counts.map((n) => (n / fair).toFixed(3)).join(', ')})`);
    // Bounded load caps every node at floor(1.05 × fair); the smallest gets at least what two capped nodes leave.
    const cap = Math.floor(1.05 * fair);
    for (const count of counts) {
      expect(count).toBeLessThanOrEqual(cap);
      expect(count).toBeGreaterThanOrEqual(SLOT_COUNT - 2 * cap);
    }
  });

  it('serves redis-cli -c across nodes, following MOVED', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `cli:${i}`);
    for (const key of keys) expect(await cli(ports[0]!, '-c', 'SET', key, `v-${key}`)).toBe('OK');
    for (const key of keys) expect(await cli(ports[2]!, '-c', 'GET', key)).toBe(`v-${key}`);
    const used = new Set(keys.map((key) => owners[keySlot(key)]));
    expect(used.size).toBe(3);
  });

  it('sets and reads 10,000 keys with ioredis Cluster, spread over the 3 nodes where CLUSTER SLOTS says', async () => {
    const client = new Cluster([{ host: '127.0.0.1', port: ports[1]! }], { lazyConnect: false });
    try {
      const keys = Array.from({ length: 10000 }, (_, i) => `io:${i}`);
      await Promise.all(keys.map((key, i) => client.set(key, String(i))));
      const values = await Promise.all(keys.map((key) => client.get(key)));
      expect(values).toEqual(keys.map((_, i) => String(i)));

      const expected = new Map<number, number>();
      for (const key of keys) {
        const port = owners[keySlot(key)]!;
        expected.set(port, (expected.get(port) ?? 0) + 1);
      }
      const sizes = (await Promise.all(ports.map((port) => command(port, ['DBSIZE'])))) as number[];
      console.log(`DBSIZE per node: ${sizes.join(', ')}`);
      // The earlier tests left 30 cli:* keys, also spread by slot.
      const cliKeys = Array.from({ length: 30 }, (_, i) => owners[keySlot(`cli:${i}`)]);
      ports.forEach((port, i) => {
        expect(sizes[i]).toBe((expected.get(port) ?? 0) + cliKeys.filter((owner) => owner === port).length);
        expect(sizes[i]).toBeGreaterThan(2500);
      });
    } finally {
      client.disconnect();
    }
  });

  it('counts and lists the keys of a slot on its owner only', async () => {
    const ioKeys = Array.from({ length: 10000 }, (_, i) => `io:${i}`);
    for (const key of ['io:0', 'io:42', 'io:4711', 'io:9999', '{user1}:a']) {
      const slot = keySlot(key);
      expect(await command(ports[0]!, ['CLUSTER', 'KEYSLOT', key])).toBe(slot);
      const owner = owners[slot]!;
      const inSlot = ioKeys.filter((k) => keySlot(k) === slot);
      expect(await command(owner, ['CLUSTER', 'COUNTKEYSINSLOT', slot])).toBe(inSlot.length);
      expect(((await command(owner, ['CLUSTER', 'GETKEYSINSLOT', slot, 1000])) as string[]).sort()).toEqual(inSlot.sort());
      for (const other of ports.filter((port) => port !== owner)) {
        expect(await command(other, ['CLUSTER', 'COUNTKEYSINSLOT', slot])).toBe(0);
        expect(await command(other, ['CLUSTER', 'GETKEYSINSLOT', slot, 1000])).toEqual([]);
      }
    }
  });

  it('answers MOVED slot host:port of the owner to a plain GET on another node', async () => {
    const key = 'io:7';
    const slot = keySlot(key);
    const owner = owners[slot]!;
    for (const other of ports.filter((port) => port !== owner)) {
      expect((await cli(other, 'GET', key)).trim()).toBe(`MOVED ${slot} 127.0.0.1:${owner}`);
      await expect(command(other, ['GET', key])).rejects.toThrow(`MOVED ${slot} 127.0.0.1:${owner}`);
    }
    expect(await command(owner, ['GET', key])).toBe('7');
  });

  it('refuses MGET across slots with CROSSSLOT and serves it for keys sharing a hash tag', async () => {
    const [a, b] = ['io:1', 'io:2'];
    expect(keySlot(a)).not.toBe(keySlot(b));
    const owner = owners[keySlot(a)]!;
    await expect(command(owner, ['MGET', a, b])).rejects.toThrow("CROSSSLOT Keys in request don't hash to the same slot");

    const tagged = ['{user1}:a', '{user1}:b', '{user1}:c'];
    const slot = keySlot('user1');
    expect(tagged.map((key) => keySlot(key))).toEqual([slot, slot, slot]);
    expect(await cli(ports[0]!, '-c', 'MSET', tagged[0]!, 'A', tagged[1]!, 'B')).toBe('OK');
    expect(await cli(ports[1]!, '-c', 'MGET', ...tagged)).toBe('A\nB\n');
    expect(await command(owners[slot]!, ['MGET', ...tagged])).toEqual(['A', 'B', null]);
  });
});
