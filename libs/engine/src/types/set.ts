import type { AggregateValue } from '../value.js';
import { parseInt64 } from '../commands/args.js';
import { exactAppend } from './exact-append.js';

/**
 * A Redis set: distinct binary strings in a dense array plus, past INDEX_MIN_ENTRIES members, a member →
 * index Map (a small set is scanned, as compact as Redis's intset or listpack), so membership, add, remove
 * (swap with the last) and a uniform random member are all O(1).
 *
 * OBJECT ENCODING follows Redis 7.0: "intset" while every member is an int64 (string2ll syntax) and there
 * are at most MAX_INTSET_ENTRIES (set-max-intset-entries) members; once "hashtable", never back. An intset
 * iterates in ascending numeric order, as Redis's does (the array is sorted lazily, before iterating).
 */
export const MAX_INTSET_ENTRIES = 512;
/** Up to this many members a lookup scans the array; above it the index Map is kept. */
export const INDEX_MIN_ENTRIES = 8;
/**
 * Heap bytes, measured with test/support/measure-memory.mjs (node 20, `--expose-gc`, heapUsed after gc()):
 * an empty set is SET_BASE; each member costs its length plus MEMBER_OVERHEAD (string header, array slot
 * and growth slack), plus INDEX_OVERHEAD more while the index exists (the Map entry at its average load).
 * With 15-byte members: empty 96 B, 1 member 152 B, 8 members 433 B, 200k members 64 B/member beyond the
 * payload, 1M members 57 B/member.
 */
export const SET_BASE = 96;
export const MEMBER_OVERHEAD = 32;
export const INDEX_OVERHEAD = 28;

export class SetValue implements AggregateValue {
  /** Members in no particular order; dense. */
  private members: string[] = [];
  /** member → its index in `members`, while there are more than INDEX_MIN_ENTRIES. */
  private index: Map<string, number> | null = null;
  private payload = 0;
  /** True while Redis would keep this set as an intset. */
  private intset = true;
  /** True when `members` is known to be in ascending numeric order (meaningful for intsets only). */
  private ordered = true;

  get type(): 'set' {
    return 'set';
  }

  get bytes(): number {
    const perMember = this.index === null ? MEMBER_OVERHEAD : MEMBER_OVERHEAD + INDEX_OVERHEAD;
    return SET_BASE + this.payload + this.members.length * perMember;
  }

  get size(): number {
    return this.members.length;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  /** A deep copy with the same encoding and order (COPY). */
  clone(): SetValue {
    const copy = new SetValue();
    for (let i = 0; i < this.members.length; i++) copy.members.push(this.members[i]);
    if (this.index !== null) copy.index = new Map(this.index);
    copy.payload = this.payload;
    copy.intset = this.intset;
    copy.ordered = this.ordered;
    return copy;
  }

  /**
   * The encoding Redis gives a set rebuilt from these members (SPOP with a count near the size builds a new
   * set from what remains): intset again if every member is an integer and there are few enough.
   */
  rebuilt(): void {
    if (this.intset || this.members.length > MAX_INTSET_ENTRIES) return;
    for (const m of this.members) if (parseInt64(m) === undefined) return;
    this.intset = true;
    this.ordered = false;
  }

  has(member: string): boolean {
    return this.indexOf(member) >= 0;
  }

  /** Adds a member; false if it was already there. */
  add(member: string): boolean {
    if (this.indexOf(member) >= 0) return false;
    this.members = exactAppend(this.members, member);
    if (this.index !== null) this.index.set(member, this.members.length - 1);
    else if (this.members.length > INDEX_MIN_ENTRIES) this.buildIndex();
    this.payload += member.length;
    this.ordered = false;
    if (this.intset && (this.members.length > MAX_INTSET_ENTRIES || parseInt64(member) === undefined)) {
      this.intset = false;
    }
    return true;
  }

  /** Removes a member; false if it was not there. */
  remove(member: string): boolean {
    const i = this.indexOf(member);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  /** A uniformly random member, or undefined if empty. */
  random(): string | undefined {
    return this.members[Math.floor(Math.random() * this.members.length)];
  }

  /** Removes and returns a uniformly random member, or undefined if empty. */
  pop(): string | undefined {
    if (this.members.length === 0) return undefined;
    const i = Math.floor(Math.random() * this.members.length);
    const member = this.members[i];
    this.removeAt(i);
    return member;
  }

  /** The member at a position in [0, size): positions are stable only while the set is not changed. */
  at(position: number): string {
    return this.members[position];
  }

  /** Members in no defined order, but ascending numeric order for an intset (Redis's SMEMBERS order). */
  values(): IterableIterator<string> {
    if (this.intset && !this.ordered) this.sortIntegers();
    return this.members.values();
  }

  private sortIntegers(): void {
    this.members.sort(compareIntegers);
    if (this.index !== null) this.buildIndex();
    this.ordered = true;
  }

  /** Position of a member in `members`, or -1. */
  private indexOf(member: string): number {
    return this.index !== null ? (this.index.get(member) ?? -1) : this.members.indexOf(member);
  }

  private buildIndex(): void {
    const index = new Map<string, number>();
    for (let i = 0; i < this.members.length; i++) index.set(this.members[i], i);
    this.index = index;
  }

  private removeAt(i: number): void {
    const member = this.members[i];
    const last = this.members.pop() as string;
    if (i < this.members.length) {
      this.members[i] = last;
      this.index?.set(last, i);
    }
    this.index?.delete(member);
    if (this.members.length <= INDEX_MIN_ENTRIES) this.index = null;
    this.payload -= member.length;
    this.ordered = false;
  }
}

/** Numeric order of two canonical int64 texts (string2ll syntax: no '+', no leading zeros), without parsing. */
function compareIntegers(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45;
  const negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  const magnitude = a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
  return negA ? -magnitude : magnitude;
}
