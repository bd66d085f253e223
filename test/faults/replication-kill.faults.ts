/**
 * Replication in a real 3-node ringcache cluster (replicas 1): a kill -9 must lose no key that had its copy
 * (every write copied first), the killed node comes back syncing and serves again only after it copied its
 * slots. Moved here from test/replication.spec.ts because it fails in about one run in four (keys missing after
 * the failover): an open bug, docs/replication.md "What is not there yet".
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
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
    for (let i = 0; i < written; i++) await client.set(`rep:kill:${i}`, `k${i}`);
    await waitFor(async () => (await dbsizes(cluster)).reduce((a, b) => a + b, 0) === 2 * (KEYS + written), 5000, 'every write copied');
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
