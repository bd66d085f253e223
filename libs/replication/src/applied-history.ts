/**
 * A replica's memory of the stream it applied from one primary, so that the stream can outlive the primary
 * (PSYNC2): when the primary fails, the replica promoted for some of its slots resends "the old primary's
 * stream from offset Y, for these slots" to the other replicas of those slots, which then need no new copy.
 *
 * A replica sees only its slots' entries, and learns stream offsets only from the OFFSET markers between
 * them, so the history is a sequence of applied entries (a command, or a transaction's commands, with its
 * byte count) cut by markers. Consecutive markers with no entry between them merge into one range: a replica
 * whose last marker falls anywhere in that range holds the same entries as we do up to it. The entries keep
 * the args arrays the link applied (no copy, no encoding); a slot is computed only when the history is read.
 *
 * Per slot, the history is valid only from the first marker after the slot's snapshot arrived (before that
 * the replica held nothing of the slot, or a copy the snapshot replaced).
 */
import { SLOT_COUNT, type SlotMask } from './slot-set.js';

/** A marker range: after `seq` entries (counted since the history began), the primary said `first`..`last`. */
interface MarkRange {
  seq: number;
  first: number;
  last: number;
}

/** An applied entry: one command's args, or the commands of one transaction. */
type Applied = string[] | string[][];

function isTransaction(entry: Applied): entry is string[][] {
  return Array.isArray(entry[0]);
}

export class AppliedHistory {
  /** Entries, oldest first from `head`; `sizes[i]` is entry i's bytes in the primary's stream. */
  private entries: Applied[] = [];
  private sizes: number[] = [];
  private head = 0;
  /** Sequence number of entries[0] (entries dropped by compaction came before it). */
  private base = 0;
  /** Bytes of the entries from `head`. */
  private bytes = 0;
  /** Ascending, disjoint, from `markHead`; none before the oldest retained entry. */
  private marks: MarkRange[] = [];
  private markHead = 0;
  /** Per slot, the first marker offset the history is valid from (Infinity: not yet). */
  private readonly validFrom = new Float64Array(SLOT_COUNT).fill(Infinity);
  /** Slots whose snapshot (or catch-up) arrived since the last marker. */
  private readonly resynced: number[] = [];

  /** @param limitBytes the most entry bytes kept (repl-backlog-size), read at each append. */
  constructor(private readonly limitBytes: () => number) {}

  /** One command applied from the stream (`bytes`: its encodedLength). */
  record(args: string[], bytes: number): void {
    this.push(args, bytes);
  }

  /** A transaction applied at its EXEC: its commands, `bytes` counting MULTI and EXEC too. */
  recordTransaction(commands: string[][], bytes: number): void {
    if (commands.length > 0) this.push(commands, bytes);
  }

  /** A slot's snapshot arrived: its history starts at the next marker. */
  slotSynced(slot: number): void {
    this.validFrom[slot] = Infinity;
    this.resynced.push(slot);
  }

  /** An OFFSET marker (offsets only grow). */
  mark(offset: number): void {
    for (const slot of this.resynced) this.validFrom[slot] = offset;
    this.resynced.length = 0;
    const seq = this.base + this.entries.length;
    const last = this.marks[this.marks.length - 1];
    if (last !== undefined && last.seq === seq) last.last = offset;
    else this.marks.push({ seq, first: offset, last: offset });
  }

  /** A full resync: what came before is another stream. */
  clear(): void {
    this.entries = [];
    this.sizes = [];
    this.head = 0;
    this.base = 0;
    this.bytes = 0;
    this.marks = [];
    this.markHead = 0;
    this.validFrom.fill(Infinity);
    this.resynced.length = 0;
  }

  /** Whether the history holds every entry of `slot` after offset `from`. */
  covers(slot: number, from: number): boolean {
    return this.validFrom[slot]! <= from;
  }

  /**
   * The entries after offset `from` whose slot is in `mask`, less the first `applied` bytes of them (a replica
   * at `from` applied those already), as commands in stream order (a transaction's commands without MULTI and
   * EXEC); undefined when the history cannot tell: `from` falls outside every marker range, `applied` is not
   * an entry boundary, or an entry after `from` has no slot (FLUSHALL: it touched slots we cannot name).
   */
  after(from: number, mask: Readonly<SlotMask>, applied: number, slotOf: (args: readonly string[]) => number): string[][] | undefined {
    const start = this.startOf(from);
    if (start === undefined) return undefined;
    const out: string[][] = [];
    let skip = applied;
    for (let i = start; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      const slot = slotOf(isTransaction(entry) ? entry[0]! : entry);
      if (slot < 0) return undefined;
      if (mask[slot] === 0) continue;
      if (skip > 0) {
        skip -= this.sizes[i]!;
        if (skip < 0) return undefined;
        continue;
      }
      if (isTransaction(entry)) for (const command of entry) out.push(command);
      else out.push(entry);
    }
    return skip === 0 ? out : undefined;
  }

  /**
   * Bytes of the entries after the last marker whose slot is in `mask` (what a replica at that marker already
   * applied of those slots); undefined when an entry there has no slot or the marker has been trimmed.
   */
  appliedSinceMark(mask: Readonly<SlotMask>, slotOf: (args: readonly string[]) => number): number | undefined {
    if (this.markHead === this.marks.length) return undefined;
    const last = this.marks[this.marks.length - 1]!;
    let sum = 0;
    for (let i = last.seq - this.base; i < this.entries.length; i++) {
      const entry = this.entries[i]!;
      const slot = slotOf(isTransaction(entry) ? entry[0]! : entry);
      if (slot < 0) return undefined;
      if (mask[slot] !== 0) sum += this.sizes[i]!;
    }
    return sum;
  }

  /** Index of the first entry after the marker range holding `offset`, undefined when none holds it. */
  private startOf(offset: number): number | undefined {
    let low = this.markHead;
    let high = this.marks.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const range = this.marks[mid]!;
      if (offset < range.first) high = mid - 1;
      else if (offset > range.last) low = mid + 1;
      else return range.seq - this.base;
    }
    return undefined;
  }

  private push(entry: Applied, bytes: number): void {
    this.entries.push(entry);
    this.sizes.push(bytes);
    this.bytes += bytes;
    this.trim();
  }

  /** Drops the oldest entries while the rest still hold the limit, and the markers before them. */
  private trim(): void {
    const limit = this.limitBytes();
    while (this.head < this.entries.length - 1 && this.bytes - this.sizes[this.head]! >= limit) {
      this.bytes -= this.sizes[this.head]!;
      this.head++;
    }
    const headSeq = this.base + this.head;
    while (this.markHead < this.marks.length && this.marks[this.markHead]!.seq < headSeq) this.markHead++;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.sizes = this.sizes.slice(this.head);
      this.base += this.head;
      this.head = 0;
    }
    if (this.markHead > 1024 && this.markHead * 2 > this.marks.length) {
      this.marks = this.marks.slice(this.markHead);
      this.markHead = 0;
    }
  }
}

/** What a replica held of a primary's stream when its link closed: where it was, and what it applied. */
export interface StreamCopy {
  readonly replId: string;
  /** The offset of the last marker applied. */
  readonly offset: number;
  /** The slots whose copy followed the stream at `offset`. */
  readonly slots: Readonly<SlotMask>;
  readonly history: AppliedHistory;
}
