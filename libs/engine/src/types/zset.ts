import type { AggregateValue } from '../value.js';

/**
 * A Redis sorted set: a skip list ordered by (score, member) for ordered walks and O(log n) ranks, plus,
 * past INDEX_MIN_ENTRIES members, a member → node Map for O(1) ZSCORE (a small set finds a member by
 * walking level 0, which keeps it about as compact as Redis's listpack).
 *
 * OBJECT ENCODING follows Redis 7.0: "listpack" while there are at most MAX_LISTPACK_ENTRIES
 * (zset-max-listpack-entries) members each at most MAX_LISTPACK_VALUE (zset-max-listpack-value) bytes;
 * once "skiplist", never back.
 */
export const MAX_LISTPACK_ENTRIES = 128;
export const MAX_LISTPACK_VALUE = 64;
/** Up to this many members a lookup walks the list; above it the member → node Map is kept. */
export const INDEX_MIN_ENTRIES = 8;
/**
 * Heap bytes, measured with test/support/measure-memory.mjs (node 20, `--expose-gc`, heapUsed after gc()):
 * an empty sorted set (the object and its head node) is ZSET_BASE; each member costs its length plus
 * MEMBER_OVERHEAD (string header, node, boxed score, the upper-level links of one node in four), plus
 * INDEX_OVERHEAD more while the index exists (the Map entry at its average load). With 15-byte members and
 * non-integer scores: empty 136 B, 1 member 283 B, 8 members 1236 B, 200k members 148 B/member beyond the
 * payload, 1M members 118 B/member (integer scores are not boxed: 16 B less each).
 */
export const ZSET_BASE = 136;
export const MEMBER_OVERHEAD = 120;
export const INDEX_OVERHEAD = 24;
const MAX_LEVEL = 32;

/**
 * Links of a node above level 0, interleaved with their spans: the forward link on level i (i >= 1) at
 * 2(i - 1), how many rank steps it jumps at 2(i - 1) + 1.
 */
type UpperLinks = (ZNode | number | null)[];

/** A skip list node. Level 0 is the plain `next`/`backward` pair (a level-0 link always spans one rank). */
export class ZNode {
  backward: ZNode | null = null;
  next: ZNode | null = null;
  /** Levels 1 and up; null for the three nodes in four that have only level 0. */
  up: UpperLinks | null;

  constructor(
    readonly member: string,
    readonly score: number,
    level: number,
  ) {
    this.up = level > 1 ? new Array<ZNode | number | null>(2 * (level - 1)) : null;
  }
}

function forward(x: ZNode, level: number): ZNode | null {
  return level === 0 ? x.next : ((x.up as UpperLinks)[2 * level - 2] as ZNode | null);
}

function span(x: ZNode, level: number): number {
  return level === 0 ? 1 : ((x.up as UpperLinks)[2 * level - 1] as number);
}

/** Sets the link and span of an upper level (level >= 1). */
function setUpper(x: ZNode, level: number, to: ZNode | null, steps: number): void {
  const up = x.up as UpperLinks;
  up[2 * level - 2] = to;
  up[2 * level - 1] = steps;
}

/** (score, member) order: score first, then members byte by byte (latin1 strings compare as memcmp). */
export function before(score: number, member: string, node: ZNode): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

/** Scratch for link/unlink: per level, the last node before the change and its rank. */
const update = new Array<ZNode>(MAX_LEVEL);
const rank = new Array<number>(MAX_LEVEL).fill(0);

/*
 * Spans. Each node has a random number of levels (P = 1/4 per extra level, as Redis); level 0 links every
 * node in order, higher levels skip ahead. Next to every forward link we store its span: how many level-0
 * steps the link crosses (1 on level 0; the distance in ranks on higher levels; for a link to null, the
 * distance to one past the last node). Walking down from the top level and summing the spans of the links
 * taken gives the rank of where the walk stops, so rank of a member, the node at rank r, and "how many
 * members come before this bound" are all O(log n), like the search itself.
 *
 * Keeping spans right: on insert, the search records at each level the last node before the new one
 * (`update[i]`) and its rank (`rank[i]`). The new node on level i takes over update[i]'s link: its span is
 * update[i]'s old span minus (rank[0] - rank[i]) (the part now in front of it), and update[i]'s span
 * becomes (rank[0] - rank[i]) + 1. Levels above the new node's height only grow by one. Delete is the
 * inverse: links that pointed at the node absorb its span minus one, others shrink by one. The head's
 * upper levels are allocated as the list grows tall.
 */
export class ZSetValue implements AggregateValue {
  private index: Map<string, ZNode> | null = null;
  private readonly head = new ZNode('', 0, 1);
  private level = 1;
  private count = 0;
  private payload = 0;
  private listpack = true;

  get type(): 'zset' {
    return 'zset';
  }

  get bytes(): number {
    const perMember = this.index === null ? MEMBER_OVERHEAD : MEMBER_OVERHEAD + INDEX_OVERHEAD;
    return ZSET_BASE + this.payload + this.count * perMember;
  }

