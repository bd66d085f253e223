/**
 * What the engine's replication commands (WAIT, INFO replication, READONLY) and the node's metrics read from
 * the node's replication runtime (apps/cache-node/src/cluster/replication-runtime.ts). The engine knows only
 * this interface; ServerState.replicationHooks is undefined on a node without replication (standalone, or
 * cluster mode with replicas 0).
 *
 * ringcache's model: every cluster member is the primary of the slots it owns and a replica of some slots of
 * the other members (the ring places replicas), so a node has one outgoing stream (its ReplicationLog, read
 * by its replicas) and one incoming link per member it replicates from.
 */

/** A replica reading this node's stream (Redis's INFO replication slaveN line). */
export interface ReplicaStatus {
  /** The replica's node id (40 hex). */
  readonly id: string;
  readonly host: string;
  /** Its RESP port (REPLCONF listening-port). */
  readonly port: number;
  /** 'wait_bgsave' before the stream starts, 'send_bulk' while slot snapshots are being sent, 'online' after. */
  readonly state: 'wait_bgsave' | 'send_bulk' | 'online';
  /** The offset of this node's stream the replica last acknowledged (REPLCONF ACK). */
  readonly ackOffset: number;
  /** When that ack arrived (Date.now() ms; INFO and the metrics compare it with the engine clock, Date.now() in production). */
  readonly lastAckAt: number;
  /** How many slots it replicates from this node. */
  readonly slots: number;
}

/** A link this node replicates through (the replica side: Redis's master_* fields, one per primary). */
export interface PrimaryLinkStatus {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** The connection is up and the handshake done. */
  readonly linkUp: boolean;
  /** Date.now() of the last byte received (compared with the engine clock, as lastAckAt). */
  readonly lastIoAt: number;
  /** Slot snapshots still being received (a full or partial-slot sync). */
  readonly syncInProgress: boolean;
  /** The primary's replication id this link follows, and the offset of its stream applied here. */
  readonly replId: string;
  readonly offset: number;
  /** The primary's own offset as last told (REPLCONF OFFSET markers carry it): lag in bytes = this - offset. */
  readonly primaryOffset: number;
  /** How many slots this node replicates from it. */
  readonly slots: number;
  /** Of those, how many have arrived (their snapshot, or a resume) and follow the stream. */
  readonly syncedSlots: number;
  /** Full and partial resyncs this link has done. */
  readonly fullSyncs: number;
  readonly partialSyncs: number;
}

export interface ReplicationHooks {
  /** replicas per slot (the `replicas` parameter). */
  readonly replicasPerSlot: number;
  /** This node's stream: master_replid, master_replid2, master_repl_offset, second_repl_offset. */
  readonly replId: string;
  readonly replId2: string;
  readonly offset: number;
  readonly secondOffset: number;
  /** repl_backlog_size, repl_backlog_first_byte_offset (as Redis: the first retained offset + 1), repl_backlog_histlen. */
  readonly backlogSize: number;
  readonly backlogFirstByteOffset: number;
  readonly backlogHistlen: number;
  /**
   * INFO stats' sync_full, sync_partial_ok, sync_partial_err: PSYNCs this node answered with a full copy, with a
   * resume (from its backlog, or a promoted copy of a failed primary's stream), or with a full copy although the
   * replica asked to resume.
   */
  readonly syncFull: number;
  readonly syncPartialOk: number;
  readonly syncPartialErr: number;
  /** Bytes of slot snapshots this node has sent (replica syncs and handovers): rebalancing progress. */
  readonly snapshotBytesSent: number;
  /** The slot of the last write propagated into this node's stream (the command table copies it to the client with the offset). */
  readonly lastWriteSlot: number;
  replicas(): readonly ReplicaStatus[];
  primaries(): readonly PrimaryLinkStatus[];
  /**
   * How many replicas of `slot` have acknowledged at least `offset` of this node's stream (WAIT's count). Slot
   * -1 is a client that wrote nothing yet (offset 0): count every replica of this node, as Redis counts all.
   */
  ackedCount(offset: number, slot: number): number;
  /** How many replicas hold `slot`. WAIT does not cap numreplicas with it: as Redis, asking for more blocks until the timeout. */
  replicaCount(slot: number): number;
  /** Ask every replica to acknowledge now (REPLCONF GETACK), as Redis does when a WAIT blocks. */
  requestAcks(): void;
  /**
   * `listener` runs after each acknowledgement received (WAIT re-checks its blocked clients); returns a
   * function that removes it. A listener may remove itself while it runs.
   */
  onAck(listener: () => void): () => void;
  /** Whether this node holds `slot` as a replica (READONLY clients may read it here). */
  replicates(slot: number): boolean;
}

/** How far a link is behind its primary, in bytes of the primary's stream (INFO lag_bytes, the lag metric). */
export function primaryLagBytes(link: PrimaryLinkStatus): number {
  return Math.max(0, link.primaryOffset - link.offset);
}

/**
 * How long a link has been behind, in seconds: the time since the last byte from its primary while it has
 * lag (bytes the primary reported that are not applied here), else 0. An idle primary with nothing to send
 * is not lagging, however long since it last spoke; a primary that stopped sending mid-stream is.
 */
export function primaryLagSeconds(link: PrimaryLinkStatus, now: number): number {
  return primaryLagBytes(link) === 0 ? 0 : Math.max(0, now - link.lastIoAt) / 1000;
}
