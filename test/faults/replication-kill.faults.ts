/**
 * Replication in a real 3-node ringcache cluster (replicas 1): a kill -9 must lose no key written with WAIT 1,
 * the killed node comes back syncing and serves again only after it copied its slots. This found the heir bug
 * (replicas.ts heirTable: the load bound moved a few slots between survivors at a failover, to a member without
 * their data); it runs in the fault suite because it depends on the ring layout of random node ids.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { keySlot } from '../../libs/cluster/src/slots.js';
import { clusterClient, clusterSlots, command, startTestCluster, waitFor, type TestCluster } from '../support/clusters.js';

const NODE_TIMEOUT_MS = 3000;
const KEYS = 600;

async function dbsizes(cluster: TestCluster): Promise<number[]> {
  return Promise.all(cluster.nodes.map(async (node) => Number(await command(node.port, ['DBSIZE']).catch(() => -1))));
}

/** Every key written by the tests reads back. */
async function expectAll(client: Cluster, killKeys: number): Promise<void> {
  for (let i = 0; i < killKeys; i++) expect(await client.get(`rep:kill:${i}`)).toBe(`k${i}`);
  for (let i = 0; i < KEYS; i++) expect(await client.get(`rep:${i}`)).toBe(`v${i}`);
}

describe('replication in a ringcache cluster (replicas 1): kill -9 read-back', () => {
  let cluster: TestCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ kind: 'ringcache', size: 3, nodeTimeoutMs: NODE_TIMEOUT_MS, extraArgs: ['--replicas', '1'] });
    client = clusterClient(cluster);
    for (let i = 0; i < KEYS; i++) await client.set(`rep:${i}`, `v${i}`);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('kill -9 of a node loses no key written with WAIT 1, and the node comes back through a sync', async () => {
    const victim = cluster.nodes[2]!;
    const written = 200;
    // Each write acknowledged by its slot's replica: SET then WAIT 1 on a connection to the slot's owner.
    const slots = await clusterSlots(cluster.nodes[0]!.port);
    const direct = new Map(cluster.nodes.map((node) => [node.port, new Redis({ port: node.port, lazyConnect: false })]));
    try {
      for (let i = 0; i < written; i++) {
        const key = `rep:kill:${i}`;
        const owner = slots.find((r) => r[0] <= keySlot(key) && keySlot(key) <= r[1])![2][1];
        const conn = direct.get(owner)!;
        expect(await conn.set(key, `k${i}`)).toBe('OK');
        expect(await conn.call('WAIT', '1', '2000')).toBe(1);
      }
    } finally {
      for (const conn of direct.values()) conn.disconnect();
    }
    // Each key has at least its two copies (heirs, replicas.ts, can add a third for a few slots).
    await waitFor(async () => (await dbsizes(cluster)).reduce((a, b) => a + b, 0) >= 2 * (KEYS + written), 5000, 'every write copied');
    victim.kill('SIGKILL');
    await victim.exited();
    const survivors = [cluster.nodes[0]!.port, cluster.nodes[1]!.port];
    await waitFor(async () => {
      const slots = await clusterSlots(survivors[0]!).catch(() => []);
      return slots.length > 0 && slots.every((r) => survivors.includes(r[2][1]));
    }, NODE_TIMEOUT_MS + 8000, 'the survivors to own every slot');
    await expectAll(client, written);

    await victim.restart();
    await waitFor(async () => {
      const slots = await clusterSlots(survivors[0]!).catch(() => []);
      return slots.some((r) => r[2][1] === victim.port);
    }, 20_000, 'the restarted node to serve slots again');
    await expectAll(client, written);
  }, 60_000);
});
