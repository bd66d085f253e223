/** The client's view of slot ownership: contiguous slot ranges with their owner, an epoch, and the topology push message. */
import { splitAddress } from '../../cluster/src/address.js';

export interface SlotOwner {
  /** Cluster node id (40 hex chars on Redis); '' until the client has learned it. */
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

export interface SlotRange {
  readonly start: number;
  /** Inclusive, as CLUSTER SLOTS. */
  readonly end: number;
  readonly node: SlotOwner;
}

export interface SlotTableSnapshot {
  /** The cluster's current epoch as last seen (CLUSTER INFO `cluster_current_epoch` or a topology push). */
  readonly epoch: number;
  /** Sorted by `start`; slots no node serves are absent. */
  readonly ranges: readonly SlotRange[];
}

/** A parsed `__ringcache__:topology` message: `{"epoch":N,"slots":[[start,end,"host:port","nodeid"],...]}`. */
export interface TopologyMessage {
  readonly epoch: number;
  readonly ranges: readonly SlotRange[];
}

export { splitAddress };

/**
 * Compresses a per-slot routing array (ioredis `Cluster#slots`: for each slot, `["host:port", ...replicas]`)
 * into ranges of consecutive slots with the same master; `idOf` names each master.
 */
export function rangesFromSlotArray(slots: readonly (readonly string[] | undefined)[], idOf: (address: string) => string): SlotRange[] {
  const ranges: SlotRange[] = [];
  let start = -1;
  let owner: string | undefined;
  const close = (end: number): void => {
    if (owner !== undefined) ranges.push({ start, end, node: { id: idOf(owner), ...splitAddress(owner) } });
  };
  for (let slot = 0; slot < slots.length; slot++) {
    const master = slots[slot]?.[0];
    if (master === owner) continue;
    close(slot - 1);
    start = slot;
    owner = master;
  }
  close(slots.length - 1);
  return ranges;
}

/** True if both tables have the same epoch and the same ranges and owners. */
export function sameSlotTable(a: SlotTableSnapshot, b: SlotTableSnapshot): boolean {
  if (a.epoch !== b.epoch || a.ranges.length !== b.ranges.length) return false;
  return a.ranges.every((r, i) => {
    const o = b.ranges[i]!;
    return r.start === o.start && r.end === o.end && r.node.host === o.node.host && r.node.port === o.node.port && r.node.id === o.node.id;
  });
}

const isSlot = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) < 16384;

/** Parses a topology push; returns undefined for anything malformed (a foreign publisher must not break the client). */
export function parseTopologyMessage(text: string): TopologyMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { epoch, slots } = value as { epoch?: unknown; slots?: unknown };
  if (!Number.isInteger(epoch) || (epoch as number) < 0 || !Array.isArray(slots)) return undefined;
  const ranges: SlotRange[] = [];
  for (const entry of slots) {
    if (!Array.isArray(entry) || entry.length < 3) return undefined;
    const [start, end, address, id] = entry as unknown[];
    if (!isSlot(start) || !isSlot(end) || start > end || typeof address !== 'string' || !address.includes(':')) return undefined;
    const node = splitAddress(address);
    if (!Number.isInteger(node.port)) return undefined;
    ranges.push({ start, end, node: { id: typeof id === 'string' ? id : '', ...node } });
  }
  ranges.sort((x, y) => x.start - y.start);
  return { epoch: epoch as number, ranges };
}
