/** The cluster bus: Membership's gossip over UDP, one compact-JSON datagram per message, with every inbound datagram validated. */
import { createSocket } from 'node:dgram';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { BusAddress, GossipHeader, GossipMessage, GossipTransport, MemberInfo, MemberState, Membership } from './membership.js';

/**
 * Largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP). A full-state `sync` must fit in one datagram: there is
 * no fragmentation. A member record with a 40-hex id, an IPv4 host and a ms-timestamp incarnation encodes to
 * at most 149 bytes, so a sync carries {@link MAX_SYNC_MEMBERS} members (about 430 at most); beyond that syncs
 * are dropped (and counted in `stats.oversized`) while pings and acks, which piggyback at most a few records,
 * still flow. Encoding records as arrays rather than keyed objects would carry ~1.7x as many. Off
 * loopback, datagrams above the path MTU (~1.4 KB) are IP-fragmented and lost more often; SWIM tolerates loss.
 */
export const MAX_DATAGRAM_BYTES = 65_507;
/** Members a full-state sync can carry within MAX_DATAGRAM_BYTES, for records as above (checked by the spec). */
export const MAX_SYNC_MEMBERS = 400;
/** Longest id or host accepted from the wire (a DNS name is at most 253 characters). */
const MAX_STRING = 255;

export interface GossipBusOptions {
  /** Interface to bind, and the host peers know us by. */
  host: string;
  /** UDP port to bind: the cluster bus port, by default the RESP port + 10000 as in Redis; the node passes it. */
  busPort: number;
  /** How often Membership.tick() runs. Default 100 ms. */
  tickMs?: number;
  /** Larger datagrams are neither sent nor accepted. Default MAX_DATAGRAM_BYTES. */
  maxDatagramBytes?: number;
}

/** Counters for metrics; a datagram that is dropped is counted exactly once. */
export interface GossipBusStats {
  sent: number;
  received: number;
  /** Over maxDatagramBytes, in either direction. */
  oversized: number;
  /** Inbound datagrams that were not JSON or not a well-formed GossipMessage. */
  malformed: number;
  /** Sends the socket refused (unresolvable host, unreachable network, ...). */
  sendErrors: number;
}

export class GossipBus implements GossipTransport {
  readonly stats: GossipBusStats = { sent: 0, received: 0, oversized: 0, malformed: 0, sendErrors: 0 };
  private readonly tickMs: number;
  private readonly maxDatagramBytes: number;
  private socket: Socket | undefined; // Set while started.
  private timer: NodeJS.Timeout | undefined;
  /** Datagrams passed to the socket whose send has not completed. */
  private inFlight = 0;

  constructor(private readonly options: GossipBusOptions) {
    this.tickMs = options.tickMs ?? 100;
    this.maxDatagramBytes = Math.min(options.maxDatagramBytes ?? MAX_DATAGRAM_BYTES, MAX_DATAGRAM_BYTES);
  }

  /** Binds host:busPort, then delivers datagrams to `membership` and ticks it every tickMs. Rejects if the bind fails. */
  async start(membership: Membership): Promise<void> {
    if (this.socket !== undefined) throw new Error('GossipBus already started');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      const failed = (error: Error): void => {
        socket.close();
        reject(error);
      };
      socket.once('error', failed);
      socket.bind(this.options.busPort, this.options.host, () => {
        socket.off('error', failed);
        resolve();
      });
    });
    // After bind, socket errors (e.g. ICMP-reported send failures) must not become uncaught 'error' events.
    socket.on('error', () => this.stats.sendErrors++);
    socket.on('message', (data, rinfo) => this.deliver(membership, data, rinfo));
    this.socket = socket;
    this.timer = setInterval(() => membership.tick(), this.tickMs).unref();
  }

  /**
   * Stops ticking and closes the socket once sends in flight are handed to the OS (at most `flushMs`: a leave
   * announced just before must go out); later sends are dropped silently.
   */
  async stop(flushMs = 200): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const until = Date.now() + flushMs; this.inFlight > 0 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const socket = this.socket;
    this.socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** The bound address (the actual port when busPort was 0); undefined while stopped. */
  address(): BusAddress | undefined {
    if (this.socket === undefined) return undefined;
    const { address, port } = this.socket.address();
    return { host: address, busPort: port };
  }

  send(to: BusAddress, message: GossipMessage): void {
    const socket = this.socket;
    if (socket === undefined) return;
    const data = encodeGossip(message);
    if (data.length > this.maxDatagramBytes) {
      this.stats.oversized++;
      return;
    }
    try {
      socket.send(data, to.busPort, to.host, (error) => {
        this.inFlight--;
        if (error) this.stats.sendErrors++;
      });
      this.inFlight++; // after send: a synchronous throw never calls back
      this.stats.sent++;
    } catch {
      this.stats.sendErrors++; // Synchronous throws: a bad port in a member record must not break the tick.
    }
  }

  private deliver(membership: Membership, data: Buffer, rinfo: RemoteInfo): void {
    if (data.length > this.maxDatagramBytes) {
      this.stats.oversized++;
      return;
    }
    const message = decodeGossip(data);
    if (message === undefined) {
      this.stats.malformed++;
      return;
    }
    this.stats.received++;
    membership.receive({ host: rinfo.address, busPort: rinfo.port }, message);
  }
}

