import { describe, it, expect, afterEach } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { GossipBus, MAX_DATAGRAM_BYTES, MAX_SYNC_MEMBERS, decodeGossip, encodeGossip } from './gossip-bus.js';
import type { GossipBusOptions } from './gossip-bus.js';
import { Membership } from './membership.js';
import type { GossipMessage, MemberInfo, MemberState } from './membership.js';

const HOST = '127.0.0.1';
/** Real sockets and timers: protocol timeouts cut ~10x from the defaults so the spec runs in a few seconds. */
const FAST = { probeIntervalMs: 100, probeTimeoutMs: 50, suspicionTimeoutMs: 400 };
const clock = { now: () => performance.now() };

const record = (overrides: Partial<MemberInfo> = {}): MemberInfo => ({
  id: 'a'.repeat(40), host: HOST, port: 7001, busPort: 17001, incarnation: 1, state: 'alive', ...overrides,
});

/** A free UDP port on loopback: bind port 0, read it back, release it. */
async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Polls every 10 ms; returns the ms it took, or throws after `withinMs`. */
async function until(condition: () => boolean, withinMs: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - started;
}

interface Node {
  self: MemberInfo;
  bus: GossipBus;
  membership: Membership;
}

const running: GossipBus[] = [];
const rawSockets: Socket[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((bus) => bus.stop()));
  await Promise.all(rawSockets.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function startNode(options: Partial<GossipBusOptions> = {}): Promise<Node> {
  const busPort = await freePort();
  const self = record({ id: randomBytes(20).toString('hex'), port: 6379, busPort, incarnation: Date.now() });
  const bus = new GossipBus({ host: HOST, busPort, tickMs: 20, ...options });
  const membership = new Membership(self, { transport: bus, clock, ...FAST });
  await bus.start(membership);
  running.push(bus);
  return { self, bus, membership };
}

const stateOf = (observer: Node, subject: Node): MemberState | undefined =>
  observer.membership.members().find((m) => m.id === subject.self.id)?.state;
const aliveCount = (node: Node): number => node.membership.members().filter((m) => m.state === 'alive').length;

async function convergedCluster(): Promise<Node[]> {
  const nodes = [await startNode(), await startNode(), await startNode()];
  const seed = { host: HOST, busPort: nodes[0]!.self.busPort };
  nodes[1]!.membership.join([seed]);
  nodes[2]!.membership.join([seed]);
  await until(() => nodes.every((n) => aliveCount(n) === 3) && new Set(nodes.map((n) => n.membership.epoch)).size === 1, 2000);
  return nodes;
}

async function rawSocket(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
  rawSockets.push(socket);
  return socket;
}

describe('GossipBus over loopback UDP', () => {
  it('three nodes joining through one seed converge on three alive members and one epoch', async () => {
    const nodes = await convergedCluster();
    for (const observer of nodes) for (const subject of nodes) expect(stateOf(observer, subject)).toBe('alive');
    expect(nodes.every((n) => n.bus.stats.received > 0 && n.bus.stats.malformed === 0)).toBe(true);
  });

  it('a node whose bus stops is declared failed by the other two, and they agree on the new epoch', async () => {
    const [a, b, c] = await convergedCluster();
    const epochBefore = a!.membership.epoch;
    await c!.bus.stop();
    await until(() => stateOf(a!, c!) === 'failed' && stateOf(b!, c!) === 'failed', 1500);
    await until(() => a!.membership.epoch === b!.membership.epoch, 500);
    expect(a!.membership.epoch).toBeGreaterThan(epochBefore);
    expect(stateOf(a!, b!)).toBe('alive');
    expect(stateOf(b!, a!)).toBe('alive');
  });

  it('drops garbage, wrong shapes and huge datagrams without throwing, and still answers a ping', async () => {
    const node = await startNode();
    const raw = await rawSocket();
    const sendRaw = (data: Buffer | string): void => raw.send(data, node.self.busPort, HOST);
    const ping = { from: record({ busPort: raw.address().port }), epoch: 0, type: 'ping', seq: 42, updates: [] };
    const bad: (Buffer | string)[] = [
      randomBytes(300),
      '',
      'null',
      '[1,2,3]',
      '{"type":"ping"}',
      JSON.stringify({ ...ping, type: 'shout' }),
      JSON.stringify({ ...ping, updates: [record({ state: 'zombie' as MemberState })] }),
      JSON.stringify({ ...ping, from: record({ host: 'x'.repeat(MAX_DATAGRAM_BYTES - 200) }) }), // ~64 KB, largest UDP payload
    ];
    for (const data of bad) sendRaw(data);
    await until(() => node.bus.stats.malformed === bad.length, 1000);
    expect(node.bus.stats.received).toBe(0);

    const reply = new Promise<GossipMessage | undefined>((resolve) => raw.once('message', (data) => resolve(decodeGossip(data))));
    sendRaw(JSON.stringify(ping));
    const ack = await reply;
    expect(ack).toMatchObject({ type: 'ack', seq: 42, from: { id: node.self.id } });
    expect(node.bus.stats.received).toBe(1);
  });

  it('neither sends nor accepts datagrams over maxDatagramBytes', async () => {
    const node = await startNode({ maxDatagramBytes: 512 });
    const raw = await rawSocket();
    const members = Array.from({ length: 10 }, (_, i) => record({ id: String(i).repeat(40) }));
    raw.send(encodeGossip({ from: record(), epoch: 0, type: 'sync', members, reply: false }), node.self.busPort, HOST);
    await until(() => node.bus.stats.oversized === 1, 1000);
    node.bus.send({ host: HOST, busPort: raw.address().port }, { from: record(), epoch: 0, type: 'sync', members, reply: false });
    expect(node.bus.stats.oversized).toBe(2);
    expect(node.bus.stats.sent).toBe(0);
  });

  it('rejects a bind to a port already in use', async () => {
    const node = await startNode();
    const clash = new GossipBus({ host: HOST, busPort: node.self.busPort });
    await expect(clash.start(node.membership)).rejects.toThrow(/EADDRINUSE/);
    expect(clash.address()).toBeUndefined();
  });

  it('drops sends after stop and to unusable addresses without throwing', async () => {
    const node = await startNode();
    expect(() => node.bus.send({ host: HOST, busPort: 0 }, { from: record(), epoch: 0, type: 'leave' })).not.toThrow();
    expect(node.bus.stats.sendErrors).toBe(1);
    await node.bus.stop();
    expect(() => node.bus.send({ host: HOST, busPort: 1 }, { from: record(), epoch: 0, type: 'leave' })).not.toThrow();
    expect(node.bus.stats.sent).toBe(0);
  });
});

describe('decodeGossip', () => {
  const header = { from: record(), epoch: 7 };
  const messages: GossipMessage[] = [
    { ...header, type: 'ping', seq: 1, updates: [record({ id: 'b'.repeat(40), state: 'suspect' })] },
    { ...header, type: 'ack', seq: 2, updates: [] },
    { ...header, type: 'ping-req', seq: 3, target: { id: 'c'.repeat(40), host: HOST, busPort: 17003 }, updates: [] },
    { ...header, type: 'sync', members: [record(), record({ id: 'd'.repeat(40), state: 'failed' })], reply: true },
    { ...header, type: 'leave' },
  ];

  it.each(messages.map((m) => [m.type, m] as const))('round-trips a %s', (_type, message) => {
    expect(decodeGossip(encodeGossip(message))).toEqual(message);
  });

  it('rebuilds messages from known fields only', () => {
    const from = JSON.stringify(record()).replace('{', '{"__proto__":{"polluted":true},"evil":1,');
    const data = Buffer.from(`{"from":${from},"epoch":7,"type":"leave","extra":1}`);
    const decoded = decodeGossip(data)!;
    expect(decoded).toEqual({ ...header, type: 'leave' });
    expect(Object.keys(decoded.from)).toEqual(['id', 'host', 'port', 'busPort', 'incarnation', 'state']);
    expect(Object.getPrototypeOf(decoded.from)).toBe(Object.prototype);
  });

  it.each([
    ['a negative epoch', { ...header, epoch: -1, type: 'leave' }],
    ['a fractional seq', { ...header, type: 'ack', seq: 1.5, updates: [] }],
    ['a string seq', { ...header, type: 'ack', seq: '1', updates: [] }],
    ['missing updates', { ...header, type: 'ping', seq: 1 }],
    ['updates that are not an array', { ...header, type: 'ping', seq: 1, updates: {} }],
    ['port 0', { ...header, type: 'ping', seq: 1, updates: [record({ busPort: 0 })] }],
    ['a port over 65535', { ...header, type: 'ping', seq: 1, updates: [record({ port: 70000 })] }],
    ['an empty id', { ...header, from: record({ id: '' }), type: 'leave' }],
    ['an unknown state', { ...header, from: { ...record(), state: 'zombie' }, type: 'leave' }],
    ['an unsafe incarnation', { ...header, from: record({ incarnation: 2 ** 60 }), type: 'leave' }],
    ['a ping-req without target', { ...header, type: 'ping-req', seq: 1, updates: [] }],
    ['a sync with a non-boolean reply', { ...header, type: 'sync', members: [], reply: 1 }],
    ['no sender', { epoch: 0, type: 'leave' }],
  ])('rejects %s', (_case, value) => {
    expect(decodeGossip(Buffer.from(JSON.stringify(value)))).toBeUndefined();
  });

  it(`fits a full sync of ${MAX_SYNC_MEMBERS} members in one datagram`, () => {
    const widest = (i: number): MemberInfo =>
      ({ id: i.toString(16).padStart(40, 'f'), host: '255.255.255.255', port: 65535, busPort: 65535, incarnation: 9_999_999_999_999, state: 'suspect' });
    const sync = (count: number): GossipMessage =>
      ({ from: widest(0), epoch: 999_999, type: 'sync', members: Array.from({ length: count }, (_, i) => widest(i)), reply: true });
    expect(encodeGossip(sync(MAX_SYNC_MEMBERS)).length).toBeLessThanOrEqual(MAX_DATAGRAM_BYTES);
    expect(encodeGossip(sync(Math.ceil(MAX_SYNC_MEMBERS * 1.1))).length).toBeGreaterThan(MAX_DATAGRAM_BYTES);
  });
});

describe('decodeGossip, restoreEpoch', () => {
  const restoring = (restoreEpoch: unknown): Record<string, unknown> => ({ ...record({ syncing: true }), restoreEpoch });
  const ping = (from: unknown, updates: unknown[] = []): Buffer => Buffer.from(JSON.stringify({ from, epoch: 7, type: 'ping', seq: 1, updates }));

  it('round-trips restoreEpoch in the sender, updates and a full sync', () => {
    const from = record({ syncing: true, restoreEpoch: 12 });
    const other = record({ id: 'b'.repeat(40), restoreEpoch: 0 });
    const messages: GossipMessage[] = [
      { from, epoch: 12, type: 'ping', seq: 1, updates: [other] },
      { from, epoch: 12, type: 'sync', members: [from, other, record({ id: 'c'.repeat(40) })], reply: false },
    ];
    for (const message of messages) expect(decodeGossip(encodeGossip(message))).toEqual(message);
    const decoded = decodeGossip(encodeGossip(messages[0]!))!;
    expect(decoded.from.restoreEpoch).toBe(12);
    expect((decoded as { updates: MemberInfo[] }).updates[0]!.restoreEpoch).toBe(0);
    expect('restoreEpoch' in (decodeGossip(encodeGossip({ from: record(), epoch: 0, type: 'leave' }))!.from)).toBe(false);
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['a string', '3'],
    ['unsafe', 2 ** 60],
    ['null', null],
    ['a boolean', true],
  ])('rejects a restoreEpoch that is %s, in the sender or in an update', (_case, value) => {
    expect(decodeGossip(ping(restoring(value)))).toBeUndefined();
    expect(decodeGossip(ping(record(), [restoring(value)]))).toBeUndefined();
    expect(decodeGossip(ping(record(), [restoring(3)]))).toBeDefined(); // the same message with a valid one passes
  });
});
