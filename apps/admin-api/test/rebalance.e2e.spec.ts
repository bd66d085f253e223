/**
 * The admin API's replication and rebalancing routes against a real 3-node ringcache cluster with one replica
 * per slot: GET /cluster's replicas, pause/resume, the plan, a member that joins while snapshots are paused
 * (syncing until resumed), and a drained member whose keys all stay readable.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { keySlot } from '../../../libs/cluster/src/slots.js';
import { loadAdminConfig } from '../src/admin-config.js';
import { startAdmin, type RunningAdmin } from '../src/admin-app.js';
import { command, startTestCluster, waitFor, type TestCluster } from '../../../test/support/clusters.js';

const TOKEN = 'rebalance-token';

interface SlotNode {
  id: string;
  host: string;
  port: number;
}
interface Member {
  id: string;
  address: string;
  state: string;
  slots: number;
  syncing: boolean;
  replicaSlots: number;
  replicationOffset: number | null;
  connectedReplicas: number | null;
  links: Array<{ primaryId: string; linkStatus: string; lagBytes: number; lastIoSecondsAgo: number; slots: number; syncedSlots: number }> | null;
}
interface ClusterBody {
  members: Member[];
  slotRanges: Array<{ start: number; end: number; primary: SlotNode; replicas: SlotNode[] }>;
}
interface Progress {
  state: string;
  paused: boolean;
  pausedMembers: string[];
  bytesPerSecond: number | null;
  members: Array<{ id: string; slotsTotal: number; slotsDone: number; slotsRemaining: number; keysDone: number; keysRemaining: number }>;
}
interface Plan {
  moves: Array<{ start: number; end: number; from: SlotNode | null; to: SlotNode }>;
  slots: number;
  keysEstimate: number;
}

describe('admin API rebalancing on a 3-node ringcache cluster with --replicas 1', () => {
  let cluster: TestCluster;
  let admin: RunningAdmin;
  const keys = Array.from({ length: 200 }, (_, i) => `rebalance:${i}`);

  const json = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const headers = { authorization: `Bearer ${TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) };
    const res = await fetch(`${admin.url}${path}`, { ...init, headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  const post = <T>(path: string, body?: unknown) => json<T>(path, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const configOf = async (port: number) => ((await command(port, ['CONFIG', 'GET', 'slot-sync-paused'])) as string[])[1];

  /** Writes the keys on their owners' connections and waits for one replica to acknowledge them. */
  const writeKeys = async (): Promise<void> => {
    const byOwner = new Map<number, string[]>();
    for (const key of keys) {
      const owner = await cluster.ownerOf(keySlot(key));
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), key]);
    }
    for (const [owner, owned] of byOwner) {
      const node = new Redis({ host: '127.0.0.1', port: cluster.nodes[owner]!.port });
      try {
        for (const key of owned) await node.set(key, `v-${key}`);
        expect(await node.call('WAIT', '1', '5000')).toBe(1);
      } finally {
        node.disconnect();
      }
    }
  };

  beforeAll(async () => {
    cluster = await startTestCluster({ kind: 'ringcache', size: 3, nodeTimeoutMs: 3000, extraArgs: ['--replicas', '1'] });
    admin = await startAdmin(loadAdminConfig(['--seeds', cluster.seeds[0]!, '--port', '0', '--admin-token', TOKEN, '--timeout-ms', '1000'], {}));
  }, 30_000);

  afterAll(async () => {
    await admin?.app.close();
    await cluster?.stop();
  });

  it('needs the admin token on every rebalancing route, which the OpenAPI document lists', async () => {
    for (const [method, path] of [['GET', '/cluster/rebalance'], ['POST', '/cluster/rebalance'], ['POST', '/cluster/rebalance/pause'], ['POST', '/cluster/nodes/x/drain']] as const) {
      expect((await fetch(`${admin.url}${path}`, { method })).status).toBe(401);
    }
    const { body } = await json<{ paths: Record<string, unknown> }>('/docs/openapi.json');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/cluster/rebalance', '/cluster/rebalance/pause', '/cluster/rebalance/resume', '/cluster/nodes/{id}/drain']),
    );
  });

  it('GET /cluster shows each range\'s replica, each member\'s replica slots and its links', async () => {
    await writeKeys();
    let body: ClusterBody | undefined;
    await waitFor(async () => {
      body = (await json<ClusterBody>('/cluster')).body;
      return body.members.every((m) => m.links !== null && m.links.length > 0 && m.links.every((l) => l.linkStatus === 'up' && l.syncedSlots === l.slots));
    }, 10_000, 'every replication link up and synced');
    const { members, slotRanges } = body!;
    expect(slotRanges.reduce((n, r) => n + r.end - r.start + 1, 0)).toBe(16384);
    for (const range of slotRanges) {
      expect(range.replicas).toHaveLength(1);
      expect(range.replicas[0]!.id).not.toBe(range.primary.id);
      expect(members.find((m) => m.id === range.primary.id)?.address).toBe(`${range.primary.host}:${range.primary.port}`);
    }
    expect(members.reduce((n, m) => n + m.replicaSlots, 0)).toBe(16384);
    for (const m of members) {
      expect(m).toMatchObject({ syncing: false, state: 'alive', connectedReplicas: expect.any(Number), replicationOffset: expect.any(Number) });
      expect(m.replicaSlots).toBeGreaterThan(0);
      expect(m.connectedReplicas).toBeGreaterThanOrEqual(1);
      expect(m.replicationOffset).toBeGreaterThan(0);
      // Each member copies from the others the slots it is a replica of, plus the few it is heir of
      // (docs/replication.md "Placement": well under 5% of the slots).
      const copied = m.links!.reduce((n, l) => n + l.slots, 0);
      expect(copied).toBeGreaterThanOrEqual(m.replicaSlots);
      expect(copied - m.replicaSlots).toBeLessThan(0.05 * 16384);
      for (const link of m.links!) expect(link).toMatchObject({ lagBytes: expect.any(Number), lastIoSecondsAgo: expect.any(Number) });
    }
  });

  it('pause and resume set slot-sync-paused on every member', async () => {
    const ids = cluster.nodes.map((n) => n.id).sort();
    const paused = await post<{ paused: boolean; set: Array<{ id: string }>; failed: unknown[] }>('/cluster/rebalance/pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, failed: [] });
    expect(paused.body.set.map((m) => m.id)).toEqual(ids);
    for (const node of cluster.nodes) expect(await configOf(node.port)).toBe('yes');
    // Nothing syncs: idle even though paused.
    expect((await json<Progress>('/cluster/rebalance')).body).toMatchObject({ state: 'idle', paused: true, members: [] });
    const resumed = await post<{ paused: boolean; set: Array<{ id: string }> }>('/cluster/rebalance/resume');
    expect(resumed.body.set.map((m) => m.id)).toEqual(ids);
    for (const node of cluster.nodes) expect(await configOf(node.port)).toBe('no');
    expect((await json<Progress>('/cluster/rebalance')).body).toMatchObject({ state: 'idle', paused: false, pausedMembers: [] });
  });

  it('plans nothing while nothing syncs, and rejects bad bodies with 400', async () => {
    expect(await post('/cluster/rebalance', { dryRun: true })).toEqual({ status: 200, body: { moves: [], slots: 0, keysEstimate: 0 } });
    for (const [body, reason] of [[{ dryRun: 'yes' }, /dryRun must be a boolean/], [{ force: true }, /property force should not exist/]] as const) {
      const res = await post<{ statusCode: number; message: string[] }>('/cluster/rebalance', body);
      expect(res.status).toBe(400);
      expect(res.body.message.join('; ')).toMatch(reason);
    }
  });

  it('shows a member that joins while paused as syncing, plans its slots, and lets it finish on resume', async () => {
    await post('/cluster/rebalance/pause');
    const adding = cluster.addNode(); // resolves once the new member owns slots: after the resume below
    adding.catch(() => undefined);
    let progress: Progress | undefined;
    await waitFor(async () => {
      progress = (await json<Progress>('/cluster/rebalance')).body;
      return progress.members.length === 1 && progress.members[0]!.slotsTotal > 0;
    }, 10_000, 'the new member to show up as syncing');
    expect(progress).toMatchObject({ state: 'paused', paused: true });
    const [joining] = progress!.members;
    expect(joining!.slotsRemaining).toBeGreaterThan(0);
    expect(joining!.slotsRemaining).toBe(joining!.slotsTotal - joining!.slotsDone);
    expect(joining!.keysRemaining).toBeGreaterThanOrEqual(0);
    const member = (await json<ClusterBody>('/cluster')).body.members.find((m) => m.id === joining!.id);
    expect(member).toMatchObject({ syncing: true, slots: 0 });

    const dry = await post<Plan>('/cluster/rebalance', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body.slots).toBeGreaterThan(0);
    expect(dry.body.moves.reduce((n, m) => n + m.end - m.start + 1, 0)).toBe(dry.body.slots);
    // Mostly to the new member; the load bound may also shift a few slots between the others.
    let toJoining = 0;
    for (const move of dry.body.moves) {
      expect(move.from?.id).not.toBe(move.to.id);
      expect(move.from?.id).not.toBe(joining!.id);
      if (move.to.id === joining!.id) toJoining += move.end - move.start + 1;
    }
    expect(toJoining).toBeGreaterThan(dry.body.slots / 2);
    // Still paused after the dry run: no side effects.
    for (const node of cluster.nodes.slice(0, 3)) expect(await configOf(node.port)).toBe('yes');
    await new Promise((r) => setTimeout(r, 500));
    expect((await json<Progress>('/cluster/rebalance')).body.state).toBe('paused');

    const started = await post<Plan & { resumed: { set: unknown[] } }>('/cluster/rebalance'); // no body: not a dry run
    expect(started.status).toBe(202);
    expect(started.body.moves).toEqual(dry.body.moves);
    expect(started.body.resumed.set).toHaveLength(4);
    const added = await adding;
    expect(added.id).toBe(joining!.id);
    await waitFor(async () => (await json<Progress>('/cluster/rebalance')).body.state === 'idle', 10_000, 'rebalance to be idle');
    const table = (await json<ClusterBody>('/cluster')).body;
    // The plan was the table the cluster ended with.
    for (const move of dry.body.moves) {
      const owner = table.slotRanges.find((r) => r.start <= move.start && move.start <= r.end)!;
      expect(owner.primary.id).toBe(move.to.id);
    }
    const after = table.members.find((m) => m.id === joining!.id)!;
    expect(after.syncing).toBe(false);
    expect(after.slots).toBe(toJoining);
    expect((await json<Progress>('/cluster/rebalance')).body.bytesPerSecond).toEqual(expect.any(Number));
  }, 30_000);

  it('drains a member: 404 for an unknown id, then its slots move to the others with every key readable', async () => {
    expect((await post('/cluster/nodes/0000000000000000000000000000000000000000/drain')).status).toBe(404);
    await writeKeys();
    const victim = cluster.nodes[1]!;
    expect(await post('/cluster/nodes/' + victim.id + '/drain')).toEqual({ status: 202, body: { draining: victim.id } });
    await waitFor(async () => {
      const { status, body } = await json<ClusterBody>('/cluster');
      const serving = status === 200 ? body.members.filter((m) => m.id !== victim.id && m.state === 'alive') : [];
      return serving.length === 3 && serving.reduce((n, m) => n + m.slots, 0) === 16384;
    }, 10_000, 'the drained member\'s slots to move to the others');
    const reader = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { lazyConnect: true });
    await reader.connect();
    try {
      const values = await Promise.all(keys.map((k) => reader.get(k)));
      expect(values).toEqual(keys.map((k) => `v-${k}`));
    } finally {
      reader.disconnect();
    }
  }, 30_000);
});
