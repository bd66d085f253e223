/**
 * AppliedHistory: what a replica applied of a primary's stream, read back from a marker for some slots (the
 * catch-up a promoted replica sends), and what was applied after the last marker (a resume offer's APPLIED).
 */
import { describe, expect, it } from '@jest/globals';
import { AppliedHistory } from './applied-history.js';
import { encodedLength } from './replication-log.js';
import { emptyMask } from './slot-set.js';

/** Commands name their slot in their key: ['SET', '5:k', 'v'] is slot 5; FLUSHALL has none. */
const slotOf = (args: readonly string[]): number => (args.length > 1 ? Number(args[1]!.split(':')[0]) : -1);

function maskOf(...slots: number[]): Uint8Array {
  const mask = emptyMask();
  for (const slot of slots) mask[slot] = 1;
  return mask;
}

function record(history: AppliedHistory, args: string[]): void {
  history.record(args, encodedLength(args));
}

describe('AppliedHistory', () => {
  it('reads the entries of some slots after a marker, skipping what the other replica applied', () => {
    const history = new AppliedHistory(() => 1 << 20);
    history.slotSynced(5);
    history.slotSynced(6);
    history.mark(100);
    record(history, ['SET', '5:a', '1']);
    record(history, ['SET', '6:b', '1']);
    history.mark(150);
    history.mark(180); // nothing of our slots between: one range 150..180
    record(history, ['SET', '5:c', '1']);
    history.recordTransaction([['INCR', '6:n'], ['INCR', '6:n']], 60);
    record(history, ['SET', '5:d', '1']);

    expect(history.after(100, maskOf(5), 0, slotOf)).toEqual([['SET', '5:a', '1'], ['SET', '5:c', '1'], ['SET', '5:d', '1']]);
    expect(history.after(160, maskOf(6), 0, slotOf)).toEqual([['INCR', '6:n'], ['INCR', '6:n']]);
    // A replica at 180 that applied 5:c already gets only 5:d.
    expect(history.after(180, maskOf(5), encodedLength(['SET', '5:c', '1']), slotOf)).toEqual([['SET', '5:d', '1']]);
    // Not an entry boundary, more than we have, an offset between ranges: unknown.
    expect(history.after(180, maskOf(5), 3, slotOf)).toBeUndefined();
    expect(history.after(180, maskOf(5), 1000, slotOf)).toBeUndefined();
    expect(history.after(120, maskOf(5), 0, slotOf)).toBeUndefined();
    expect(history.after(200, maskOf(5), 0, slotOf)).toBeUndefined();

    // After the last marker (180): 5:c and 5:d of slot 5, the transaction (60 bytes) of slot 6.
    expect(history.appliedSinceMark(maskOf(5), slotOf)).toBe(2 * encodedLength(['SET', '5:c', '1']));
    expect(history.appliedSinceMark(maskOf(6), slotOf)).toBe(60);
    expect(history.covers(5, 100)).toBe(true);
    expect(history.covers(7, 100)).toBe(false);
  });

  it('starts a slot\'s history at the first marker after its snapshot, and refuses keyless entries', () => {
    const history = new AppliedHistory(() => 1 << 20);
    history.mark(10);
    history.slotSynced(5);
    expect(history.covers(5, 10)).toBe(false);
    history.mark(20);
    expect(history.covers(5, 10)).toBe(false);
    expect(history.covers(5, 20)).toBe(true);
    record(history, ['FLUSHALL']);
    expect(history.after(20, maskOf(5), 0, slotOf)).toBeUndefined();
    expect(history.appliedSinceMark(maskOf(5), slotOf)).toBeUndefined();
    history.clear();
    expect(history.covers(5, 20)).toBe(false);
    expect(history.after(20, maskOf(5), 0, slotOf)).toBeUndefined();
  });

  it('keeps about its byte limit, forgetting the markers before what it dropped', () => {
    const size = encodedLength(['SET', '5:k', 'v']);
    const history = new AppliedHistory(() => 10 * size);
    history.slotSynced(5);
    for (let i = 0; i < 5000; i++) {
      history.mark(i * 100);
      record(history, ['SET', '5:k', 'v']);
    }
    expect(history.after(4999 * 100, maskOf(5), 0, slotOf)).toEqual([['SET', '5:k', 'v']]);
    expect(history.after(4990 * 100, maskOf(5), 0, slotOf)).toHaveLength(10);
    expect(history.after(4980 * 100, maskOf(5), 0, slotOf)).toBeUndefined();
  });
});
