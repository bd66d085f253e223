/** Public API of the cluster library: key slots, the ring point hash and the slot-ownership ring. */
export { SLOT_COUNT, crc16, keySlot } from './slots.js';
export { murmur3, murmur3Bytes } from './murmur3.js';
export { HashRing, ownerTable, slotCapacity, slotPoint, DEFAULT_EPSILON, DEFAULT_VIRTUAL_POINTS, MIN_VIRTUAL_POINTS } from './ring.js';
export type { RingOptions } from './ring.js';
