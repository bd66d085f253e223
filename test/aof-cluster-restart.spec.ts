/**
 * A whole ringcache cluster (3 nodes, replicas 1, appendonly yes, each node its own --dir) killed with -9 at
 * once and started again: every member restores its slots from its own append-only file (docs/persistence.md,
 * "In a cluster"), so every acknowledged write is back, deleted keys stay deleted, and the cluster client sees
 * no error while the cold start settles (TRYAGAIN is retried).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from 'ioredis';
import { clusterClient, clusterInfo, startTestCluster, waitFor, type TestCluster } from './support/clusters.js';

const KEYS = 600;
const NODE_TIMEOUT_MS = 3000;
const key = (i: number): string => `restart:${i}`;
/** After the writes: every third key overwritten, every tenth deleted. */
const expectedValue = (i: number): string | null => (i % 10 === 0 ? null : i % 3 === 0 ? `second${i}` : `first${i}`);

/** Starts every (exited) node again and waits until all three are ok and know each other. */
async function restartAll(cluster: TestCluster): Promise<void> {
  await Promise.all(cluster.nodes.map((node) => node.restart()));
  await waitFor(async () => {
    const infos = await Promise.all(cluster.nodes.map((node) => clusterInfo(node.port).catch(() => undefined)));
    return infos.every((info) => info?.cluster_state === 'ok' && info.cluster_known_nodes === '3');
  }, 30_000, 'the restarted cluster to be ok with 3 members');
}

/** The keys whose value through `client` differs from expectedValue, as `key: got x, want y` lines. */
async function wrongValues(client: Cluster): Promise<string[]> {
  const wrong: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const got = await client.get(key(i));
    if (got !== expectedValue(i)) wrong.push(`${key(i)}: got ${got}, want ${expectedValue(i)}`);
  }
  return wrong;
}

describe('a whole cluster killed with -9 and restarted from its append-only files', () => {
  const dirs: string[] = [];
  let cluster: TestCluster;
  let client: Cluster | undefined;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) dirs.push(await mkdtemp(path.join(tmpdir(), `ringcache-restart-${i}-`)));
    cluster = await startTestCluster({
      kind: 'ringcache', size: 3, nodeTimeoutMs: NODE_TIMEOUT_MS,
      extraArgs: ['--replicas', '1', '--appendonly', 'yes', '--cluster-restore-timeout', '20000'],
      perNodeArgs: (i) => ['--dir', dirs[i]!],
    });
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('comes back with every acknowledged write: each member serves its slots from its own file', async () => {
    client = clusterClient(cluster);
    for (let i = 0; i < KEYS; i++) expect(await client.set(key(i), `first${i}`)).toBe('OK');
    for (let i = 0; i < KEYS; i++) {
      if (i % 3 === 0) expect(await client.set(key(i), `second${i}`)).toBe('OK');
      if (i % 10 === 0) expect(await client.del(key(i))).toBe(1);
    }
    client.disconnect();
    client = undefined;

    // Each member saved the ring it belongs to next to its file.
    for (const dir of dirs) {
      const saved = JSON.parse(await readFile(path.join(dir, 'nodes.conf'), 'utf8')) as { members: unknown[]; epoch: number };
      expect(saved.members).toHaveLength(3);
      expect(saved.epoch).toBeGreaterThan(0);
    }

    for (const node of cluster.nodes) node.kill('SIGKILL');
    await Promise.all(cluster.nodes.map((node) => node.exited()));
    await restartAll(cluster);

    client = clusterClient(cluster);
    const wrong = await wrongValues(client);
    if (wrong.length > 0) for (const node of cluster.nodes) process.stdout.write(`node ${node.port}:\n${node.output()}\n`);
    expect(wrong).toEqual([]);
    for (const node of cluster.nodes) expect(node.output()).toContain("serving this node's slots from its append-only file");
    // The cluster goes on: a write after the restart lands and reads back.
    expect(await client.set('restart:after', 'yes')).toBe('OK');
    expect(await client.get('restart:after')).toBe('yes');
  }, 90_000);

  it('comes back after a graceful stop of every node at once (SIGTERM, as Ctrl-C on ringcache dev)', async () => {
    client!.disconnect();
    client = undefined;
    // Each member leaves; as the others leave too it keeps its keyspace and file (no DELs) and its saved ring.
    for (const node of cluster.nodes) node.kill('SIGTERM');
    await Promise.all(cluster.nodes.map((node) => node.exited()));
    await restartAll(cluster);
    client = clusterClient(cluster);
    const wrong = await wrongValues(client);
    expect(await client.get('restart:after')).toBe('yes');
    if (wrong.length > 0) for (const node of cluster.nodes) process.stdout.write(`node ${node.port}:\n${node.output()}\n`);
    expect(wrong).toEqual([]);
  }, 60_000);
});
