import type { AggregateValue } from '../value.js';

/**
 * A Redis sorted set: a member → score map for O(1) ZSCORE, plus a skip list ordered by (score, member)
 * for ordered walks and O(log n) ranks. `bytes` counts member lengths plus MEMBER_OVERHEAD per member
 * (map entry, skip list node, the score).
 *
 * OBJECT ENCODING follows Redis 7.0: "listpack" while there are at most MAX_LISTPACK_ENTRIES
 * (zset-max-listpack-entries) members each at most MAX_LISTPACK_VALUE (zset-max-listpack-value) bytes;
 * once "skiplist", never back.
 */
export const MEMBER_OVERHEAD = 48;
export const MAX_LISTPACK_ENTRIES = 128;
export const MAX_LISTPACK_VALUE = 64;
const MAX_LEVEL = 32;

/** A skip list node; `forward[i]`/`span[i]` are its link on level i and how many rank steps that link jumps. */
export interface ZNode {
  readonly member: string;
  readonly score: number;
  backward: ZNode | null;
  readonly forward: (ZNode | null)[];
  readonly span: number[];
}

function newNode(level: number, member: string, score: number): ZNode {
  return { member, score, backward: null, forward: new Array<ZNode | null>(level).fill(null), span: new Array<number>(level).fill(0) };
}

/** (score, member) order: score first, then members byte by byte (latin1 strings compare as memcmp). */
export function before(score: number, member: string, node: ZNode): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

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
 * inverse: links that pointed at the node absorb its span minus one, others shrink by one.
 */
export class ZSetValue implements AggregateValue {
  readonly type = 'zset' as const;
  private readonly scores = new Map<string, number>();
  private readonly head: ZNode = newNode(MAX_LEVEL, '', 0);
  private tail: ZNode | null = null;
  private level = 1;
  private payload = 0;
  private listpack = true;

  get bytes(): number {
    return this.payload + this.scores.size * MEMBER_OVERHEAD;
  }

  get size(): number {
    return this.scores.size;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  /** A deep copy with the same encoding (COPY): members re-linked in rank order. */
  clone(): ZSetValue {
    const copy = new ZSetValue();
    for (const node of this.range(0, this.scores.size - 1)) copy.set(node.member, node.score);
    copy.listpack = this.listpack;
    return copy;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  /** Sets a member's score, adding it if new; true if it was added. */
  set(member: string, score: number): boolean {
    const old = this.scores.get(member);
    if (old !== undefined) {
      if (old !== score || Object.is(old, -0) !== Object.is(score, -0)) {
        this.unlink(member, old);
        this.link(member, score);
        this.scores.set(member, score);
      }
      return false;
    }
    this.scores.set(member, score);
    this.link(member, score);
    this.payload += member.length;
    if (this.listpack && (this.scores.size > MAX_LISTPACK_ENTRIES || member.length > MAX_LISTPACK_VALUE)) this.listpack = false;
    return true;
  }

  /** Removes a member; false if it was not there. */
  delete(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.unlink(member, score);
    this.scores.delete(member);
    this.payload -= member.length;
    return true;
  }

  /** 0-based rank of a member in ascending order, or undefined. */
  rank(member: string): number | undefined {
    const score = this.scores.get(member);
    if (score === undefined) return undefined;
    return this.countBefore((n) => before(score, member, n));
  }

  /**
   * How many members come before the first one for which `isBefore` is false. `isBefore` must be true for a
   * prefix of the order and false after (a bound on score or member).
   */
  countBefore(isBefore: (node: ZNode) => boolean): number {
    let x = this.head;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.forward[i]; next !== null && isBefore(next); next = x.forward[i]) {
        rank += x.span[i];
        x = next;
      }
    }
    return rank;
  }

  /** The node at a 0-based rank (0 <= rank < size). */
  at(rank: number): ZNode {
    let x = this.head;
    let traversed = 0;
    const target = rank + 1;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] !== null && traversed + x.span[i] <= target) {
        traversed += x.span[i];
        x = x.forward[i] as ZNode;
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
      for (let r = start; r <= end && x !== null; r++, x = x.forward[0]) yield x;
    } else {
      let x: ZNode | null = this.at(this.size - 1 - start);
      for (let r = start; r <= end && x !== null; r++, x = x.backward) yield x;
    }
  }

  private link(member: string, score: number): void {
    const update = new Array<ZNode>(MAX_LEVEL);
    const rank = new Array<number>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      for (let next = x.forward[i]; next !== null && before(score, member, next); next = x.forward[i]) {
        rank[i] += x.span[i];
        x = next;
      }
      update[i] = x;
    }
    let level = 1;
    while (level < MAX_LEVEL && Math.random() < 0.25) level++;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.scores.size - 1; // size already counts the new member
      }
      this.level = level;
    }
    const node = newNode(level, member, score);
    for (let i = 0; i < level; i++) {
      node.forward[i] = update[i].forward[i];
      update[i].forward[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === this.head ? null : update[0];
    if (node.forward[0] !== null) node.forward[0].backward = node;
    else this.tail = node;
  }

  private unlink(member: string, score: number): void {
    const update = new Array<ZNode>(MAX_LEVEL);
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let next = x.forward[i]; next !== null && before(score, member, next); next = x.forward[i]) x = next;
      update[i] = x;
    }
    const node = x.forward[0] as ZNode;
    for (let i = 0; i < this.level; i++) {
      if (update[i].forward[i] === node) {
        update[i].span[i] += node.span[i] - 1;
        update[i].forward[i] = node.forward[i];
      } else {
        update[i].span[i]--;
      }
    }
    if (node.forward[0] !== null) node.forward[0].backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.head.forward[this.level - 1] === null) this.level--;
  }
}
