/**
 * Fault: the append-only file in a 3-node ringcache cluster (replicas 1, appendfsync always, each node its own
 * --dir). Node 2 is killed -9, the cluster overwrites, deletes and adds keys without it, and node 2 comes back
 * from its now-stale AOF. Targets (docs/persistence.md, "In a cluster"): it loads the file, comes back syncing
 * and copies its slots from their owners, so no old value and no deleted key comes back, through the cluster
 * or in its own keyspace; killed and restarted again, its file (now what it copied) gives the same answers.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis, type Cluster } from 'ioredis';
import { keySlot } from '../../libs/cluster/src/slots.js';
import {
  clusterClient, clusterSlots, command, slotOwnerPorts, startTestCluster, waitFor, type TestCluster,
} from '../support/clusters.js';
import { emit, NODE_TIMEOUT_MS, replicationArgs } from './fault-kit.js';

const STRINGS = 480;
const LISTS = 10;
const HASHES = 10;
/** Strings deleted while node 2 is down: every tenth. */
const DELETED = (i: number): boolean => i % 10 === 0;
const NEW_KEYS = 100;
const AOF_FILE = 'appendonly.aof';

const stringKey = (i: number): string => `aof:s:${i}`;
const listKey = (i: number): string => `aof:l:${i}`;
const hashKey = (i: number): string => `aof:h:${i}`;
const newKey = (i: number): string => `aof:n:${i}`;

/** What a key must read as after the outage: a string, a list, a hash, or absent (null). */
type Expected = { type: 'string'; value: string | null } | { type: 'list'; value: string[] } | { type: 'hash'; value: Record<string, string> };

/** Every key of the scenario with its value after step 2 (new values, deleted strings null, new keys). */
function expectedAfterOutage(): Map<string, Expected> {
  const expected = new Map<string, Expected>();
  for (let i = 0; i < STRINGS; i++) expected.set(stringKey(i), { type: 'string', value: DELETED(i) ? null : `new${i}` });
  for (let i = 0; i < LISTS; i++) expected.set(listKey(i), { type: 'list', value: [`n${i}`, 'n-last'] });
  for (let i = 0; i < HASHES; i++) expected.set(hashKey(i), { type: 'hash', value: { a: `new${i}`, c: 'new' } });
  for (let i = 0; i < NEW_KEYS; i++) expected.set(newKey(i), { type: 'string', value: `added${i}` });
  return expected;
}

/** Reads `key` as its expected type on `client` (a Cluster, or a direct READONLY connection). */
async function read(client: Cluster | Redis, key: string, type: Expected['type']): Promise<Expected['value']> {
  if (type === 'string') return client.get(key);
  if (type === 'list') return client.lrange(key, 0, -1);
  return client.hgetall(key);
}

/** The keys whose value differs from `expected`, as `key: got <x>, want <y>` lines (empty when all match). */
async function mismatches(client: Cluster, expected: Map<string, Expected>): Promise<string[]> {
  const wrong: string[] = [];
  for (const [key, want] of expected) {
    const got = await read(client, key, want.type);
    if (JSON.stringify(got) !== JSON.stringify(want.value)) wrong.push(`${key}: got ${JSON.stringify(got)}, want ${JSON.stringify(want.value)}`);
  }
  return wrong;
}

/**
 * Node `port`'s own keyspace, read with READONLY: each scenario key it holds (as owner or replica) must have its
 * expected value, and DBSIZE must be the number of those present (no key left over from slots it dropped).
 * Keys of slots it does not hold answer MOVED and are skipped.
 */
async function nodeKeyspace(port: number, expected: Map<string, Expected>): Promise<{ held: number; present: number; dbsize: number; wrong: string[] }> {
  const conn = new Redis({ port, maxRetriesPerRequest: 0 });
  conn.on('error', () => undefined);
  try {
    await conn.call('READONLY');
    let [held, present] = [0, 0];
    const wrong: string[] = [];
    for (const [key, want] of expected) {
      let got: Expected['value'];
      try {
        got = await read(conn, key, want.type);
      } catch (err) {
        if (String(err).includes('MOVED')) continue;
        throw err;
      }
      held++;
      if (want.value !== null) present++;
      if (JSON.stringify(got) !== JSON.stringify(want.value)) wrong.push(`${key} (slot ${keySlot(key)}): got ${JSON.stringify(got)}, want ${JSON.stringify(want.value)}`);
    }
    return { held, present, dbsize: Number(await conn.dbsize()), wrong };
  } finally {
    conn.disconnect();
  }
}

/** INFO `section` of the node at `port` as field → value. */
async function info(port: number, section: string): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const line of String(await command(port, ['INFO', section])).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

