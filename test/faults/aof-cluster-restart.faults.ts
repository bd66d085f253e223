/**
 * Fault: whole-cluster restarts from the append-only files (docs/persistence.md, "In a cluster"), 3 nodes,
 * replicas 1, appendonly yes, each node its own --dir, cluster-restore-timeout 4 s.
 *
 * 1. A stale member: node 2 is killed, every key is overwritten or deleted without it, then nodes 0 and 1 are
 *    killed too and all three start again. Target: nodes 0 and 1 restore from their files; node 2, whose saved
 *    ring is older, gives up its file and copies its slots from them; every key has its new value.
 * 2. An absent member: the whole cluster is killed again and only nodes 0 and 1 start. Target: after the
 *    restore timeout they serve every slot (node 2's from the replicas and heirs in their files) with every
 *    value; node 2 started later copies its slots (the cold start is over) and the values stay.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from 'ioredis';
import {
  clusterClient, clusterInfo, clusterSlots, slotOwnerPorts, startTestCluster, waitFor, type ClusterNodeHandle, type TestCluster,
} from '../support/clusters.js';
import { emit, NODE_TIMEOUT_MS, replicationArgs } from './fault-kit.js';

const KEYS = 900;
const RESTORE_TIMEOUT_MS = 4000;
const key = (i: number): string => `cold:${i}`;
/** After the outage of node 2: every key overwritten, every seventh deleted. */
const expectedValue = (i: number): string | null => (i % 7 === 0 ? null : `new${i}`);

const RESTORED = "serving this node's slots from its append-only file";
const GAVE_UP = 'not restoring from the append-only file';

describe('whole-cluster restarts from the AOF (replicas 1): a stale member and an absent one', () => {
  const dirs: string[] = [];
  let cluster: TestCluster;
  const clients: Cluster[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) dirs.push(await mkdtemp(path.join(tmpdir(), `ringcache-cold-${i}-`)));
    cluster = await startTestCluster({
      kind: 'ringcache', size: 3, nodeTimeoutMs: NODE_TIMEOUT_MS,
      extraArgs: [...replicationArgs(1), '--appendonly', 'yes', '--cluster-restore-timeout', String(RESTORE_TIMEOUT_MS)],
      perNodeArgs: (i) => ['--dir', dirs[i]!],
    });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await cluster?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const client = (): Cluster => {
    const made = clusterClient(cluster);
    clients.push(made);
    return made;
  };

  async function killAll(nodes: readonly ClusterNodeHandle[]): Promise<void> {
    for (const node of nodes) node.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited()));
  }

  async function waitOk(nodes: readonly ClusterNodeHandle[], known: number, timeoutMs: number): Promise<void> {
    await waitFor(async () => {
      const infos = await Promise.all(nodes.map((node) => clusterInfo(node.port).catch(() => undefined)));
      return infos.every((info) => info?.cluster_state === 'ok' && info.cluster_known_nodes === String(known) && !info.cluster_state.includes('fail'));
    }, timeoutMs, `${nodes.length} node(s) ok with ${known} known`);
  }

  async function wrongValues(reader: Cluster): Promise<string[]> {
    const wrong: string[] = [];
    for (let i = 0; i < KEYS; i++) {
      const got = await reader.get(key(i));
      if (got !== expectedValue(i)) wrong.push(`${key(i)}: got ${got}, want ${expectedValue(i)}`);
    }
    return wrong;
  }

  it('restores from the current files, ignores the stale one, and serves without an absent member', async () => {
    const [node0, node1, node2] = cluster.nodes as [ClusterNodeHandle, ClusterNodeHandle, ClusterNodeHandle];
    let writer = client();
    for (let i = 0; i < KEYS; i++) expect(await writer.set(key(i), `old${i}`)).toBe('OK');

    // 1. Node 2 down; every key rewritten without it.
    await killAll([node2]);
    await waitFor(async () => {
      const owners = slotOwnerPorts(await clusterSlots(node0.port).catch(() => []));
      return owners.every((port) => port === node0.port || port === node1.port);
    }, NODE_TIMEOUT_MS + 10_000, 'nodes 0 and 1 to own every slot');
    for (let i = 0; i < KEYS; i++) {
      expect(await writer.set(key(i), `new${i}`)).toBe('OK');
      if (i % 7 === 0) expect(await writer.del(key(i))).toBe(1);
    }
    writer.disconnect();

    // All down, all back: node 2's saved ring is older than the others'.
    await killAll([node0, node1]);
    let started = performance.now();
    await Promise.all(cluster.nodes.map((node) => node.restart()));
    await waitOk(cluster.nodes, 3, 30_000);
    const staleRestartMs = performance.now() - started;
    let wrong = await wrongValues(client());
    if (wrong.length > 0) for (const node of cluster.nodes) process.stdout.write(`node ${node.port}:\n${node.output()}\n`);
    expect(wrong).toEqual([]);
    expect(node0.output()).toContain(RESTORED);
    expect(node1.output()).toContain(RESTORED);
    expect(node2.output()).toContain(GAVE_UP);

    // 2. All down; only nodes 0 and 1 come back: they serve after the restore timeout.
    await killAll(cluster.nodes);
    started = performance.now();
    await Promise.all([node0.restart(), node1.restart()]);
    await waitOk([node0, node1], 2, RESTORE_TIMEOUT_MS + 20_000);
    const absentRestartMs = performance.now() - started;
    const reader = client();
    wrong = await wrongValues(reader);
    if (wrong.length > 0) for (const node of [node0, node1]) process.stdout.write(`node ${node.port}:\n${node.output()}\n`);
    expect(wrong).toEqual([]);
    expect(absentRestartMs).toBeGreaterThanOrEqual(RESTORE_TIMEOUT_MS - 500); // it did wait for node 2

    // Node 2 back later: the cold start is over, it copies its slots; values unchanged, and writes go on.
    await node2.restart();
    await waitOk(cluster.nodes, 3, 30_000);
    await waitFor(async () => (await clusterSlots(node0.port)).some((range) => range[2][1] === node2.port), 30_000, 'node 2 to own slots again');
    expect(node2.output()).toContain(GAVE_UP);
    expect(await wrongValues(reader)).toEqual([]);
    writer = client();
    expect(await writer.set('cold:after', 'yes')).toBe('OK');
    expect(await writer.get('cold:after')).toBe('yes');
    emit('aof-cluster-restart', { keys: KEYS, staleRestartMs: Math.round(staleRestartMs), absentRestartMs: Math.round(absentRestartMs), restoreTimeoutMs: RESTORE_TIMEOUT_MS });
  }, 170_000);
});