  get size(): number {
    return this.count;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  /** A deep copy with the same encoding (COPY): members re-linked in rank order. */
  clone(): ZSetValue {
    const copy = new ZSetValue();
    for (let x = this.head.next; x !== null; x = x.next) copy.set(x.member, x.score);
    copy.listpack = this.listpack;
    return copy;
  }

  score(member: string): number | undefined {
    return this.find(member)?.score;
  }

  /** Sets a member's score, adding it if new; true if it was added. */
  set(member: string, score: number): boolean {
    const old = this.find(member);
    if (old !== null) {
      if (old.score !== score || Object.is(old.score, -0) !== Object.is(score, -0)) {
        this.unlink(old);
        const node = this.link(member, score);
        this.index?.set(member, node);
      }
      return false;
    }
    this.count++;
    const node = this.link(member, score);
    if (this.index !== null) this.index.set(member, node);
    else if (this.count > INDEX_MIN_ENTRIES) this.buildIndex();
    this.payload += member.length;
    if (this.listpack && (this.count > MAX_LISTPACK_ENTRIES || member.length > MAX_LISTPACK_VALUE)) this.listpack = false;
    return true;
  }

  /** Removes a member; false if it was not there. */
  delete(member: string): boolean {
    const node = this.find(member);
    if (node === null) return false;
    this.unlink(node);
    this.count--;
    this.index?.delete(member);
    if (this.count <= INDEX_MIN_ENTRIES) this.index = null;
    this.payload -= member.length;
    return true;
  }

  /** 0-based rank of a member in ascending order, or undefined. */
  rank(member: string): number | undefined {
    const node = this.find(member);
    if (node === null) return undefined;
    return this.countBefore((n) => before(node.score, member, n));
  }

  /**
   * How many members come before the first one for which `isBefore` is false. `isBefore` must be true for a
   * prefix of the order and false after (a bound on score or member).
   */
  countBefore(isBefore: (node: ZNode) => boolean): number {
    let x = this.head;
    let steps = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = forward(x, i); next !== null && isBefore(next); next = forward(x, i)) {
        steps += span(x, i);
        x = next;
      }
    }
    return steps;
  }

  /** The node at a 0-based rank (0 <= rank < size). */
  at(rank: number): ZNode {
    let x = this.head;
    let traversed = 0;
    const target = rank + 1;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = forward(x, i); next !== null && traversed + span(x, i) <= target; next = forward(x, i)) {
        traversed += span(x, i);
        x = next;
      }
      if (traversed === target) return x;
    }
    throw new RangeError(`rank ${rank} out of range`);
  }

  /** Nodes from rank `start` to `end` inclusive, ascending or (reverse) descending from `start`. */
  *range(start: number, end: number, reverse = false): IterableIterator<ZNode> {
    if (start > end) return;
    if (!reverse) {
      let x: ZNode | null = this.at(start);
      for (let r = start; r <= end && x !== null; r++, x = x.next) yield x;
    } else {
      let x: ZNode | null = this.at(this.size - 1 - start);
      for (let r = start; r <= end && x !== null; r++, x = x.backward) yield x;
    }
  }

  /** The node of a member, or null. */
  private find(member: string): ZNode | null {
    if (this.index !== null) return this.index.get(member) ?? null;
    let x = this.head.next;
    while (x !== null && x.member !== member) x = x.next;
    return x;
  }

  private buildIndex(): void {
    const index = new Map<string, ZNode>();
    for (let x = this.head.next; x !== null; x = x.next) index.set(x.member, x);
    this.index = index;
  }

  /** Gives the head at least `level` levels (links set by the caller), reallocated exactly when it grows. */
  private growHead(level: number): void {
    const old = this.head.up ?? [];
    if (old.length >= 2 * (level - 1)) return;
    const up: UpperLinks = new Array<ZNode | number | null>(2 * (level - 1));
    for (let i = 0; i < old.length; i++) up[i] = old[i];
    this.head.up = up;
  }

  /** Inserts a new node; `count` already includes it. */
  private link(member: string, score: number): ZNode {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      for (let next = forward(x, i); next !== null && before(score, member, next); next = forward(x, i)) {
        rank[i] += span(x, i);
        x = next;
      }
      update[i] = x;
    }
    let level = 1;
    while (level < MAX_LEVEL && Math.random() < 0.25) level++;
    if (level > this.level) {
      this.growHead(level);
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        setUpper(this.head, i, null, this.count - 1);
      }
      this.level = level;
    }
    const node = new ZNode(member, score, level);
    node.next = update[0].next;
    update[0].next = node;
    for (let i = 1; i < level; i++) {
      setUpper(node, i, forward(update[i], i), span(update[i], i) - (rank[0] - rank[i]));
      setUpper(update[i], i, node, rank[0] - rank[i] + 1);
    }
    for (let i = level; i < this.level; i++) setUpper(update[i], i, forward(update[i], i), span(update[i], i) + 1);
    node.backward = update[0] === this.head ? null : update[0];
    if (node.next !== null) node.next.backward = node;
    return node;
  }

  private unlink(node: ZNode): void {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = forward(x, i); next !== null && before(node.score, node.member, next); next = forward(x, i)) x = next;
      update[i] = x;
    }
    update[0].next = node.next;
    for (let i = 1; i < this.level; i++) {
      const u = update[i];
      if (forward(u, i) === node) setUpper(u, i, forward(node, i), span(u, i) + span(node, i) - 1);
      else setUpper(u, i, forward(u, i), span(u, i) - 1);
    }
    if (node.next !== null) node.next.backward = node.backward;
    while (this.level > 1 && forward(this.head, this.level - 1) === null) this.level--;
  }
}
