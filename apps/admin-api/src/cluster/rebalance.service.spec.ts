import { describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { ReplyError } from 'ioredis';
import { HashRing } from '../../../../libs/cluster/src/ring.js';
import type { ClusterNodeLine } from './cluster-nodes.js';
import type { ClusterTopology, ClusterView } from './cluster-view.js';
import { NodeUnreachableError, type NodePool } from './node-pool.js';
import { RebalanceService } from './rebalance.service.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const ADDRESS: Record<string, string> = { [A]: '127.0.0.1:7001', [B]: '127.0.0.1:7002', [C]: '127.0.0.1:7003' };

/** A member line owning the slots `owners` gives it (owners: slot → index in `ids`). */
function member(id: string, options: Partial<ClusterNodeLine> & { owners?: Uint16Array; ids?: readonly string[] } = {}): ClusterNodeLine {
  const ranges: Array<[number, number]> = [];
  const { owners, ids } = options;
  if (owners !== undefined && ids !== undefined) {
    for (let slot = 0; slot < owners.length; slot++) {
      if (ids[owners[slot]!] !== id) continue;
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last[1] === slot - 1) last[1] = slot;
      else ranges.push([slot, slot]);
    }
  }
  const slots = ranges.reduce((n, [s, e]) => n + e - s + 1, 0);
  return { id, address: ADDRESS[id]!, flags: ['master'], state: 'alive', syncing: false, leaving: false, ranges, slots, ...options };
}

function topology(members: ClusterNodeLine[]): ClusterTopology {
  return { epoch: 3, state: 'ok', members, slotGroups: [{ start: 0, end: 16383, primary: { id: A, host: '127.0.0.1', port: 7001 }, replicas: [] }], source: ADDRESS[A]!, slotsAssigned: 16384, slotsUnowned: 0 };
}

/** A NodePool that answers from `replies` (by address, then command name) and records what it was sent. */
function fakePool(replies: (address: string, args: readonly string[]) => unknown) {
  const sent: Array<[string, string]> = [];
  const answer = (address: string, args: readonly string[]) => {
    sent.push([address, args.join(' ')]);
    const reply = replies(address, args);
    if (reply instanceof NodeUnreachableError) throw reply;
    return reply;
  };
  const pool = {
    command: async (address: string, args: readonly string[]) => {
      const reply = answer(address, args);
      if (reply instanceof Error) throw reply;
      return reply;
    },
    batch: async (address: string, commands: ReadonlyArray<readonly string[]>) => commands.map((args) => answer(address, args)),
  };
  return { pool: pool as unknown as NodePool, sent };
}

function service(members: ClusterNodeLine[], replies: (address: string, args: readonly string[]) => unknown) {
  const view = { topology: async () => topology(members), invalidate: () => undefined } as unknown as ClusterView;
  const { pool, sent } = fakePool(replies);
  return { rebalance: new RebalanceService(view, pool), sent };
}

const infoReplication = (sent: number, links = '') => `# Replication\r\nrole:master\r\nringcache_slot_sync_bytes_sent:${sent}\r\n${links}`;

describe('RebalanceService.plan', () => {
  const serving = new HashRing([A, B]);
  const members = [member(A, { owners: serving.owners, ids: serving.members }), member(B, { owners: serving.owners, ids: serving.members }), member(C, { syncing: true })];
  const replies = (_address: string, args: readonly string[]) =>
    args[0] === 'DBSIZE' ? 8192 : args[0] === 'CONFIG' ? ['cluster-virtual-points', '160'] : infoReplication(0);

  it('lists the maximal runs of slots whose owner differs from the ring with the syncing member', async () => {
    const plan = await service(members, replies).rebalance.plan();
    const target = new HashRing([A, B, C]);
    const moved = new Map<number, [string | undefined, string]>();
    let previousEnd = -1;
    for (const move of plan.moves) {
      expect(move.start).toBeGreaterThan(previousEnd);
      previousEnd = move.end;
      for (let slot = move.start; slot <= move.end; slot++) moved.set(slot, [move.from?.id, move.to.id]);
      expect(move.to).toEqual({ id: move.to.id, host: '127.0.0.1', port: Number(ADDRESS[move.to.id]!.split(':')[1]) });
    }
    for (let slot = 0; slot < 16384; slot++) {
      const from = serving.members[serving.owners[slot]!];
      const to = target.members[target.owners[slot]!]!;
      expect(moved.get(slot)).toEqual(from === to ? undefined : [from, to]);
    }
    for (let i = 1; i < plan.moves.length; i++) {
      const [prev, next] = [plan.moves[i - 1]!, plan.moves[i]!];
      expect(prev.end + 1 === next.start && prev.from?.id === next.from?.id && prev.to.id === next.to.id).toBe(false);
    }
    expect(plan.slots).toBe(moved.size);
    expect(plan.slots).toBeGreaterThan(4000);
    // 2 × 8192 keys over 16384 slots with no replicas: one key per slot.
    expect(plan.keysEstimate).toBe(plan.slots);
  });

  it('is empty when nothing syncs', async () => {
    expect(await service(members.slice(0, 2), replies).rebalance.plan()).toEqual({ moves: [], slots: 0, keysEstimate: 0 });
  });

  it('moves a leaving member\'s slots to the ring without it', async () => {
    const three = new HashRing([A, B, C]);
    const lines = [A, B, C].map((id) => member(id, { owners: three.owners, ids: three.members, leaving: id === C }));
    const { rebalance } = service(lines, replies);
    const plan = await rebalance.plan();
    const target = new HashRing([A, B]);
    let moved = 0;
    for (let slot = 0; slot < 16384; slot++) if (three.members[three.owners[slot]!] !== target.members[target.owners[slot]!]) moved++;
    expect(plan.slots).toBe(moved);
    expect(plan.moves.every((move) => move.from?.id === C || move.to.id !== C)).toBe(true);
    expect(plan.moves.some((move) => move.from?.id === C)).toBe(true);
    const progress = await rebalance.progress();
    expect(progress.state).toBe('running');
    expect(progress.leaving).toEqual([C]);
  });
});

