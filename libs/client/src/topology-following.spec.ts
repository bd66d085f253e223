import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { TOPOLOGY_CHANNEL } from './client-options.js';
import { RingCacheClient } from './ring-cache-client.js';
import { clientKeySlot } from './slot-groups.js';
import type { SlotTableSnapshot } from './slot-table.js';
import {
  clusterSlots, moveRedisSlot, slotOwnerPorts, startTestCluster, type ClusterKind, type ClusterNodeHandle, type TestCluster,
} from '../../../test/support/clusters.js';

function ownerPortOf(table: SlotTableSnapshot, slot: number): number | undefined {
  return table.ranges.find((r) => r.start <= slot && slot <= r.end)?.node.port;
}

/** How the client's slot table names a node. */
function identity(node: ClusterNodeHandle): { host: string; port: number; id: string } {
  return { host: node.host, port: node.port, id: node.id };
}

describe.each<ClusterKind>(['ringcache', 'redis'])('RingCacheClient following topology changes on a %s cluster', (kind) => {
  let cluster: TestCluster;
  let client: RingCacheClient;

  /** Resolves with the next table a listener sees that satisfies `accept`. */
  function nextTopology(accept: (table: SlotTableSnapshot) => boolean = () => true): Promise<SlotTableSnapshot> {
    return new Promise((resolve) => {
      const off = client.onTopology((table) => {
        if (!accept(table)) return;
        off();
        resolve(table);
      });
    });
  }

  beforeAll(async () => {
    cluster = await startTestCluster({ kind, size: 3 });
    // No periodic refresh: what updates the table below is the MOVED reply or the push.
    client = new RingCacheClient({ seeds: [cluster.seeds[0]!], topologyRefreshMs: 0 });
    await client.connect();
  });

  afterAll(async () => {
    await client?.quit();
    await cluster?.stop();
  });

  if (kind === 'redis') {
    it('follows MOVED after a slot migration and updates its slot table', async () => {
      const key = 'moving-key';
      const slot = clientKeySlot(key);
      const from = await cluster.ownerOf(slot);
      const to = (from + 1) % 3;
      await client.set(key, 'before');
      const before = client.slotTable();
      expect(ownerPortOf(before, slot)).toBe(cluster.nodes[from]!.port);

      const changed = nextTopology((table) => ownerPortOf(table, slot) === cluster.nodes[to]!.port);
      await moveRedisSlot(cluster, slot, to);
      expect(await client.get(key)).toBe('before'); // sent to the old owner, MOVED, resent to the new one
      const after = await changed;
      expect(after.epoch).toBeGreaterThan(before.epoch);
      expect(after.ranges.find((r) => r.start === slot && r.end === slot)?.node).toEqual(identity(cluster.nodes[to]!));
      expect(client.slotTable()).toEqual(after);
      expect(await client.set(key, 'after')).toBe(true);
      expect(await client.mget([key, 'other'])).toEqual(['after', null]);
    });
  } else {
    /** Keys (prefix:0, prefix:1, ...) whose slots `node` owns in the cluster's current table. */
    async function keysOwnedBy(node: ClusterNodeHandle, count: number, prefix: string): Promise<string[]> {
      const owners = slotOwnerPorts(await clusterSlots(cluster.nodes[0]!.port));
      const keys: string[] = [];
      for (let i = 0; keys.length < count; i++) if (owners[clientKeySlot(`${prefix}:${i}`)] === node.port) keys.push(`${prefix}:${i}`);
      return keys;
    }

    it('follows a 4th node joining through the topology push, then routes its keys to it', async () => {
      const before = client.slotTable();
      const known = new Set(before.ranges.map((r) => r.node.port));
      const changed = nextTopology((table) => table.ranges.some((r) => !known.has(r.node.port)));
      const joined = await cluster.addNode();
      const after = await changed; // no command was sent meanwhile: only the nodes' push can bring this
      expect(after.epoch).toBeGreaterThan(before.epoch);
      const owned = after.ranges.filter((r) => r.node.port === joined.port);
      expect(owned.length).toBeGreaterThan(0);
      for (const range of owned) expect(range.node).toEqual(identity(joined));
      const keys = await keysOwnedBy(joined, 20, 'joined');
      expect(await client.mset(keys.map((k) => [k, `v-${k}`] as [string, string]))).toBeUndefined();
      expect(await Promise.all(keys.map((k) => client.get(k)))).toEqual(keys.map((k) => `v-${k}`));
      expect(await client.set(keys[0]!, 'again')).toBe(true);
      expect(await client.get(keys[0]!)).toBe('again');
    });

    it('follows a graceful leave (SIGTERM): the leaver\'s slots go back to the others', async () => {
      const leaver = cluster.nodes[3]!;
      const keys = await keysOwnedBy(leaver, 20, 'leaving');
      const changed = nextTopology((table) => table.ranges.every((r) => r.node.port !== leaver.port));
      leaver.kill('SIGTERM');
      const after = await changed;
      expect(new Set(after.ranges.map((r) => r.node.port))).toEqual(new Set(cluster.nodes.slice(0, 3).map((node) => node.port)));
      const exit = await leaver.exited(); // code 0, or the SIGTERM Nest's shutdown hooks re-raise once closed
      expect(exit.code === 0 || (exit.code === null && exit.signal === 'SIGTERM')).toBe(true);
      expect(await Promise.all(keys.map((k) => client.set(k, `w-${k}`)))).toEqual(keys.map(() => true));
      expect(await client.mget(keys)).toEqual(keys.map((k) => `w-${k}`));
    });
  }

  it('refreshes and notifies listeners when a node publishes on the topology channel', async () => {
    const table = client.slotTable();
    const pushed = nextTopology();
    const slots = table.ranges.map((r) => [r.start, r.end, `${r.node.host}:${r.node.port}`, r.node.id]);
    await cluster.publish(TOPOLOGY_CHANNEL, JSON.stringify({ epoch: table.epoch + 10, slots }));
    const seen = await pushed;
    expect(seen.epoch).toBe(table.epoch + 10);
    expect(seen.ranges).toEqual(table.ranges);
    expect(client.slotTable().epoch).toBe(table.epoch + 10);
  });

  it('ignores malformed topology messages and stops notifying after unsubscribe', async () => {
    let calls = 0;
    const off = client.onTopology(() => calls++);
    await cluster.publish(TOPOLOGY_CHANNEL, 'not json');
    await cluster.publish(TOPOLOGY_CHANNEL, JSON.stringify({ epoch: 'x', slots: [] }));
    const epoch = client.slotTable().epoch;
    const pushed = nextTopology();
    await cluster.publish(TOPOLOGY_CHANNEL, JSON.stringify({ epoch: epoch + 1, slots: [] }));
    await pushed; // messages arrive in order: the malformed ones came and went before this one
    expect(calls).toBe(1);
    off();
    const again = nextTopology();
    await cluster.publish(TOPOLOGY_CHANNEL, JSON.stringify({ epoch: epoch + 2, slots: [] }));
    await again;
    expect(calls).toBe(1);
  });
});
