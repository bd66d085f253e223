/**
 * A primary's replication stream and its backlog, as Redis's: the effective writes as RESP command arrays, one
 * byte stream whose length is the replication offset, under a replication id; the most recent
 * `backlogBytes` of it (or more, whole commands) stay in memory so a replica that lost its link resumes from
 * its offset (partial resync) instead of taking a full copy.
 *
 * ringcache's difference: each command is tagged with the hash slot it writes, because a node is the primary
 * of many slots whose replicas sit on different nodes (the ring places them): a replica reads the stream
 * filtered to its slots. Offsets stay those of the whole stream, so "applied up to offset N" means the same
 * thing to every replica, and a filtered-out command just moves the offset on.
 */
import { randomBytes } from 'node:crypto';

/** Slot tag of a command that is not about one slot (FLUSHALL, SELECT, MULTI/EXEC around slot commands). */
export const ANY_SLOT = -1;

export interface LogEntry {
  /** Offset of the entry's first byte in the stream. */
  readonly offset: number;
  readonly slot: number;
  /** The command as RESP bytes, exactly what the stream carries. */
  readonly bytes: Buffer;
}

/** Where a replica can resume: the id it follows and the offset it has applied. */
export interface ResumePoint {
  readonly replId: string;
  readonly offset: number;
}

/** RESP array of bulk strings: the wire form of a command (args are latin1 binary strings). */
export function encodeCommand(args: readonly string[]): Buffer {
  const out = Buffer.allocUnsafe(encodedLength(args));
  let at = out.write(`*${args.length}\r\n`, 0, 'latin1');
  for (const arg of args) {
    at += out.write(`$${arg.length}\r\n`, at, 'latin1');
    at += out.write(arg, at, 'latin1');
    at += out.write('\r\n', at, 'latin1');
  }
  return out;
}

/** Bytes of encodeCommand(args), without encoding (a replica counts the stream it applied by it). */
export function encodedLength(args: readonly string[]): number {
  let size = 1 + String(args.length).length + 2;
  for (const arg of args) size += 1 + String(arg.length).length + 2 + arg.length + 2;
  return size;
}

/** A fresh 40-hex replication id, as Redis's. */
export function newReplicationId(): string {
  return randomBytes(20).toString('hex');
}

export class ReplicationLog {
  /** The current replication id. */
  private id: string;
  /** The id this stream continued from (after a promotion), valid up to `secondOffset`; PSYNC2's replid2. */
  private previousId = '0'.repeat(40);
  private secondOffset = -1;
  /** Bytes written to the stream since it began: master_repl_offset. */
  private end = 0;
  /** Retained entries, oldest first, from `head`; bytes retained = end - entries[head].offset. */
  private entries: LogEntry[] = [];
  private head = 0;

  constructor(
    private backlogBytes: number,
    replId: string = newReplicationId(),
    startOffset = 0,
  ) {
    if (!Number.isSafeInteger(backlogBytes) || backlogBytes < 1) throw new RangeError('backlogBytes must be a positive integer');
    this.id = replId;
    this.end = startOffset;
  }

  get replId(): string {
    return this.id;
  }

  /** master_repl_offset. */
  get offset(): number {
    return this.end;
  }

  /** Offset of the oldest byte still in the backlog (repl_backlog_first_byte_offset - 1, as an offset), or `offset` when empty. */
  get firstOffset(): number {
    return this.head < this.entries.length ? this.entries[this.head]!.offset : this.end;
  }

  /** Bytes of history held (repl_backlog_histlen). */
  get historyBytes(): number {
    return this.end - this.firstOffset;
  }

  get replId2(): string {
    return this.previousId;
  }

  /** Last offset of `replId2` a replica may resume from (second_repl_offset), -1 when none. */
  get secondReplOffset(): number {
    return this.secondOffset;
  }

  /** Appends one command; returns the stream offset after it. */
  append(slot: number, args: readonly string[]): number {
    return this.appendEncoded(slot, encodeCommand(args));
  }

  /** Appends one command already in RESP form (encodeCommand's); returns the stream offset after it. */
  appendEncoded(slot: number, bytes: Buffer): number {
    this.entries.push({ offset: this.end, slot, bytes });
    this.end += bytes.length;
    this.trim();
    return this.end;
  }

  /** CONFIG SET repl-backlog-size: a smaller backlog drops history now. */
  resize(backlogBytes: number): void {
    if (!Number.isSafeInteger(backlogBytes) || backlogBytes < 1) throw new RangeError('backlogBytes must be a positive integer');
    this.backlogBytes = backlogBytes;
    this.trim();
  }

  /**
   * Whether a replica at `from` can resume by partial resync: it follows our id (or the id we continued from,
   * up to the point we took over) and its offset is a command boundary still in the backlog.
   */
  canResume(from: ResumePoint): boolean {
    const known = from.replId === this.id || (from.replId === this.previousId && from.offset <= this.secondOffset);
    return known && this.indexAt(from.offset) !== undefined;
  }

  /**
   * The entries after `offset` whose slot passes `wanted` (ANY_SLOT entries always do), or undefined when
   * the backlog no longer holds `offset` or it is not a command boundary (a full resync is needed).
   */
  since(offset: number, wanted: (slot: number) => boolean = () => true): LogEntry[] | undefined {
    const start = this.indexAt(offset);
    if (start === undefined) return undefined;
    const out: LogEntry[] = [];
    for (let i = start; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      if (entry.slot === ANY_SLOT || wanted(entry.slot)) out.push(entry);
    }
    return out;
  }

  /**
   * A replica promoted to primary continues the stream under a new id, remembering the old one up to here
   * so the other replicas of its old primary resume from it without a full copy (PSYNC2).
   */
  shiftReplicationId(): void {
    this.previousId = this.id;
    this.secondOffset = this.end;
    this.id = newReplicationId();
  }

  /** Index of the entry starting at `offset`, entries.length for the end of the stream, undefined otherwise. */
  private indexAt(offset: number): number | undefined {
    if (offset === this.end) return this.entries.length;
    if (offset < this.firstOffset || offset > this.end) return undefined;
    let low = this.head;
    let high = this.entries.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = this.entries[mid]!.offset;
      if (at === offset) return mid;
      if (at < offset) low = mid + 1;
      else high = mid - 1;
    }
    return undefined;
  }

  /** Drops whole oldest entries while the rest still holds at least backlogBytes; compacts the array now and then. */
  private trim(): void {
    while (this.head < this.entries.length - 1 && this.end - this.entries[this.head + 1]!.offset >= this.backlogBytes) this.head++;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
