/**
 * INFO replication of a member, read as ringcache writes it: the member's own stream (offset, the replicas
 * reading it as `slaveN`), the snapshot bytes it sent, and one `primaryN` line per member it copies slots from.
 * Redis nodes answer the same section without the ringcache lines: those read as zero and empty.
 */
import { parseInfo } from './cluster-nodes.js';

/** A replica reading this member's stream (`slaveN:ip=,port=,state=,offset=,lag=`). */
export interface ReplicaLinkInfo {
  readonly address: string;
  readonly state: string;
  /** Offset of this member's stream the replica acknowledged. */
  readonly offset: number;
  /** Seconds since its last acknowledgement. */
  readonly lagSeconds: number;
}

/** A member this one copies slots from (`primaryN:id=,ip=,port=,link_status=,...`). */
export interface PrimaryLinkInfo {
  readonly id: string;
  readonly address: string;
  readonly linkUp: boolean;
  readonly lastIoSecondsAgo: number;
  readonly syncInProgress: boolean;
  /** Offset of the primary's stream applied here. */
  readonly offset: number;
  /** How far behind the primary's stream this copy is, in bytes. */
  readonly lagBytes: number;
  /** Slots wanted from that primary, and those whose snapshot has arrived. */
  readonly slots: number;
  readonly syncedSlots: number;
}

export interface ReplicationInfo {
  /** master_repl_offset: bytes written to this member's stream. */
  readonly offset: number;
  readonly connectedReplicas: number;
  readonly replicas: readonly ReplicaLinkInfo[];
  /** ringcache_slot_sync_bytes_sent: snapshot bytes sent so far (rebalancing and replica syncs). */
  readonly slotSyncBytesSent: number;
  readonly primaries: readonly PrimaryLinkInfo[];
}

export function parseReplicationInfo(text: string): ReplicationInfo {
  const info = parseInfo(text);
  const replicas: ReplicaLinkInfo[] = [];
  const primaries: PrimaryLinkInfo[] = [];
  for (const [name, value] of info) {
    if (/^slave\d+$/.test(name)) {
      const f = fieldsOf(value);
      replicas.push({ address: `${f.get('ip') ?? ''}:${f.get('port') ?? ''}`, state: f.get('state') ?? '', offset: num(f, 'offset'), lagSeconds: num(f, 'lag') });
    } else if (/^primary\d+$/.test(name)) {
      const f = fieldsOf(value);
      primaries.push({
        id: f.get('id') ?? '',
        address: `${f.get('ip') ?? ''}:${f.get('port') ?? ''}`,
        linkUp: f.get('link_status') === 'up',
        lastIoSecondsAgo: num(f, 'last_io_seconds_ago'),
        syncInProgress: f.get('sync_in_progress') === '1',
        offset: num(f, 'offset'),
        lagBytes: num(f, 'lag_bytes'),
        slots: num(f, 'slots'),
        syncedSlots: num(f, 'synced_slots'),
      });
    }
  }
  return {
    offset: Number(info.get('master_repl_offset') ?? 0),
    connectedReplicas: Number(info.get('connected_slaves') ?? 0),
    replicas,
    slotSyncBytesSent: Number(info.get('ringcache_slot_sync_bytes_sent') ?? 0),
    primaries,
  };
}

/** `a=1,b=x` → { a: '1', b: 'x' }. */
function fieldsOf(value: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return fields;
}

function num(fields: Map<string, string>, name: string): number {
  const value = Number(fields.get(name));
  return Number.isFinite(value) ? value : 0;
}
