import { describe, expect, it } from '@jest/globals';
import { createCommandTable } from '../../engine/src/commands/command-table.js';
import { ConfigStore } from '../../engine/src/commands/config-store.js';
import { InternalSession } from '../../engine/src/commands/internal-session.js';
import { NODE_PARAMS } from '../../engine/src/commands/params.js';
import { ServerState } from '../../engine/src/commands/server-state.js';
import { ReplyError, StatusReply, ValueReply } from '../../engine/src/commands/value-reply.js';
import { FakeClock } from '../../engine/src/clock.js';
import { Engine } from '../../engine/src/engine.js';
import { CLUSTER_DISABLED, clusterCommands } from './cluster-command.js';
import { CLUSTERDOWN_ERROR, CLUSTERDOWN_READONLY_ERROR, ClusterState, type ClusterStateOptions } from './cluster-state.js';
import { Membership, type GossipMessage, type MemberInfo } from './membership.js';
import { COLD_START_TRYAGAIN } from './restore.js';
import { CROSSSLOT_ERROR } from './routing.js';
import { SLOT_COUNT, keySlot } from './slots.js';
import type { Topology } from './topology.js';

const table = createCommandTable(clusterCommands);
const member = (n: number, state: MemberInfo['state'] = 'alive', incarnation = 1): MemberInfo => ({
  id: String(n).repeat(40), host: '127.0.0.1', port: 7000 + n, busPort: 17000 + n, incarnation, state,
});

/** A node (member 1) whose membership learns the others through messages, and a context to run commands on it. */
function cluster(options: ClusterStateOptions = {}, membershipOptions: { freezeMs?: number } = {}) {
  const clock = new FakeClock();
  const sent: GossipMessage[] = [];
  const membership = new Membership(member(1), { transport: { send: (_to, message) => sent.push(message) }, clock, ...membershipOptions });
  const self = member(1);
  const state = new ClusterState(membership, { id: self.id, host: self.host, port: self.port, busPort: self.busPort }, options);
  const engine = new Engine({ clock });
  engine.keyspace.countKeysByHashSlot(keySlot, SLOT_COUNT);
  const server = new ServerState(new ConfigStore(NODE_PARAMS));
  server.cluster = state;
  const ctx = { engine, keyspace: engine.keyspace, server, client: new InternalSession(1), reply: new ValueReply(2) };
  /** Deliver member records as a full-state sync from member 2 at `epoch`. */
  const learn = (members: MemberInfo[], epoch: number): void =>
    membership.receive(member(2), { type: 'sync', from: members.find((m) => m.id === member(2).id) ?? member(2), epoch, members, reply: false });
  const run = (...args: string[]): unknown => {
    table.execute(ctx, args);
    return simplify(ctx.reply.take());
  };
  return { state, membership, learn, run, ctx, clock };
}

function simplify(reply: unknown): unknown {
  if (reply instanceof ReplyError) return '-' + reply.message;
  if (reply instanceof StatusReply) return '+' + reply.status;
  return Array.isArray(reply) ? reply.map(simplify) : reply;
}

/** A key whose slot `owner` owns (or does not own, with `not`). */
function keyOwnedBy(topology: Topology, id: string, not = false): string {
  for (let i = 0; ; i++) {
    const key = `key:${i}`;
    if ((topology.ownerOfSlot(keySlot(key)).id === id) !== not) return key;
  }
}

