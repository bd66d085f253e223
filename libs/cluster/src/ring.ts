/** Consistent-hash ring of cluster members with bounded loads: which member owns each of the 16384 slots. */
import { murmur3Bytes } from './murmur3.js';
import { SLOT_COUNT } from './slots.js';

export interface RingOptions {
  /** Points each member places on the ring, at murmur3(`${id}#${i}`). Default 160, at least 150. */
  virtualPoints?: number;
  /** Load bound: no member owns more than max(ceil(mean), floor((1 + epsilon) × mean)) slots. Default 0.05. */
  epsilon?: number;
  /** false turns the load bound off (plain ring), for comparison in benchmarks. Default true. */
  bounded?: boolean;
}

export const DEFAULT_VIRTUAL_POINTS = 160;
export const MIN_VIRTUAL_POINTS = 150;
export const DEFAULT_EPSILON = 0.05;
const MAX_MEMBERS = 0xffff;

/**
 * The ring point of a slot. Slots sit at evenly spaced points in slot order (16384 of them, 2^18 apart,
 * offset by half a gap). Even spacing removes the sampling noise of hashed slot points: a member's slot count
 * follows its arc length closely. Slot order keeps each arc one run of consecutive slots, so CLUSTER SLOTS
 * lists about one range per virtual point rather than one per slot.
 */
export function slotPoint(slot: number): number {
  return slot * 262144 + 131072;
}

const SLOT_POINTS = Uint32Array.from({ length: SLOT_COUNT }, (_, slot) => slotPoint(slot));

/** The most slots one of `memberCount` members may own under the bound. */
export function slotCapacity(memberCount: number, epsilon = DEFAULT_EPSILON): number {
  const mean = SLOT_COUNT / memberCount;
  return Math.max(Math.ceil(mean), Math.floor((1 + epsilon) * mean));
}

export class HashRing {
  /** Distinct member ids, sorted: every index below refers to this list. */
  readonly members: readonly string[];
  /** Slot → index in `members` of its owner. */
  readonly owners: Uint16Array;
  /** Slots owned per member. */
  readonly loads: Int32Array;
  /** Virtual points, sorted ascending (ties by member index). */
  private readonly points: Uint32Array;
  /** Member index of each entry of `points`. */
  private readonly pointMembers: Uint16Array;

  constructor(memberIds: readonly string[], options: RingOptions = {}) {
    const virtualPoints = options.virtualPoints ?? DEFAULT_VIRTUAL_POINTS;
    const epsilon = options.epsilon ?? DEFAULT_EPSILON;
    if (!Number.isInteger(virtualPoints) || virtualPoints < MIN_VIRTUAL_POINTS) {
      throw new RangeError(`virtualPoints must be an integer >= ${MIN_VIRTUAL_POINTS}`);
    }
    if (!(epsilon >= 0)) throw new RangeError('epsilon must be >= 0');
    const members = [...memberIds].sort();
    if (members.length === 0 || members.length > MAX_MEMBERS) throw new RangeError(`a ring needs 1..${MAX_MEMBERS} members`);
    for (let m = 1; m < members.length; m++) {
      if (members[m] === members[m - 1]) throw new RangeError(`duplicate member ${members[m]}`);
    }
    this.members = members;
    [this.points, this.pointMembers] = placePoints(members, virtualPoints);
    const capacity = options.bounded === false ? SLOT_COUNT : slotCapacity(members.length, epsilon);
    this.loads = new Int32Array(members.length);
    this.owners = this.assign(capacity);
  }

  /**
   * The ring of `memberIds`, shared: the last RING_CACHE_SIZE rings built through here are kept by member set
   * and options. Replica and heir placement (replicas.ts) need a ring per set of members that could fail, and
   * consecutive topologies share most of those sets, so a topology change builds only the few new ones (a
   * ring of 5 members takes ~10-20 ms to build). Rings are immutable: callers must not write to them.
   */
  static of(memberIds: readonly string[], options: RingOptions = {}): HashRing {
    const key = `${options.virtualPoints ?? DEFAULT_VIRTUAL_POINTS}/${options.epsilon ?? DEFAULT_EPSILON}/${options.bounded !== false}/${[...memberIds].sort().join(',')}`;
    let ring = ringCache.get(key);
    if (ring !== undefined) {
      ringCache.delete(key); // most recently used last
    } else {
      ring = new HashRing(memberIds, options);
      if (ringCache.size >= RING_CACHE_SIZE) ringCache.delete(ringCache.keys().next().value!);
    }
    ringCache.set(key, ring);
    return ring;
  }

  ownerOf(slot: number): number {
    return this.owners[slot]!;
  }