export function encodeGossip(message: GossipMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

// ---- decoding ----

/*
 * Anything can arrive on a UDP port, so decoding trusts nothing: each field Membership reads is checked for type
 * and range, and the message is rebuilt from those fields alone (extra keys, `__proto__` included, never reach
 * Membership). One bad record rejects the whole message rather than applying part of it. This guards the node
 * against garbage, not against a hostile peer: a well-formed lie (a huge epoch, a forged `failed`) is accepted,
 * so the bus belongs on a trusted network, as Redis's cluster bus does.
 */

/** Parses one datagram; undefined for anything that is not a well-formed GossipMessage. */
export function decodeGossip(data: Buffer): GossipMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const from = member(value['from']);
  const epoch = value['epoch'];
  if (from === undefined || !isCount(epoch)) return undefined;
  const header: GossipHeader = { from, epoch };
  switch (value['type']) {
    case 'ping':
    case 'ack': {
      const seq = value['seq'];
      const updates = members(value['updates']);
      if (!isCount(seq) || updates === undefined) return undefined;
      return { ...header, type: value['type'], seq, updates };
    }
    case 'ping-req': {
      const seq = value['seq'];
      const target = value['target'];
      const updates = members(value['updates']);
      if (!isCount(seq) || updates === undefined || !isRecord(target)) return undefined;
      const { id, host, busPort } = target;
      if (!isId(id) || !isHost(host) || !isPort(busPort)) return undefined;
      return { ...header, type: 'ping-req', seq, target: { id, host, busPort }, updates };
    }
    case 'sync': {
      const list = members(value['members']);
      const reply = value['reply'];
      if (list === undefined || typeof reply !== 'boolean') return undefined;
      return { ...header, type: 'sync', members: list, reply };
    }
    case 'leave':
      return { ...header, type: 'leave' };
    default:
      return undefined;
  }
}

const STATES: ReadonlySet<unknown> = new Set<MemberState>(['alive', 'suspect', 'failed', 'left']);

function member(value: unknown): MemberInfo | undefined {
  if (!isRecord(value)) return undefined;
  const { id, host, port, busPort, incarnation, state, syncing, leaving, quorum, restoreEpoch } = value;
  if (!isId(id) || !isHost(host) || !isPort(port) || !isPort(busPort) || !isCount(incarnation) || !STATES.has(state)) return undefined;
  if ([syncing, leaving, quorum].some((flag) => flag !== undefined && flag !== true)) return undefined;
  if (restoreEpoch !== undefined && !isCount(restoreEpoch)) return undefined;
  const record: MemberInfo = { id, host, port, busPort, incarnation, state: state as MemberState };
  if (syncing === true) record.syncing = true;
  if (leaving === true) record.leaving = true;
  if (quorum === true) record.quorum = true;
  if (restoreEpoch !== undefined) record.restoreEpoch = restoreEpoch;
  return record;
}

function members(value: unknown): MemberInfo[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const list: MemberInfo[] = [];
  for (const item of value) {
    const record = member(item);
    if (record === undefined) return undefined;
    list.push(record);
  }
  return list;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_STRING;
}

/** Empty allowed: a node may not know its own address yet (CLUSTER NODES shows it as ":port@busport"). */
function isHost(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_STRING;
}

/** Port 0 is rejected too: nothing can be sent to it. */
function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0 && (value as number) <= 65_535;
}

/** Epochs, sequence numbers and incarnations: non-negative safe integers. */
function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
