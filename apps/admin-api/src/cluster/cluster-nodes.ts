/** Parsers for the cluster's own descriptions of itself: CLUSTER NODES lines and INFO / CLUSTER INFO text. */

export type MemberState = 'alive' | 'suspect' | 'failed';

export interface ClusterNodeLine {
  readonly id: string;
  /** RESP address `host:port` (the bus port after `@` dropped); empty for a node without an address yet. */
  readonly address: string;
  readonly flags: readonly string[];
  /** `fail` flag: failed; `fail?` (PFAIL): suspect; otherwise alive. */
  readonly state: MemberState;
  /** ringcache's `syncing` flag: copying the slots it is to own, not yet in the ring (so without slots). */
  readonly syncing: boolean;
  /** ringcache's `leaving` flag: handing its slots over to the others before a graceful leave. */
  readonly leaving: boolean;
  /** Owned slot ranges, inclusive, ascending; importing/migrating markers (`[slot->-id]`) are not ownership. */
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly slots: number;
}

/** One CLUSTER NODES line per node: `id ip:port@cport[,hostname] flags master ping pong epoch link slot...`. */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  const nodes: ClusterNodeLine[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    if (fields.length < 8) continue;
    const [id, endpoint, flagText] = fields as [string, string, string];
    const hostPort = endpoint.split('@')[0]!;
    const address = hostPort.startsWith(':') ? '' : hostPort;
    const flags = flagText.split(',');
    const state: MemberState = flags.includes('fail') ? 'failed' : flags.includes('fail?') ? 'suspect' : 'alive';
    const ranges: Array<[number, number]> = [];
    let slots = 0;
    for (const slot of fields.slice(8)) {
      if (slot.startsWith('[')) continue;
      const dash = slot.indexOf('-');
      const start = Number(dash < 0 ? slot : slot.slice(0, dash));
      const end = Number(dash < 0 ? slot : slot.slice(dash + 1));
      ranges.push([start, end]);
      slots += end - start + 1;
    }
    ranges.sort((a, b) => a[0] - b[0]);
    nodes.push({ id, address, flags, state, syncing: flags.includes('syncing'), leaving: flags.includes('leaving'), ranges, slots });
  }
  return nodes;
}

/** `key:value` lines of INFO or CLUSTER INFO (section headers and blank lines skipped). */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Keys in database 0 (`db0:keys=N,expires=...`), the only database in cluster mode. */
export function keysOf(info: Map<string, string>): number {
  const match = /(?:^|,)keys=(\d+)/.exec(info.get('db0') ?? '');
  return match ? Number(match[1]) : 0;
}

/** A node as CLUSTER SLOTS names it. */
export interface SlotNode {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

/** One CLUSTER SLOTS group: a slot range, its primary, then its replicas (first replica first). */
export interface SlotGroup {
  readonly start: number;
  readonly end: number;
  readonly primary: SlotNode;
  readonly replicas: readonly SlotNode[];
}

/** CLUSTER SLOTS as ioredis returns it: `[start, end, [host, port, id, {...}], ...replicas]` per group, ascending. */
export function parseClusterSlots(reply: unknown): SlotGroup[] {
  if (!Array.isArray(reply)) return [];
  const groups: SlotGroup[] = [];
  for (const entry of reply) {
    if (!Array.isArray(entry) || entry.length < 3) continue;
    const [start, end, primary, ...replicas] = entry as [unknown, unknown, unknown, ...unknown[]];
    groups.push({ start: Number(start), end: Number(end), primary: slotNode(primary), replicas: replicas.map(slotNode) });
  }
  return groups.sort((a, b) => a.start - b.start);
}

function slotNode(entry: unknown): SlotNode {
  const [host, port, id] = Array.isArray(entry) ? (entry as unknown[]) : [];
  return { id: String(id ?? ''), host: String(host ?? ''), port: Number(port ?? 0) };
}
