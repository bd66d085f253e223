/**
 * A simulated cluster for the gossip membership: N `Membership` instances on one fake clock and an in-memory
 * network with per-message delay (delivered in time order), random loss, dead nodes and cut links. No sleeping,
 * no sockets: used by the membership spec and by bench/gossip-simulation.mjs (through dist/).
 */
import { Membership } from './membership.js';
import type { GossipMessage, MemberInfo, MemberState, MembershipOptions } from './membership.js';

export interface SimNetworkOptions {
  /** Seed of the network's own generator (delays, loss). Default 1. */
  seed?: number;
  /** Each message is delivered after a uniform delay in [minDelayMs, maxDelayMs] of simulated time. Default 0-0. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Probability a message is dropped. Default 0. */
  loss?: number;
  /** Nodes tick every this many simulated ms. Default 100. */
  tickMs?: number;
}

/** LCG in [0, 1): small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state / 4294967296;
  };
}

interface Envelope {
  at: number;
  order: number;
  from: number;
  to: number;
  message: GossipMessage;
}

/** Binary min-heap of envelopes by (delivery time, send order): equal times keep send order. */
class EnvelopeQueue {
  private readonly heap: Envelope[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): Envelope | undefined {
    return this.heap[0];
  }

  push(item: Envelope): void {
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!EnvelopeQueue.before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): Envelope | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && EnvelopeQueue.before(heap[right]!, heap[left]!) ? right : left;
      if (!EnvelopeQueue.before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  private static before(a: Envelope, b: Envelope): boolean {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
  }
}

const BUS_BASE = 17000;

export class SimNetwork {
  readonly clock = { time: 0, now: (): number => this.clock.time };
  readonly tickMs: number;
  /** Messages handed to the network, and those dropped by random loss (not counting dead nodes or cut links). */
  sentCount = 0;
  lostCount = 0;
  private readonly nodes = new Map<number, Membership>();
  private readonly down = new Set<number>();
  /** `from * 65536 + to` of links that drop everything. */
  private readonly cut = new Set<number>();
  private readonly queue = new EnvelopeQueue();
  private readonly random: () => number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private loss: number;
  private order = 0;

  constructor(options: SimNetworkOptions = {}) {
    this.random = seededRandom(options.seed ?? 1);
    this.minDelayMs = options.minDelayMs ?? 0;
    this.maxDelayMs = options.maxDelayMs ?? this.minDelayMs;
    this.loss = options.loss ?? 0;
    this.tickMs = options.tickMs ?? 100;
  }

  static memberId(index: number): string {
    return `node-${index}`;
  }

  static address(index: number): { host: string; busPort: number } {
    return { host: '127.0.0.1', busPort: BUS_BASE + index };
  }

  /** Starts (or restarts) node `index`; nodes are addressed by bus port 17000 + index. */
  start(index: number, options: Partial<MembershipOptions> & { incarnation?: number } = {}): Membership {
    const { incarnation = 1, ...rest } = options;
    const self: MemberInfo = {
      id: SimNetwork.memberId(index), host: '127.0.0.1', port: 7000 + index, busPort: BUS_BASE + index, incarnation, state: 'alive',
    };
    const node = new Membership(self, {
      clock: this.clock,
      random: seededRandom(index * 7919 + incarnation),
      transport: { send: (to, message) => this.send(index, to.busPort - BUS_BASE, message) },
      ...rest,
    });
    this.nodes.set(index, node);
    this.down.delete(index);
    return node;
  }

  node(index: number): Membership {
    const node = this.nodes.get(index);
    if (node === undefined) throw new Error(`no node ${index}`);
    return node;
  }

  /** Indexes of started nodes that are not killed. */
  live(): number[] {
    return [...this.nodes.keys()].filter((i) => !this.down.has(i));
  }

  isDown(index: number): boolean {
    return this.down.has(index);
  }

  kill(index: number): void {
    this.down.add(index);
  }

  setLoss(loss: number): void {
    this.loss = loss;
  }

  /** Cuts every link between the two groups, both ways. */
  partition(left: number[], right: number[]): void {
    for (const a of left) for (const b of right) this.cut.add(a * 65536 + b).add(b * 65536 + a);
  }

  heal(): void {
    this.cut.clear();
  }

  /**
   * Advances simulated time by `ms` in ticks: before each tick every message due by then is delivered in time
   * order, the clock set to its delivery time (so replies sent meanwhile can arrive in the same tick); then every
   * live node ticks. `each` runs after every tick; returning true stops early. Returns the simulated ms elapsed.
   */
  run(ms: number, each?: () => boolean | void): number {
    const start = this.clock.time;
    const end = start + ms;
    while (this.clock.time < end) {
      const next = Math.min(this.clock.time + this.tickMs, end);
      this.deliverUntil(next);
      this.clock.time = next;
      for (const [index, node] of this.nodes) if (!this.down.has(index)) node.tick();
      if (each?.() === true) break;
    }
    return this.clock.time - start;
  }

  /** Delivers everything due up to `time` (inclusive). */
  deliverUntil(time: number): void {
    for (let envelope = this.queue.peek(); envelope !== undefined && envelope.at <= time; envelope = this.queue.peek()) {
      this.queue.pop();
      if (envelope.at > this.clock.time) this.clock.time = envelope.at;
      if (this.down.has(envelope.from) || this.down.has(envelope.to) || this.cut.has(envelope.from * 65536 + envelope.to)) continue;
      this.nodes.get(envelope.to)?.receive(SimNetwork.address(envelope.from), envelope.message);
    }
  }

  /** State of member `index` as seen by node `viewer`. */
  stateOf(viewer: number, index: number): MemberState | undefined {
    const id = SimNetwork.memberId(index);
    return this.node(viewer).members().find((m) => m.id === id)?.state;
  }

  /** Every live node sees exactly the live nodes as alive, the others as failed or left (or not at all), and one epoch. */
  converged(): boolean {
    const live = this.live();
    let epoch: number | undefined;
    for (const viewer of live) {
      const node = this.node(viewer);
      if (epoch === undefined) epoch = node.epoch;
      else if (node.epoch !== epoch) return false;
      let alive = 0;
      for (const member of node.members()) {
        if (member.state === 'alive') alive++;
        else if (member.state === 'suspect') return false;
      }
      if (alive !== live.length) return false;
    }
    return true;
  }

  private send(from: number, to: number, message: GossipMessage): void {
    this.sentCount++;
    if (this.loss > 0 && this.random() < this.loss) {
      this.lostCount++;
      return;
    }
    const delay = this.minDelayMs + (this.maxDelayMs > this.minDelayMs ? this.random() * (this.maxDelayMs - this.minDelayMs) : 0);
    // Messages are never mutated after sending (Membership copies what it sends and what it keeps), so no clone.
    this.queue.push({ at: this.clock.time + delay, order: this.order++, from, to, message });
  }
}
