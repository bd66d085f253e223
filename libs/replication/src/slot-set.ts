/**
 * Sets of hash slots as the replication handshake carries them: a byte per slot in memory, and on the wire
 * the compact text "0-5460,5462,10000-10010" (ascending runs; "" for none).
 */
export const SLOT_COUNT = 16384;

/** A byte per slot; non-zero = in the set. */
export type SlotMask = Uint8Array;

export function emptyMask(): SlotMask {
  return new Uint8Array(SLOT_COUNT);
}

export function maskSize(mask: Readonly<SlotMask>): number {
  let n = 0;
  for (let slot = 0; slot < SLOT_COUNT; slot++) if (mask[slot] !== 0) n++;
  return n;
}

/** "a-b,c,...": the runs of slots whose byte passes `test` (default: non-zero). */
export function formatSlots(mask: Readonly<SlotMask>, test: (value: number) => boolean = (value) => value !== 0): string {
  const parts: string[] = [];
  let start = -1;
  for (let slot = 0; slot <= SLOT_COUNT; slot++) {
    const inSet = slot < SLOT_COUNT && test(mask[slot]!);
    if (inSet && start === -1) start = slot;
    if (!inSet && start !== -1) {
      parts.push(start === slot - 1 ? String(start) : `${start}-${slot - 1}`);
      start = -1;
    }
  }
  return parts.join(',');
}

/** Parses formatSlots's text into a mask (1 per slot), or undefined when it is malformed or out of range. */
export function parseSlots(text: string): SlotMask | undefined {
  const mask = emptyMask();
  if (text === '') return mask;
  for (const part of text.split(',')) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    if (match === null) return undefined;
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    if (start > end || end >= SLOT_COUNT) return undefined;
    mask.fill(1, start, end + 1);
  }
  return mask;
}