describe('ClusterState', () => {
  it('alone, owns every slot and runs everything', () => {
    const { state, run } = cluster();
    expect(state.topology.nodes.map((n) => n.id)).toEqual([member(1).id]);
    expect(run('SET', 'a', '1')).toBe('+OK');
    expect(run('MGET', 'a', 'b')).toBe(`-${CROSSSLOT_ERROR}`);
    expect(run('MGET', '{t}a', '{t}b')).toEqual([null, null]);
  });

  it('answers MOVED with the owner of a slot it does not own, and runs keyless commands anywhere', () => {
    const { state, learn, run } = cluster();
    learn([member(2), member(3)], 1);
    const topology = state.topology;
    expect(topology.nodes).toHaveLength(3);
    const mine = keyOwnedBy(topology, member(1).id);
    const theirs = keyOwnedBy(topology, member(1).id, true);
    const owner = topology.ownerOfSlot(keySlot(theirs));
    expect(run('SET', mine, 'v')).toBe('+OK');
    expect(run('GET', theirs)).toBe(`-MOVED ${keySlot(theirs)} ${owner.host}:${owner.port}`);
    expect(run('DBSIZE')).toBe(1);
    expect(run('PING')).toBe('+PONG');
  });

  it('checks a transaction as a whole at EXEC: CROSSSLOT across queued commands discards it', () => {
    const { state, learn, run } = cluster();
    learn([member(2), member(3)], 1);
    const a = keyOwnedBy(state.topology, member(1).id);
    const b = `{${a}}other`;
    expect(run('MULTI')).toBe('+OK');
    expect(run('SET', a, '1')).toBe('+QUEUED');
    expect(run('SET', b, '2')).toBe('+QUEUED');
    expect(run('EXEC')).toEqual(['+OK', '+OK']);
    let other = 0;
    while (keySlot(`x${other}`) === keySlot(a) || state.topology.ownerOfSlot(keySlot(`x${other}`)).id !== member(1).id) other++;
    expect(run('MULTI')).toBe('+OK');
    expect(run('SET', a, '1')).toBe('+QUEUED');
    expect(run('SET', `x${other}`, '2')).toBe('+QUEUED');
    expect(run('EXEC')).toBe(`-${CROSSSLOT_ERROR}`);
    expect(run('EXEC')).toBe('-ERR EXEC without MULTI'); // discarded
  });

  it('flags a transaction when a queued command is redirected', () => {
    const { state, learn, run } = cluster();
    learn([member(2), member(3)], 1);
    const theirs = keyOwnedBy(state.topology, member(1).id, true);
    run('MULTI');
    expect(run('GET', theirs)).toMatch(/^-MOVED /);
    expect(run('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.');
  });

  it('without a majority refuses keyed commands with CLUSTERDOWN, and recovers', () => {
    const { state, learn, run } = cluster();
    learn([member(2), member(3)], 1);
    const mine = keyOwnedBy(state.topology, member(1).id);
    learn([member(2, 'failed'), member(3, 'failed')], 3);
    expect(state.ok).toBe(false);
    expect(state.topology.nodes).toHaveLength(1); // failed members lose their slots...
    expect(run('GET', mine)).toBe(`-${CLUSTERDOWN_ERROR}`); // ...but a minority serves none of them
    expect(run('PING')).toBe('+PONG');
    expect(run('CLUSTER', 'INFO')).toMatch(/^cluster_state:fail\r\n/);
    learn([member(2, 'alive', 2), member(3, 'alive', 2)], 4);
    expect(state.ok).toBe(true);
    expect(run('SET', keyOwnedBy(state.topology, member(1).id), 'v')).toBe('+OK');
  });

  it('with cluster-allow-reads-when-down, a minority still serves reads', () => {
    const { state, learn, run } = cluster({ allowReadsWhenDown: true });
    learn([member(2, 'failed'), member(3, 'failed')], 3);
    expect(state.ok).toBe(false);
    expect(run('GET', 'k')).toBeNull();
    expect(run('SET', 'k', 'v')).toBe(`-${CLUSTERDOWN_READONLY_ERROR}`);
  });

  it('while joining through seeds, is down until a member answers', () => {
    const { state, learn, run } = cluster({ joining: true });
    expect(state.ok).toBe(false);
    expect(run('GET', 'k')).toBe(`-${CLUSTERDOWN_ERROR}`);
    learn([member(2)], 1);
    expect(state.ok).toBe(true);
  });

  it('serves a READONLY client reads of the slots it replicates, and redirects the rest', () => {
    const { state, learn, run, ctx } = cluster();
    ctx.server.clusterEnabled = true;
    learn([member(2), member(3)], 1);
    const replicated = keyOwnedBy(state.topology, member(1).id, true);
    const other = (() => {
      for (let i = 0; ; i++) {
        const key = `other:${i}`;
        if (keySlot(key) !== keySlot(replicated) && state.topology.ownerOfSlot(keySlot(key)).id !== member(1).id) return key;
      }
    })();
    state.setReplicaPredicate((slot) => slot === keySlot(replicated));
    const moved = (key: string): string => {
      const owner = state.topology.ownerOfSlot(keySlot(key));
      return `-MOVED ${keySlot(key)} ${owner.host}:${owner.port}`;
    };
    expect(run('GET', replicated)).toBe(moved(replicated)); // READWRITE is the default
    expect(run('READONLY')).toBe('+OK');
    expect(run('GET', replicated)).toBeNull();
    expect(run('SET', replicated, 'v')).toBe(moved(replicated)); // writes go to the primary
    expect(run('GET', other)).toBe(moved(other)); // a slot not held here at all
    run('MULTI');
    run('GET', replicated);
    run('EXISTS', replicated);
    expect(run('EXEC')).toEqual([null, 0]);
    run('MULTI');
    expect(run('DEL', replicated)).toBe(moved(replicated)); // checked as it is queued
    expect(run('EXEC')).toBe('-EXECABORT Transaction discarded because of previous errors.');
    // At EXEC (the table may have changed since queueing), a transaction with a write is a write.
    const get = { spec: table.lookup('get')!, args: ['GET', replicated] };
    const del = { spec: table.lookup('del')!, args: ['DEL', replicated] };
    expect(state.checkTransaction([get], true)).toBeUndefined();
    expect(state.checkTransaction([get, del], true)).toBe(moved(replicated).slice(1));
    expect(state.checkTransaction([get], false)).toBe(moved(replicated).slice(1));
    expect(run('READWRITE')).toBe('+OK');
    expect(run('GET', replicated)).toBe(moved(replicated));
    run('READONLY');
    state.setReplicaPredicate(undefined); // replication stopped
    expect(run('GET', replicated)).toBe(moved(replicated));
  });

  it('tells listeners about each new topology, and only then', () => {
    const { state, learn } = cluster();
    const seen: number[] = [];
    state.onTopology((t) => seen.push(t.epoch));
    learn([member(2)], 1);
    learn([member(2, 'suspect')], 1); // a suspect keeps its slots: no new topology
    learn([member(2, 'failed'), member(3)], 5);
    expect(seen).toEqual([1, 5]);
    expect(state.nodeHealth.failed.has(member(2).id)).toBe(true);
  });
});

describe('CLUSTER', () => {
  it('answers MYID, KEYSLOT, COUNTKEYSINSLOT and GETKEYSINSLOT as Redis', () => {
    const { run } = cluster();
    expect(run('CLUSTER', 'MYID')).toBe(member(1).id);
    expect(run('CLUSTER', 'KEYSLOT', 'foo')).toBe(12182);
    expect(run('CLUSTER', 'KEYSLOT', '{user1}:a')).toBe(keySlot('user1'));
    for (const k of ['{t}a', '{t}b', '{t}c', 'other']) run('SET', k, 'v');
    const slot = keySlot('t');
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBe(3);
    expect((run('CLUSTER', 'GETKEYSINSLOT', String(slot), '10') as string[]).sort()).toEqual(['{t}a', '{t}b', '{t}c']);
    expect(run('CLUSTER', 'GETKEYSINSLOT', String(slot), '2')).toHaveLength(2);
    expect(run('CLUSTER', 'GETKEYSINSLOT', String(slot), '0')).toEqual([]);
    run('DEL', '{t}a');
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBe(2);
    run('FLUSHALL');
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', String(slot))).toBe(0);
  });

  it('drops the keys of slots given up (Store.deleteHashSlots), and only those', () => {
    const { run, ctx } = cluster();
    for (const k of ['{t}a', '{t}b', '{u}a', 'other']) run('SET', k, 'v');
    const lost = new Uint8Array(SLOT_COUNT);
    lost[keySlot('t')] = 1;
    expect(ctx.engine.keyspace.deleteHashSlots(lost)).toBe(2);
    expect(run('EXISTS', '{u}a')).toBe(1);
    expect(run('DBSIZE')).toBe(2);
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', String(keySlot('t')))).toBe(0);
  });

  it('counts keys that expire or are evicted out of their slot', () => {
    const { run, clock } = cluster();
    run('SET', '{t}a', 'v', 'PX', '100');
    clock.advance(200);
    expect(run('GET', '{t}a')).toBeNull();
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', String(keySlot('t')))).toBe(0);
  });

  it('gives Redis\'s argument errors', () => {
    const { run } = cluster();
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', '-1')).toBe('-ERR Invalid slot');
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', '16384')).toBe('-ERR Invalid slot');
    expect(run('CLUSTER', 'COUNTKEYSINSLOT', 'abc')).toBe('-ERR value is not an integer or out of range');
    expect(run('CLUSTER', 'GETKEYSINSLOT', '1', '-1')).toBe('-ERR Invalid slot or number of keys');
    expect(run('CLUSTER', 'GETKEYSINSLOT', 'a', '1')).toBe('-ERR value is not an integer or out of range');
    expect(run('CLUSTER', 'KEYSLOT')).toBe("-ERR wrong number of arguments for 'cluster|keyslot' command");
    expect(run('CLUSTER', 'NOPE')).toBe("-ERR unknown subcommand 'NOPE'. Try CLUSTER HELP.");
    expect(run('CLUSTER')).toBe("-ERR wrong number of arguments for 'cluster' command");
  });

  it('lists failed members in NODES with the fail flag and no slots', () => {
    const { learn, run } = cluster();
    learn([member(2), member(3)], 1);
    learn([member(3, 'failed')], 2);
    const lines = (run('CLUSTER', 'NODES') as string).trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith(member(3).id))).toMatch(/ master,fail - 0 \d+ 2 disconnected$/);
    expect(run('CLUSTER', 'INFO')).toMatch(/cluster_known_nodes:3\r\ncluster_size:2\r\n/);
  });

  it('FORGET drops a member for good (it stops counting toward the majority), with Redis\'s errors', () => {
    const { state, learn, run } = cluster();
    learn([member(2), member(3)], 1);
    learn([member(2, 'failed'), member(3, 'failed')], 3);
    expect(state.ok).toBe(false);
    expect(run('CLUSTER', 'FORGET', member(1).id)).toBe("-ERR I tried hard but I can't forget myself...");
    expect(run('CLUSTER', 'FORGET', 'abc')).toBe('-ERR Unknown node abc');
    expect(run('CLUSTER', 'FORGET', member(2).id)).toBe('+OK');
    expect(run('CLUSTER', 'FORGET', member(3).id)).toBe('+OK');
    expect(state.ok).toBe(true); // the last member standing is a majority of one again
    expect(state.knownNodes).toBe(1);
    expect((run('CLUSTER', 'NODES') as string).trim().split('\n')).toHaveLength(1);
    // Stale gossip about the forgotten member does not bring it back; its own higher incarnation does.
    learn([member(2, 'alive')], 3);
    expect(state.knownNodes).toBe(1);
    learn([member(2, 'alive', 5)], 4);
    expect(state.knownNodes).toBe(2);
  });

  it('LEAVE gives up every slot', () => {
    const { state, learn, run } = cluster();
    learn([member(2)], 1);
    expect(run('CLUSTER', 'LEAVE')).toBe('+OK');
    expect(state.topology.nodes.map((n) => n.id)).toEqual([member(2).id]);
    expect(run('GET', 'k')).toMatch(/^-(MOVED|CLUSTERDOWN) /);
  });

  it('LEAVE of the last member keeps the old table and reports the cluster down', () => {
    const { state, run } = cluster();
    expect(run('CLUSTER', 'LEAVE')).toBe('+OK');
    expect(state.ok).toBe(false);
    expect(state.topology.nodes).toHaveLength(1);
    expect(run('GET', 'k')).toBe(`-${CLUSTERDOWN_ERROR}`);
  });

  it('is disabled on a standalone node', () => {
    const engine = new Engine({ clock: new FakeClock() });
    const ctx = { engine, keyspace: engine.keyspace, server: new ServerState(new ConfigStore(NODE_PARAMS)), client: new InternalSession(1), reply: new ValueReply(2) };
    for (const sub of ['INFO', 'SLOTS', 'MYID', 'HELP']) {
      table.execute(ctx, ['CLUSTER', sub]);
      expect((ctx.reply.take() as ReplyError).message).toBe(CLUSTER_DISABLED);
    }
  });

  describe('syncing members and the freeze guard', () => {
    it('a syncing member is known but owns nothing until it serves; the target table already gives it slots', () => {
      const { state, learn } = cluster({ replicas: 1 });
      learn([member(2), { ...member(3), syncing: true }], 2);
      expect(state.topology.nodes.map((n) => n.port)).toEqual([7001, 7002]);
      expect(state.target.nodes.map((n) => n.port)).toEqual([7001, 7002, 7003]);
      expect(state.target.rangesOf(member(3).id).length).toBeGreaterThan(0);
      // Replica placement: every slot's one replica is the other serving member.
      for (const slot of [0, 5000, 16383]) {
        const owner = state.topology.ownerOfSlot(slot).id;
        expect(state.topology.replicasOfSlot(slot).map((n) => n.id)).toEqual([owner === member(1).id ? member(2).id : member(1).id]);
      }
      learn([member(2), member(3, 'alive', 2)], 3);
      expect(state.topology.nodes.map((n) => n.port)).toEqual([7001, 7002, 7003]);
      expect(state.target).toBe(state.topology);
    });

    it('a write arriving after a freeze (before any tick) makes the member resync first: MOVED to the new owner', () => {
      const { state, membership, learn, run, clock } = cluster({ replicas: 1 }, { freezeMs: 1000 });
      learn([member(1), member(2)], 1);
      const key = keyOwnedBy(state.topology, member(1).id);
      expect(run('SET', key, 'v')).toBe('+OK');
      clock.advance(5000); // stopped for 5 s: no tick, no message
      expect(run('SET', key, 'w')).toBe(`-MOVED ${keySlot(key)} 127.0.0.1:7002`);
      expect(membership.syncing).toBe(true);
      expect(state.ownedSlots.includes(1)).toBe(false);
    });

    it('after a short gap, or without the guard, writes run', () => {
      const guarded = cluster({}, { freezeMs: 1000 });
      guarded.clock.advance(900);
      expect(guarded.run('SET', 'k', 'v')).toBe('+OK');
      const unguarded = cluster();
      unguarded.clock.advance(60_000);
      expect(unguarded.run('SET', 'k', 'v')).toBe('+OK');
      expect(unguarded.membership.syncing).toBe(false);
    });
  });
});


