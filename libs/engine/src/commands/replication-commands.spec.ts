import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { FakeClock } from '../clock.js';
import { Engine } from '../engine.js';
import { RespServer } from '../../../protocol/src/resp-server.js';
import { UNBLOCKED } from './blocking.js';
import type { CommandContext } from './command.js';
import { createCommandTable } from './command-table.js';
import { ConfigStore } from './config-store.js';
import { renderInfo } from './info.js';
import { InternalSession } from './internal-session.js';
import { NODE_PARAMS } from './params.js';
import { CLUSTER_SUPPORT_DISABLED, WAIT_TIMEOUT_NOT_INTEGER } from './replication-commands.js';
import type { PrimaryLinkStatus, ReplicaStatus, ReplicationHooks } from './replication-hooks.js';
import { RespDispatcher } from './resp-dispatcher.js';
import { ServerState } from './server-state.js';
import { RespLikeSession } from './test-kit.js';
import { ReplyError, StatusReply, ValueReply } from './value-reply.js';

const table = createCommandTable();
const NOW = 1_700_000_000_000;
/** The slot the fake stream says each write went to. */
const WRITE_SLOT = 42;

/** A replication runtime by hand: replicas acknowledge when told, every propagated write adds 10 bytes. */
class FakeHooks implements ReplicationHooks {
  replicasPerSlot = 2;
  replId = 'a'.repeat(40);
  replId2 = '0'.repeat(40);
  offset = 0;
  secondOffset = -1;
  backlogSize = 1048576;
  backlogFirstByteOffset = 1;
  backlogHistlen = 0;
  snapshotBytesSent = 0;
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  lastWriteSlot = -1;
  replicaList: ReplicaStatus[] = [replica('r1', 0), replica('r2', 0)];
  primaryList: PrimaryLinkStatus[] = [];
  ackRequests = 0;
  /** The (offset, slot) pairs asked about. */
  readonly asked: [number, number][] = [];
  readonly listeners = new Set<() => void>();
  readonly replicated = new Set<number>();