describe('RebalanceService.progress', () => {
  it('sums each syncing member\'s links, reads pauses, and rates the snapshot bytes between calls', async () => {
    let sentBytes = 1000;
    const links = 'primary0:id=a,ip=h,port=1,link_status=up,slots=30,synced_slots=10\r\nprimary1:id=b,ip=h,port=2,link_status=up,slots=20,synced_slots=5\r\n';
    const members = [member(A, { ranges: [[0, 16383]], slots: 16384 }), member(C, { syncing: true })];
    const { rebalance } = service(members, (address, args) => {
      if (args[0] === 'DBSIZE') return address === ADDRESS[C] ? 7 : 16384;
      if (args[0] === 'CONFIG') return args[2] === 'slot-sync-paused' ? ['slot-sync-paused', address === ADDRESS[A] ? 'yes' : 'no'] : ['cluster-virtual-points', '160'];
      return infoReplication(address === ADDRESS[A] ? sentBytes : 0, address === ADDRESS[C] ? links : '');
    });
    const first = await rebalance.progress();
    expect(first).toEqual({
      state: 'paused',
      paused: true,
      pausedMembers: [A],
      bytesPerSecond: null,
      members: [{ id: C, address: ADDRESS[C], slotsTotal: 50, slotsDone: 15, slotsRemaining: 35, keysDone: 7, keysRemaining: 35 }],
      leaving: [],
      unreachable: [],
    });
    sentBytes += 5000;
    await new Promise((r) => setTimeout(r, 100));
    const rate = (await rebalance.progress()).bytesPerSecond!;
    expect(rate).toBeGreaterThan(5000 / 0.5);
    expect(rate).toBeLessThanOrEqual(5000 / 0.1);
  });
});

describe('RebalanceService.setPaused and drain', () => {
  const members = [member(A, { ranges: [[0, 8191]], slots: 8192 }), member(B, { ranges: [[8192, 16383]], slots: 8192 }), member(C, { state: 'failed', ranges: [], slots: 0 })];

  it('sets slot-sync-paused on every member that is not failed, and names those that refused or did not answer', async () => {
    const { rebalance, sent } = service(members, (address) => (address === ADDRESS[B] ? new ReplyError('ERR Unknown option') : 'OK'));
    expect(await rebalance.setPaused(true)).toEqual({
      paused: true,
      set: [{ id: A, address: ADDRESS[A] }],
      failed: [{ id: B, address: ADDRESS[B], reason: 'ERR Unknown option' }],
    });
    expect(sent.map(([, command]) => command)).toEqual(['CONFIG SET slot-sync-paused yes', 'CONFIG SET slot-sync-paused yes']);
    const unreachable = service(members, (address) => new NodeUnreachableError(address, 'refused'));
    expect((await unreachable.rebalance.setPaused(false)).failed.map((f) => f.id)).toEqual([A, B]);
  });

  it('sends CLUSTER LEAVE to the member; 404 for an unknown id, 409 for a failed one or the only serving one', async () => {
    const { rebalance, sent } = service(members, () => 'OK');
    await rebalance.drain(B);
    expect(sent).toEqual([[ADDRESS[B], 'CLUSTER LEAVE']]);
    await expect(rebalance.drain('f'.repeat(40))).rejects.toBeInstanceOf(NotFoundException);
    await expect(rebalance.drain(C)).rejects.toBeInstanceOf(ConflictException);
    const alone = service([member(A, { ranges: [[0, 16383]], slots: 16384 }), member(C, { syncing: true })], () => 'OK');
    await expect(alone.rebalance.drain(A)).rejects.toThrow(/only serving member/);
    expect(alone.sent).toEqual([]);
  });
});