describe('ClusterState during a cold start', () => {
  const spec = (name: string) => table.lookup(name)!;

  it('answers keyed commands with TRYAGAIN, whoever owns the slot, runs keyless ones, and recovers', () => {
    const { state, learn, run } = cluster();
    learn([member(2), member(3)], 1);
    const mine = keyOwnedBy(state.topology, member(1).id);
    const theirs = keyOwnedBy(state.topology, member(1).id, true);
    const owner = state.topology.ownerOfSlot(keySlot(theirs));
    const moved = `-MOVED ${keySlot(theirs)} ${owner.host}:${owner.port}`;
    expect(COLD_START_TRYAGAIN).toMatch(/^TRYAGAIN /);
    expect(state.coldStartSettling).toBe(false);
    state.setColdStart(true);
    expect(state.coldStartSettling).toBe(true);
    expect(run('SET', mine, 'v')).toBe(`-${COLD_START_TRYAGAIN}`);
    expect(run('GET', mine)).toBe(`-${COLD_START_TRYAGAIN}`);
    expect(run('GET', theirs)).toBe(`-${COLD_START_TRYAGAIN}`);
    expect(run('MGET', 'a', 'b')).toBe(`-${CROSSSLOT_ERROR}`); // not a slot of any table: still CROSSSLOT
    expect(run('PING')).toBe('+PONG');
    expect(run('DBSIZE')).toBe(0); // the refused SET did not run
    expect(state.check(spec('get'), ['GET', mine], false, false)).toBe(COLD_START_TRYAGAIN);
    expect(state.check(spec('set'), ['SET', theirs, 'v'], true, true)).toBe(COLD_START_TRYAGAIN);
    expect(state.check(spec('ping'), ['PING'], false, false)).toBeUndefined();
    expect(state.checkTransaction([{ spec: spec('get'), args: ['GET', mine] }], false)).toBe(COLD_START_TRYAGAIN);
    expect(state.checkTransaction([{ spec: spec('ping'), args: ['PING'] }], false)).toBeUndefined();
    state.setColdStart(false);
    expect(state.coldStartSettling).toBe(false);
    expect(run('GET', mine)).toBeNull();
    expect(run('SET', mine, 'v')).toBe('+OK');
    expect(run('GET', theirs)).toBe(moved);
    expect(state.check(spec('get'), ['GET', mine], false, false)).toBeUndefined();
  });

  it('answers TRYAGAIN rather than CLUSTERDOWN while settling without a majority', () => {
    const { state, learn, run } = cluster();
    learn([member(2, 'failed'), member(3, 'failed')], 3);
    expect(state.ok).toBe(false);
    state.setColdStart(true);
    expect(run('GET', 'k')).toBe(`-${COLD_START_TRYAGAIN}`);
    state.setColdStart(false);
    expect(run('GET', 'k')).toBe(`-${CLUSTERDOWN_ERROR}`);
  });

  it('awaitPeers: a member alone is down until a peer answers; one that knows peers stays up', () => {
    const alone = cluster();
    expect(alone.state.ok).toBe(true);
    alone.state.awaitPeers();
    expect(alone.state.ok).toBe(false);
    expect(alone.run('GET', 'k')).toBe(`-${CLUSTERDOWN_ERROR}`);
    alone.learn([member(2)], 1);
    expect(alone.state.ok).toBe(true);
    const known = cluster();
    known.learn([member(2)], 1);
    known.state.awaitPeers();
    expect(known.state.ok).toBe(true);
  });
});