describe('AOF in a ringcache cluster (replicas 1): a restarted node does not resurrect its stale file', () => {
  const dirs: string[] = [];
  let cluster: TestCluster;
  let client: Cluster;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) dirs.push(await mkdtemp(path.join(tmpdir(), `ringcache-aof-cluster-${i}-`)));
    cluster = await startTestCluster({
      kind: 'ringcache', size: 3, nodeTimeoutMs: NODE_TIMEOUT_MS,
      extraArgs: [...replicationArgs(1), '--appendonly', 'yes', '--appendfsync', 'always'],
      perNodeArgs: (i) => ['--dir', dirs[i]!],
    });
    client = clusterClient(cluster);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const survivorPorts = (): number[] => [cluster.nodes[0]!.port, cluster.nodes[1]!.port];

  /** Kills node 2 with SIGKILL and waits until the two others own every slot. */
  async function killNode2(): Promise<void> {
    const victim = cluster.nodes[2]!;
    victim.kill('SIGKILL');
    await victim.exited();
    await waitFor(async () => {
      const slots = await clusterSlots(survivorPorts()[0]!).catch(() => []);
      const owners = slotOwnerPorts(slots);
      return owners.every((port) => port !== undefined && survivorPorts().includes(port));
    }, NODE_TIMEOUT_MS + 10_000, 'the survivors to own every slot');
  }

  /** Restarts node 2 (same --dir) and waits until the survivors' CLUSTER SLOTS gives it slots again. */
  async function restartNode2(): Promise<void> {
    const node = cluster.nodes[2]!;
    await node.restart();
    await waitFor(async () => {
      const slots = await clusterSlots(survivorPorts()[0]!).catch(() => []);
      return slots.some((r) => r[2][1] === node.port);
    }, 30_000, 'the restarted node 2 to serve slots again');
  }

  /** Step 4's checks: through the cluster every key is as expected; node 2's own keys too. */
  async function expectNewState(expected: Map<string, Expected>, restart: number): Promise<void> {
    const node2 = cluster.nodes[2]!;
    const wrong = await mismatches(client, expected);
    if (wrong.length > 0) process.stdout.write(`node 2 output:\n${node2.output()}\n`);
    expect(wrong).toEqual([]);
    // Replica streams are asynchronous: give node 2 a moment to apply the last of what it copies.
    let keyspace = await nodeKeyspace(node2.port, expected);
    await waitFor(async () => {
      keyspace = await nodeKeyspace(node2.port, expected);
      return keyspace.wrong.length === 0 && keyspace.dbsize === keyspace.present;
    }, 5000, 'node 2 to hold exactly the new values of its slots').catch(() => undefined);
    emit('aof-cluster', { restart, node2Held: keyspace.held, node2Present: keyspace.present, node2Dbsize: keyspace.dbsize, node2Wrong: keyspace.wrong.length });
    expect(keyspace.wrong).toEqual([]);
    expect(keyspace.held).toBeGreaterThan(0); // else the direct check proves nothing
    expect(keyspace.dbsize).toBe(keyspace.present);
  }

  it('kill -9, writes without the node, restart from the stale AOF: new values only; and again from the new AOF', async () => {
    // 1. Old values, each acknowledged by its slot's replica (SET then WAIT 1 on the owner's connection).
    const owners = slotOwnerPorts(await clusterSlots(cluster.nodes[0]!.port));
    const direct = new Map(cluster.nodes.map((node) => [node.port, new Redis({ port: node.port })]));
    try {
      const acked = async (key: string, write: (conn: Redis) => Promise<unknown>): Promise<void> => {
        const conn = direct.get(owners[keySlot(key)]!)!;
        await write(conn);
        expect(await conn.call('WAIT', '1', '2000')).toBe(1);
      };
      for (let i = 0; i < STRINGS; i++) await acked(stringKey(i), (conn) => conn.set(stringKey(i), `old${i}`));
      for (let i = 0; i < LISTS; i++) await acked(listKey(i), (conn) => conn.rpush(listKey(i), 'o1', 'o2', 'o3'));
      for (let i = 0; i < HASHES; i++) await acked(hashKey(i), (conn) => conn.hset(hashKey(i), { a: `old${i}`, b: 'old' }));
    } finally {
      for (const conn of direct.values()) conn.disconnect();
    }

    // 2. Node 2 down: every key overwritten, 50 deleted, 100 added, through the cluster client.
    await killNode2();
    for (let i = 0; i < STRINGS; i++) {
      expect(await client.set(stringKey(i), `new${i}`)).toBe('OK');
      if (DELETED(i)) expect(await client.del(stringKey(i))).toBe(1);
    }
    for (let i = 0; i < LISTS; i++) {
      await client.del(listKey(i));
      await client.rpush(listKey(i), `n${i}`, 'n-last');
    }
    for (let i = 0; i < HASHES; i++) {
      await client.hdel(hashKey(i), 'b');
      await client.hset(hashKey(i), { a: `new${i}`, c: 'new' });
    }
    for (let i = 0; i < NEW_KEYS; i++) expect(await client.set(newKey(i), `added${i}`)).toBe('OK');
    const expected = expectedAfterOutage();

    // The stale file node 2 will load holds old values, deleted keys among them (else this proves nothing).
    const staleAof = await readFile(path.join(dirs[2]!, AOF_FILE), 'latin1');
    const staleDeleted = Array.from({ length: STRINGS }, (_, i) => i).filter((i) => DELETED(i) && staleAof.includes(`$${`old${i}`.length}\r\nold${i}\r\n`));
    expect(staleDeleted.length).toBeGreaterThan(0);
    expect(staleAof).not.toContain('new1\r\n');

    // 3. + 4. Restart from the stale file.
    await restartNode2();
    const persistence = await info(cluster.nodes[2]!.port, 'persistence');
    expect(persistence.aof_enabled).toBe('1');
    expect(persistence.aof_last_write_status).toBe('ok');
    await expectNewState(expected, 1);

    // 5. Again: the file now reflects what node 2 copied.
    await killNode2();
    const copiedAof = await readFile(path.join(dirs[2]!, AOF_FILE), 'latin1');
    expect(copiedAof).toMatch(/\r\nnew\d+\r\n/); // what it copied went into its file
    await restartNode2();
    await expectNewState(expected, 2);
  }, 150_000);
});
