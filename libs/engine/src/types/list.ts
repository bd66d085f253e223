import type { AggregateValue } from '../value.js';

/**
 * A Redis list: a growable ring buffer of binary strings, with O(1) push and pop at both ends and O(1)
 * access by index. The capacity is a power of two (so wrapping is a mask), starts at one slot, doubles when
 * full and halves when a quarter full.
 */

/**
 * Heap bytes, measured with test/support/measure-memory.mjs (node 20, `--expose-gc`, heapUsed after gc()):
 * an empty list (the object and its one-slot array) is LIST_BASE; each element costs its length plus
 * ELEMENT_OVERHEAD (string header, slot, and the slack of a buffer between half and fully used). With
 * 15-byte elements: empty 120 B, 1 element 152 B, 16 elements 752 B, 200k elements 27 B/element beyond the
 * payload, 1M elements 25 B/element.
 */
export const LIST_BASE = 120;
export const ELEMENT_OVERHEAD = 26;

const MIN_CAPACITY = 1;

export class ListValue implements AggregateValue {
  private slots: (string | undefined)[] = new Array<string | undefined>(MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  /** Slot of the first element. */
  private head = 0;
  private count = 0;
  private payload = 0;

  get type(): 'list' {
    return 'list';
  }

  get bytes(): number {
    return LIST_BASE + this.payload + this.count * ELEMENT_OVERHEAD;
  }

  get length(): number {
    return this.count;
  }

  /** Redis 7.0 reports "quicklist" for every list. */
  encoding(): string {
    return 'quicklist';
  }

  pushFront(element: string): void {
    if (this.count === this.slots.length) this.resize(this.slots.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.slots[this.head] = element;
    this.count++;
    this.payload += element.length;
  }

  pushBack(element: string): void {
    if (this.count === this.slots.length) this.resize(this.slots.length * 2);
    this.slots[(this.head + this.count) & this.mask] = element;
    this.count++;
    this.payload += element.length;
  }

  popFront(): string | undefined {
    if (this.count === 0) return undefined;
    const element = this.slots[this.head] as string;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.removed(element);
    return element;
  }

  popBack(): string | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.head + this.count - 1) & this.mask;
    const element = this.slots[slot] as string;
    this.slots[slot] = undefined;
    this.removed(element);
    return element;
  }

  /** Element at `index` (0 = first), undefined outside [0, length). */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.slots[(this.head + index) & this.mask];
  }

  /** Replace the element at `index` in [0, length). */
  setAt(index: number, element: string): void {
    const slot = (this.head + index) & this.mask;
    this.payload += element.length - (this.slots[slot] as string).length;
    this.slots[slot] = element;
  }

  /** Insert so that the new element sits at `index` in [0, length]; shifts the shorter side (O(n)). */
  insertAt(index: number, element: string): void {
    if (index === 0) return this.pushFront(element);
    if (index === this.count) return this.pushBack(element);
    if (this.count === this.slots.length) this.resize(this.slots.length * 2);
    const { slots, mask } = this;
    if (index < this.count - index) {
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) slots[(this.head + i) & mask] = slots[(this.head + i + 1) & mask];
    } else {
      for (let i = this.count; i > index; i--) slots[(this.head + i) & mask] = slots[(this.head + i - 1) & mask];
    }
    slots[(this.head + index) & mask] = element;
    this.count++;
    this.payload += element.length;
  }

  /**
   * Remove elements equal to `element`, at most `limit` of them (0 = all), scanning from the tail when
   * `fromTail`. Compacts in one pass; returns how many were removed.
   */
  remove(element: string, limit: number, fromTail: boolean): number {
    const n = this.count;
    const kept: string[] = [];
    let removed = 0;
    for (let k = 0; k < n; k++) {
      const i = fromTail ? n - 1 - k : k;
      const e = this.slots[(this.head + i) & this.mask] as string;
      if (e === element && (limit === 0 || removed < limit)) removed++;
      else kept.push(e);
    }
    if (removed === 0) return 0;
    if (fromTail) kept.reverse();
    this.replaceAll(kept);
    return removed;
  }

  /** Keep only [start, stop] (valid indexes, start <= stop) or nothing when `start > stop`. */
  trim(start: number, stop: number): void {
    if (start > stop) return this.replaceAll([]);
    const tail = this.count - 1 - stop;
    for (let i = 0; i < start; i++) this.popFront();
    for (let i = 0; i < tail; i++) this.popBack();
  }

  /** Index of the first element equal to `element`, or -1. */
  indexOf(element: string): number {
    for (let i = 0; i < this.count; i++) if (this.slots[(this.head + i) & this.mask] === element) return i;
    return -1;
  }

  /** A deep copy (COPY). */
  clone(): ListValue {
    const copy = new ListValue();
    copy.replaceAll(this.toArray());
    return copy;
  }

  toArray(): string[] {
    const out = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.slots[(this.head + i) & this.mask] as string;
    return out;
  }

  private removed(element: string): void {
    this.count--;
    this.payload -= element.length;
    if (this.slots.length > MIN_CAPACITY && this.count * 4 <= this.slots.length) this.resize(this.slots.length / 2);
  }

  private replaceAll(elements: string[]): void {
    let capacity = MIN_CAPACITY;
    while (capacity < elements.length) capacity *= 2;
    this.slots = new Array<string | undefined>(capacity);
    this.mask = capacity - 1;
    this.head = 0;
    this.count = 0;
    this.payload = 0;
    for (const e of elements) this.pushBack(e);
  }

  private resize(capacity: number): void {
    const next = new Array<string | undefined>(capacity);
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) & this.mask];
    this.slots = next;
    this.mask = capacity - 1;
    this.head = 0;
  }
}
