/** Redis Cluster key slots: CRC16-XMODEM of the key, or of its `{hash tag}`, mod 16384. */

/** Number of hash slots, as Redis Cluster. */
export const SLOT_COUNT = 16384;

/** CRC16-XMODEM (poly 0x1021, init 0, no reflection), one entry per byte value, as Redis's crc16.c. */
const CRC16_TABLE = new Uint16Array(256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
  CRC16_TABLE[byte] = crc & 0xffff;
}

/** CRC16-XMODEM of chars [start, end) of a latin1 binary string (one char per byte). */
export function crc16(key: string, start = 0, end = key.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    crc = ((crc << 8) & 0xff00) ^ CRC16_TABLE[((crc >>> 8) ^ key.charCodeAt(i)) & 0xff]!;
  }
  return crc;
}

/**
 * The slot of a key, as Redis's keyHashSlot: if the key has a `{` and a `}` after it with at least one
 * char between them, only that tag is hashed; otherwise (no tag, or `{}` first) the whole key is.
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return crc16(key, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(key) & (SLOT_COUNT - 1);
}

/**
 * Positions (into `keys`) of the keys of each slot, in order within a slot: how a multi-key command is split
 * into single-slot commands. `slotOf` defaults to keySlot, for latin1 binary strings.
 */
export function groupBySlot(keys: readonly string[], slotOf: (key: string) => number = keySlot): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const slot = slotOf(keys[i]!);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [i]);
    else group.push(i);
  }
  return groups;
}
