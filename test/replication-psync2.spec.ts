/**
 * PSYNC2 across failover in a real 3-node ringcache cluster with 2 replicas (every member holds every slot):
 * after a kill -9, each slot of the dead member goes to its first replica, and its second replica, the other
 * survivor, resumes the slot from its place in the dead member's stream (partial_syncs on its link to the
 * promoted member) instead of copying it again: none of those slots is snapshotted, every key reads back, and
 * writes made after the failover reach the copies.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { SLOT_COUNT, keySlot } from '../libs/cluster/src/slots.js';
import { encodedLength } from '../libs/replication/src/replication-log.js';
import { clusterSlots, command, startTestCluster, waitFor, type SlotRange, type TestCluster } from './support/clusters.js';

const NODE_TIMEOUT_MS = 3000;
const KEYS = 600;

/** INFO replication of a node, its lines. */
async function replicationLines(port: number): Promise<string[]> {
  return String(await command(port, ['INFO', 'replication'])).split('\r\n');
}

/** Snapshot bytes a node has sent (ringcache_slot_sync_bytes_sent). */
async function snapshotBytesSent(port: number): Promise<number> {
  const line = (await replicationLines(port)).find((l) => l.startsWith('ringcache_slot_sync_bytes_sent:'))!;
  return Number(line.split(':')[1]);
}

/** The `primaryN` line of `port`'s link to the member on `primaryPort`, as field → value. */
async function linkTo(port: number, primaryPort: number): Promise<Record<string, string> | undefined> {
  const line = (await replicationLines(port)).find((l) => l.startsWith('primary') && l.includes(`,port=${primaryPort},`));
  if (line === undefined) return undefined;
  return Object.fromEntries(line.slice(line.indexOf(':') + 1).split(',').map((pair) => pair.split('=') as [string, string]));
}

function ownerPort(slots: SlotRange[], key: string): number {
  const slot = keySlot(key);
  return slots.find((range) => range[0] <= slot && slot <= range[1])![2][1];
}

/** The RESP port of each slot's owner. */
function slotOwners(slots: SlotRange[]): number[] {
  const owners = new Array<number>(SLOT_COUNT).fill(0);
  for (const [start, end, [, port]] of slots) owners.fill(port, start, end + 1);
  return owners;
}

function direct(port: number): Redis {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => undefined);
  return client;
}

/** Writes `keys` through their owners, each owner's batch acknowledged by `replicas` copies (WAIT). */
async function writeAcknowledged(port: number, keys: string[], replicas: number): Promise<void> {
  const slots = await clusterSlots(port);
  const byOwner = new Map<number, string[]>();
  for (const key of keys) {
    const owner = ownerPort(slots, key);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), key]);
  }
  for (const [owner, owned] of byOwner) {
    const client = direct(owner);
    for (const key of owned) await client.set(key, `v:${key}`);
    expect(await client.call('WAIT', String(replicas), '5000')).toBe(replicas);
    client.disconnect();
  }
}

async function expectAll(port: number, keys: string[]): Promise<void> {
  const slots = await clusterSlots(port);
  for (const key of keys) expect(await command(ownerPort(slots, key), ['GET', key])).toBe(`v:${key}`);
}

describe('PSYNC2 across failover (3 nodes, replicas 2)', () => {
  let cluster: TestCluster;

  beforeAll(async () => {
    cluster = await startTestCluster({ kind: 'ringcache', size: 3, nodeTimeoutMs: NODE_TIMEOUT_MS, extraArgs: ['--replicas', '2'] });
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it('the other replica of the dead member\'s slots resumes them from the promoted member without a copy', async () => {
    const keys = Array.from({ length: KEYS }, (_, i) => `psync2:${i}`);
    const [a, b, victim] = cluster.nodes as [typeof cluster.nodes[0], typeof cluster.nodes[0], typeof cluster.nodes[0]];
    await writeAcknowledged(a.port, keys, 2);
    await waitFor(async () => (await Promise.all(cluster.nodes.map((n) => command(n.port, ['DBSIZE'])))).every((size) => size === KEYS), 10_000, 'every key on every member');
    const before = await Promise.all([a.port, b.port].map(snapshotBytesSent));
    const linksBefore = [await linkTo(a.port, b.port), await linkTo(b.port, a.port)];
    const ownersBefore = slotOwners(await clusterSlots(a.port));

    victim.kill('SIGKILL');
    await victim.exited();
    const survivors = [a.port, b.port];
    await waitFor(async () => {
      const slots = await clusterSlots(a.port).catch(() => []);
      return slots.length > 0 && slots.every((range) => survivors.includes(range[2][1]));
    }, NODE_TIMEOUT_MS + 8000, 'the survivors to own every slot');
    // The survivors took the dead member's slots over; each resumes the other's share on its link to it.
    await waitFor(async () => {
      const links = [await linkTo(a.port, b.port), await linkTo(b.port, a.port)];
      return links.every((link) => link !== undefined && link.sync_in_progress === '0' && link.slots === link.synced_slots && Number(link.slots) > 0);
    }, 10_000, 'both survivors to hold the other\'s slots');
    const linksAfter = [await linkTo(a.port, b.port), await linkTo(b.port, a.port)];
    // Slots of the dead member each survivor took over (the other resumes them on its link to it).
    const ownersAfter = slotOwners(await clusterSlots(a.port));
    const taken = survivors.map((port) => ownersBefore.filter((owner, slot) => owner === victim.port && ownersAfter[slot] === port).length);
    expect(taken[0]! + taken[1]!).toBe(ownersBefore.filter((owner) => owner === victim.port).length);
    for (const [i, link] of linksAfter.entries()) {
      // linksAfter[i] is survivor i's link to the other one.
      if (taken[1 - i]! > 0) expect(Number(link!.partial_syncs)).toBeGreaterThan(Number(linksBefore[i]!.partial_syncs));
      expect(link!.full_syncs).toBe(linksBefore[i]!.full_syncs);
    }
    // The dead member's slots were not copied again: a snapshot of them would cost at least a SLOTSYNC frame
    // each. (The failover's new table may also move a few slots between the survivors, a handover whose old
    // owner copies them back as a replica: those are snapshots, a few hundred slots at most.)
    const after = await Promise.all(survivors.map(snapshotBytesSent));
    const frame = encodedLength(['REPLCONF', 'SLOTSYNC', '0']);
    for (const i of [0, 1]) expect(after[i]! - before[i]!).toBeLessThan((frame * taken[i]!) / 2 + 1);

    await expectAll(a.port, keys);
    // The resumed links stream: writes after the failover reach the other survivor.
    const more = Array.from({ length: 100 }, (_, i) => `psync2:after:${i}`);
    await writeAcknowledged(a.port, more, 1);
    await waitFor(async () => (await Promise.all(survivors.map((port) => command(port, ['DBSIZE'])))).every((size) => size === KEYS + more.length), 10_000, 'every key on both survivors');
    await expectAll(a.port, [...keys, ...more]);
  }, 60_000);
});