  replicas(): readonly ReplicaStatus[] {
    return this.replicaList;
  }
  primaries(): readonly PrimaryLinkStatus[] {
    return this.primaryList;
  }
  ackedCount(offset: number, slot: number): number {
    this.asked.push([offset, slot]);
    return this.replicaList.filter((r) => r.ackOffset >= offset).length;
  }
  replicaCount(): number {
    return this.replicaList.length;
  }
  requestAcks(): void {
    this.ackRequests++;
  }
  onAck(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  replicates(slot: number): boolean {
    return this.replicated.has(slot);
  }
  /** Replica `id` acknowledges `offset`; the listeners run as the runtime runs them. */
  ack(id: string, offset: number): void {
    this.replicaList = this.replicaList.map((r) => (r.id === id ? { ...r, ackOffset: offset, lastAckAt: NOW } : r));
    for (const listener of this.listeners) listener();
  }
}

function replica(id: string, ackOffset: number): ReplicaStatus {
  return { id, host: '10.0.0.2', port: 7001, state: 'online', ackOffset, lastAckAt: NOW, slots: 100 };
}

function simplify(v: unknown): unknown {
  if (v instanceof StatusReply) return '+' + v.status;
  if (v instanceof ReplyError) return '-' + v.message;
  return Array.isArray(v) ? v.map(simplify) : v;
}

/** One server on a fake clock; `resp()` opens a client that may block, `internal()` one that may not. */
function setup(hooks?: FakeHooks) {
  const clock = new FakeClock(NOW);
  const engine = new Engine({ clock });
  const server = new ServerState(new ConfigStore(NODE_PARAMS));
  if (hooks !== undefined) {
    server.replicationHooks = hooks;
    server.replication = {
      propagate: () => {
        hooks.offset += 10;
        hooks.lastWriteSlot = WRITE_SLOT;
      },
    };
  }
  let ids = 1;
  const open = (client: CommandContext['client']) => {
    server.clients.set(client.id, client);
    const ctx = { engine, keyspace: engine.keyspace, server, client, reply: new ValueReply(2) };
    /** The reply written since the last one taken (by a wake-up, timeout or CLIENT UNBLOCK); undefined if none. */
    const later = (): unknown => {
      try {
        return simplify(ctx.reply.take());
      } catch (err) {
        if (err instanceof Error && err.message.includes('no complete reply')) return undefined;
        throw err;
      }
    };
    /** Run a command; undefined while it blocks. */
    const run = (...args: string[]): unknown => {
      table.execute(ctx, args);
      return later();
    };
    return { ctx, run, later };
  };
  const resp = () => {
    const session = new RespLikeSession(ids++);
    return { session, ...open(session) };
  };
  const internal = () => open(new InternalSession(ids++));
  /** Move the clock and fire the registry's due timers. */
  const advance = (ms: number): void => {
    clock.advance(ms);
    jest.advanceTimersByTime(ms);
  };
  return { server, engine, resp, internal, advance };
}

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('WAIT arguments (as redis-server 7.0)', () => {
  it.each([
    [['wait', 'x', '1'], '-ERR value is not an integer or out of range'],
    [['wait', '1.5', '0'], '-ERR value is not an integer or out of range'],
    [['wait', '1', 'x'], `-${WAIT_TIMEOUT_NOT_INTEGER}`],
    [['wait', '1', '1.5'], `-${WAIT_TIMEOUT_NOT_INTEGER}`],
    [['wait', '1', '+5'], `-${WAIT_TIMEOUT_NOT_INTEGER}`],
    [['wait', '1', '9223372036854775808'], `-${WAIT_TIMEOUT_NOT_INTEGER}`],
    [['wait', '1', '-1'], '-ERR timeout is negative'],
    [['wait', '1'], "-ERR wrong number of arguments for 'wait' command"],
    [['wait', '0', '0'], 0],
    [['wait', '-1', '0'], 0],
  ])('%j → %j', (args, reply) => {
    expect(setup().resp().run(...args)).toEqual(reply);
  });
});

describe('WAIT without replication', () => {
  it('blocks a RESP client until the timeout, then replies 0', () => {
    const { resp, server, advance } = setup();
    const c = resp();
    expect(c.run('WAIT', '1', '100')).toBeUndefined();
    expect(c.session.blocked).toBeDefined();
    expect(server.blocking.blockedClients).toBe(1);
    expect(server.blocking.clientsWithTimeout).toBe(1);
    advance(99);
    expect(c.later()).toBeUndefined();
    advance(1);
    expect(c.later()).toBe(0);
    expect(c.session.blocked).toBeUndefined();
    expect(c.session.unblocks).toBe(1);
    expect(server.blocking.blockedClients).toBe(0);
  });

  it('with timeout 0 waits forever; CLIENT UNBLOCK replies 0, or the UNBLOCKED error', () => {
    const { resp, server, advance } = setup();
    const c = resp();
    const admin = resp();
    c.run('WAIT', '1', '0');
    expect(server.blocking.clientsWithTimeout).toBe(0);
    advance(3_600_000);
    expect(c.later()).toBeUndefined();
    expect(admin.run('CLIENT', 'UNBLOCK', String(c.session.id))).toBe(1);
    expect(c.later()).toBe(0);
    c.run('WAIT', '1', '0');
    expect(admin.run('CLIENT', 'UNBLOCK', String(c.session.id), 'ERROR')).toBe(1);
    expect(c.later()).toBe(`-${UNBLOCKED}`);
    expect(server.blocking.blockedClients).toBe(0);
  });

  it('replies at once to a session that cannot block, and inside EXEC', () => {
    const { resp, internal } = setup();
    expect(internal().run('WAIT', '1', '0')).toBe(0);
    const c = resp();
    c.run('MULTI');
    expect(c.run('WAIT', '1', '0')).toBe('+QUEUED');
    expect(c.run('EXEC')).toEqual([0]);
    expect(c.session.blocked).toBeUndefined();
  });
});

describe('WAIT with replication', () => {
  it('a write records where it ended in the stream and its slot; a read leaves them', () => {
    const hooks = new FakeHooks();
    const c = setup(hooks).resp();
    expect([c.session.replOffset, c.session.replSlot]).toEqual([0, -1]);
    c.run('SET', 'k', 'v');
    expect([c.session.replOffset, c.session.replSlot]).toEqual([10, WRITE_SLOT]);
    hooks.offset = 500; // other clients' writes
    c.run('GET', 'k');
    c.run('SET', 'k', 'v', 'NX'); // refused: nothing propagated
    expect(c.session.replOffset).toBe(10);
  });

  it('replies at once when enough replicas already acknowledged the client’s last write', () => {
    const hooks = new FakeHooks();
    const c = setup(hooks).resp();
    expect(c.run('WAIT', '2', '0')).toBe(2); // no write yet: offset 0
    c.run('SET', 'k', 'v');
    hooks.ack('r1', 10);
    expect(c.run('WAIT', '1', '0')).toBe(1);
    expect(hooks.asked.at(-1)).toEqual([10, WRITE_SLOT]);
    expect(hooks.ackRequests).toBe(0);
  });

  it('blocks, asks for acknowledgements, and replies when enough arrive', () => {
    const hooks = new FakeHooks();
    const { resp, server } = setup(hooks);
    const c = resp();
    c.run('SET', 'k', 'v');
    expect(c.run('WAIT', '2', '1000')).toBeUndefined();
    expect(hooks.ackRequests).toBe(1);
    hooks.ack('r1', 10);
    expect(c.later()).toBeUndefined();
    hooks.ack('r2', 5); // not far enough
    expect(c.later()).toBeUndefined();
    hooks.ack('r2', 10);
    expect(c.later()).toBe(2);
    expect(c.session.unblocks).toBe(1);
    expect(server.blocking.blockedClients).toBe(0);
    expect(server.blocking.clientsWithTimeout).toBe(0);
    expect(hooks.listeners.size).toBe(0);
  });

  it('on timeout replies the count reached so far', () => {
    const hooks = new FakeHooks();
    const { resp, advance } = setup(hooks);
    const c = resp();
    c.run('SET', 'k', 'v');
    c.run('WAIT', '2', '50');
    hooks.ack('r1', 10);
    advance(50);
    expect(c.later()).toBe(1);
    hooks.ack('r2', 10); // the wait is over: no second reply, and the listener goes
    expect(c.later()).toBeUndefined();
    expect(hooks.listeners.size).toBe(0);
  });

  it('CLIENT UNBLOCK replies the current count; a disconnected waiter is forgotten', () => {
    const hooks = new FakeHooks();
    const { resp, server } = setup(hooks);
    const c = resp();
    const admin = resp();
    c.run('SET', 'k', 'v');
    c.run('WAIT', '2', '0');
    hooks.ack('r1', 10);
    admin.run('CLIENT', 'UNBLOCK', String(c.session.id));
    expect(c.later()).toBe(1);
    c.run('WAIT', '3', '0');
    server.blocking.forget(c.session.blocked!); // what the dispatcher does on disconnect
    hooks.ack('r2', 10);
    expect(c.later()).toBeUndefined();
    expect(hooks.listeners.size).toBe(0);
  });
});

describe('READONLY / READWRITE', () => {
  it('are refused without cluster mode, as redis-server', () => {
    const c = setup().resp();
    expect(c.run('READONLY')).toBe(`-${CLUSTER_SUPPORT_DISABLED}`);
    expect(c.run('READWRITE')).toBe(`-${CLUSTER_SUPPORT_DISABLED}`);
    expect(c.session.readOnly).toBe(false);
  });

  it('set and clear the connection flag in cluster mode', () => {
    const { server, resp } = setup();
    server.clusterEnabled = true;
    const c = resp();
    expect(c.run('READONLY')).toBe('+OK');
    expect(c.session.readOnly).toBe(true);
    expect(c.run('READWRITE')).toBe('+OK');
    expect(c.session.readOnly).toBe(false);
  });
});

describe('INFO replication', () => {
  it('without replication prints what a primary without replicas does', () => {
    const { internal, server } = setup();
    const text = internal().run('INFO', 'replication');
    expect(text).toBe(`# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_replid:${server.runId}\r\nmaster_repl_offset:0\r\n`);
  });

  it("with replication prints Redis 7.0's fields in order, then one line per primary link", () => {
    const hooks = new FakeHooks();
    hooks.offset = 1234;
    hooks.backlogHistlen = 1234;
    hooks.replicaList = [{ ...replica('r1', 1200), lastAckAt: NOW - 2500 }, { ...replica('r2', 0), port: 7002, state: 'send_bulk' }];
    hooks.primaryList = [
      { id: 'b'.repeat(40), host: '10.0.0.3', port: 7003, linkUp: true, lastIoAt: NOW - 1000, syncInProgress: false, replId: 'c'.repeat(40), offset: 90, primaryOffset: 100, slots: 300, syncedSlots: 300, fullSyncs: 1, partialSyncs: 0 },
      { id: 'd'.repeat(40), host: '10.0.0.4', port: 7004, linkUp: false, lastIoAt: NOW - 7000, syncInProgress: true, replId: 'e'.repeat(40), offset: 0, primaryOffset: 0, slots: 20, syncedSlots: 5, fullSyncs: 0, partialSyncs: 0 },
    ];
    const { engine, server } = setup(hooks);
    const ctx = { engine, keyspace: engine.keyspace, server, client: new InternalSession(1), reply: new ValueReply(2) };
    expect(renderInfo(ctx, ['replication']).split('\r\n')).toEqual([
      '# Replication',
      'role:master',
      'connected_slaves:2',
      'slave0:ip=10.0.0.2,port=7001,state=online,offset=1200,lag=2',
      'slave1:ip=10.0.0.2,port=7002,state=send_bulk,offset=0,lag=0',
      'master_failover_state:no-failover',
      `master_replid:${'a'.repeat(40)}`,
      `master_replid2:${'0'.repeat(40)}`,
      'master_repl_offset:1234',
      'second_repl_offset:-1',
      'repl_backlog_active:1',
      'repl_backlog_size:1048576',
      'repl_backlog_first_byte_offset:1',
      'repl_backlog_histlen:1234',
      'ringcache_slot_sync_bytes_sent:0',
      `primary0:id=${'b'.repeat(40)},ip=10.0.0.3,port=7003,link_status=up,last_io_seconds_ago=1,sync_in_progress=0,offset=90,lag_bytes=10,slots=300,synced_slots=300,full_syncs=1,partial_syncs=0`,
      `primary1:id=${'d'.repeat(40)},ip=10.0.0.4,port=7004,link_status=down,last_io_seconds_ago=7,sync_in_progress=1,offset=0,lag_bytes=0,slots=20,synced_slots=5,full_syncs=0,partial_syncs=0`,
      '',
    ]);
  });
});

describe('WAIT over a RESP connection', () => {
  let rs: RespServer | undefined;
  const clients: Redis[] = [];

  beforeEach(() => {
    jest.useRealTimers();
  });
  afterEach(async () => {
    for (const c of clients) c.disconnect();
    clients.length = 0;
    await rs?.close();
  });

  async function start(): Promise<{ connect: () => Promise<Redis>; server: ServerState }> {
    const engine = new Engine();
    const server = new ServerState(new ConfigStore(NODE_PARAMS));
    rs = new RespServer({ port: 0, nextClientId: () => server.nextClientId() }, new RespDispatcher(table, engine, server));
    const { port } = await rs.listen();
    const connect = async (): Promise<Redis> => {
      const c = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0 });
      clients.push(c);
      await c.connect();
      return c;
    };
    return { connect, server };
  }

  it('times out with 0, holding the commands pipelined behind it', async () => {
    const { connect } = await start();
    const c = await connect();
    const started = Date.now();
    const replies = await c.pipeline().call('WAIT', '1', '150').ping().exec();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(replies).toEqual([[null, 0], [null, 'PONG']]);
  });

  it('a WAIT with no timeout ends with CLIENT UNBLOCK from another connection', async () => {
    const { connect, server } = await start();
    const c = await connect();
    const admin = await connect();
    const id = (await c.call('CLIENT', 'ID')) as number;
    const waiting = c.call('WAIT', '1', '0');
    while (server.blocking.blockedClients === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await admin.call('CLIENT', 'UNBLOCK', String(id))).toBe(1);
    expect(await waiting).toBe(0);
    expect(await c.ping()).toBe('PONG');
  });
});