  /**
   * Member indexes of the next `count` distinct members clockwise from the slot's point, skipping its
   * owner (fewer if the ring has fewer members): where its replicas live.
   */
  replicasOf(slot: number, count: number): number[] {
    const owner = this.owners[slot]!;
    const replicas: number[] = [];
    const want = Math.min(count, this.members.length - 1);
    let point = this.firstPointAtOrAfter(SLOT_POINTS[slot]!);
    for (let walked = 0; replicas.length < want && walked < this.points.length; walked++) {
      const member = this.pointMembers[point]!;
      if (member !== owner && !replicas.includes(member)) replicas.push(member);
      if (++point === this.points.length) point = 0;
    }
    return replicas;
  }

  /*
   * Bounded loads (Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads", 2018). Each
   * slot goes to the member of the first point clockwise from the slot's point, unless that member already
   * holds `capacity` slots; then it walks on clockwise to the first member with room. The cap bounds the
   * largest share. The order in which slots claim room decides which slots overflow, and it must depend
   * on the member set alone, so every node derives the same table: slots go nearest-first, by their
   * distance to their first point (ties by slot number).
   *
   * Why nearest-first: the cost of the cap is movement. A member at its cap that loses slots to a newcomer
   * takes back slots that had overflowed from it, and the room those leave is refilled in turn. A newcomer's
   * point splits an arc and takes the part of it farthest from the old point, which is where nearest-first
   * put the overflow, so it tends to take slots that had already left. This helps a little (fewer moves
   * than slot order, ring order or a hashed order at 10 and 100 members); the extra movement still grows
   * with the share of members at the cap, which is large when each member owns few slots (see
   * docs/benchmarks.md, "Cluster: slot distribution on the ring").
   */
  private assign(capacity: number): Uint16Array {
    const points = this.points;
    const firstPoints = new Int32Array(SLOT_COUNT);
    const claimOrder = new Float64Array(SLOT_COUNT);
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      const point = this.firstPointAtOrAfter(SLOT_POINTS[slot]!);
      firstPoints[slot] = point;
      claimOrder[slot] = ((points[point]! - SLOT_POINTS[slot]!) >>> 0) * SLOT_COUNT + slot;
    }
    claimOrder.sort();
    const owners = new Uint16Array(SLOT_COUNT);
    for (let k = 0; k < SLOT_COUNT; k++) {
      const slot = claimOrder[k]! % SLOT_COUNT;
      let point = firstPoints[slot]!;
      while (this.loads[this.pointMembers[point]!]! >= capacity) if (++point === points.length) point = 0;
      const member = this.pointMembers[point]!;
      owners[slot] = member;
      this.loads[member]!++;
    }
    return owners;
  }

  /** Index of the first point at or after `position`, wrapping to 0 past the last. */
  private firstPointAtOrAfter(position: number): number {
    const points = this.points;
    let low = 0;
    let high = points.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (points[mid]! < position) low = mid + 1;
      else high = mid;
    }
    return low === points.length ? 0 : low;
  }
}

/**
 * Each member's virtual points, murmur3(`${id}#${i}`), sorted by position then member index (packed into
 * one float to sort). The key is written into one byte buffer: the id once per member, then `#i` per point.
 */
function placePoints(members: readonly string[], virtualPoints: number): [Uint32Array, Uint16Array] {
  const packed = new Float64Array(members.length * virtualPoints);
  let key = new Uint8Array(64);
  for (let m = 0; m < members.length; m++) {
    const id = members[m]!;
    if (key.length < id.length + 12) key = new Uint8Array(id.length + 12);
    for (let c = 0; c < id.length; c++) key[c] = id.charCodeAt(c);
    key[id.length] = 0x23; // '#'
    for (let i = 0; i < virtualPoints; i++) {
      const length = writeDecimal(key, id.length + 1, i);
      packed[m * virtualPoints + i] = murmur3Bytes(key, length) * 65536 + m;
    }
  }
  packed.sort();
  const points = new Uint32Array(packed.length);
  const pointMembers = new Uint16Array(packed.length);
  for (let p = 0; p < packed.length; p++) {
    const value = packed[p]!;
    pointMembers[p] = value % 65536;
    points[p] = (value - pointMembers[p]!) / 65536;
  }
  return [points, pointMembers];
}

/** Writes the ASCII digits of an integer in [0, 2^31) at `offset`; returns the end offset. */
function writeDecimal(bytes: Uint8Array, offset: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits++;
  for (let d = digits - 1, rest = value; d >= 0; d--, rest = (rest / 10) | 0) bytes[offset + d] = 0x30 + (rest % 10);
  return offset + digits;
}

/** Rings kept by HashRing.of (each about 40 KB for a handful of members). */
const RING_CACHE_SIZE = 128;
const ringCache = new Map<string, HashRing>();

/** Slot → index in the sorted member list of its owner; the same for any order of `members`. */
export function ownerTable(members: readonly string[], options: RingOptions = {}): Uint16Array {
  return new HashRing(members, options).owners;
}
