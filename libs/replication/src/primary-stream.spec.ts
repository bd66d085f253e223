/**
 * PrimaryStream's PSYNC2 across failover: a replica asking for slots with its place in a failed primary's
 * stream that this node took over gets SLOTRESUME and only what it lacks (the inherited entries after its
 * place, then this node's own entries since the promotion); when that cannot be told exactly, or this node
 * does not continue that stream, the slots are snapshotted; a request racing this node's own promotion waits.
 */
import { describe, expect, it } from '@jest/globals';
import { RespParser } from '../../protocol/src/resp-parser.js';
import type { CommandContext } from '../../engine/src/commands/command.js';
import { AppliedHistory } from './applied-history.js';
import { PrimaryStream, type InheritedStream } from './primary-stream.js';
import { encodedLength } from './replication-log.js';
import { emptyMask } from './slot-set.js';

const FAILED_ID = 'f'.repeat(40);
/** Keys are "<slot>:<name>". */
const slotOf = (args: readonly string[]): number => (args.length > 1 ? Number(args[1]!.split(':')[0]) : -1);

function maskOf(...slots: number[]): Uint8Array {
  const mask = emptyMask();
  for (const slot of slots) mask[slot] = 1;
  return mask;
}

/** A replica connection whose output is parsed back into commands. */
function fakeConnection(id: number): { ctx: CommandContext; received: string[][] } {
  const received: string[][] = [];
  const parser = new RespParser((args) => void received.push(args));
  const ctx = {
    reply: { raw: (data: Buffer | string) => void parser.feed(Buffer.from(data)) },
    client: { id, pushWritten: () => undefined, outputBytes: () => 0, close: () => undefined },
  } as unknown as CommandContext;
  return { ctx, received };
}

/** What this node's link had applied of the failed primary: slot 5 from marker 100, the last marker 150. */
function failedStream(): AppliedHistory {
  const history = new AppliedHistory(() => 1 << 20);
  history.slotSynced(5);
  history.mark(100);
  history.record(['SET', '5:a', '1'], encodedLength(['SET', '5:a', '1']));
  history.mark(150);
  history.record(['SET', '5:b', '1'], encodedLength(['SET', '5:b', '1']));
  history.recordTransaction([['INCR', '5:n']], 40);
  return history;
}

function setup(): { stream: PrimaryStream; owned: Uint8Array; inherit: (value: InheritedStream | 'pending' | undefined) => void } {
  const owned = maskOf(9);
  let source: InheritedStream | 'pending' | undefined;
  const stream = new PrimaryStream({
    backlogBytes: 1 << 20,
    slotOf,
    snapshot: (slot, emit) => emit(['SET', `${slot}:snapshot`, 'x']),
    owned: () => owned,
    connected: () => true,
    inherited: (replId) => (replId === FAILED_ID ? source : undefined),
  });
  return { stream, owned, inherit: (value) => void (source = value) };
}

/** This node wrote slot 9, then took slot 5 over at offset `ownOffset`, then wrote slot 5 and 9. */
function promote(stream: PrimaryStream, owned: Uint8Array): InheritedStream {
  stream.propagate(0, ['SET', '9:x', '1']);
  owned[5] = 1;
  const inherited = { copy: { replId: FAILED_ID, offset: 150, slots: maskOf(5), history: failedStream() }, ownOffset: stream.log.offset };
  stream.propagate(0, ['SET', '5:own', '1']);
  stream.propagate(0, ['SET', '9:y', '1']);
  return inherited;
}

describe('PrimaryStream resuming slots from an inherited stream', () => {
  it('sends a replica only the entries it lacks, then streams the slots', () => {
    const { stream, owned, inherit } = setup();
    inherit(promote(stream, owned));
    const { ctx, received } = fakeConnection(1);
    const link = stream.attach(ctx, { id: 'q', host: '127.0.0.1', port: 1 }, emptyMask(), true);
    // The replica's last marker was 100, and it applied 5:a after it.
    stream.resumeSlots(link, maskOf(5), { replId: FAILED_ID, offset: 100, applied: encodedLength(['SET', '5:a', '1']) });
    expect(received).toEqual([
      ['REPLCONF', 'SLOTRESUME', '5'],
      ['SET', '5:b', '1'],
      ['INCR', '5:n'],
      ['SET', '5:own', '1'],
      ['REPLCONF', 'OFFSET', String(stream.log.offset)],
    ]);
    expect(link.streams(5)).toBe(true);
    expect(stream.inheritedResumes).toBe(1);
    stream.propagate(0, ['SET', '5:next', '1']);
    expect(received[received.length - 1]).toEqual(['SET', '5:next', '1']);
  });

  it('snapshots the slots when the replica\'s place cannot be resumed exactly', async () => {
    const { stream, owned, inherit } = setup();
    inherit(promote(stream, owned));
    const cases = [
      { replId: FAILED_ID, offset: 100, applied: 3 }, // not an entry boundary
      { replId: FAILED_ID, offset: 120, applied: 0 }, // a marker this node never saw
      { replId: 'e'.repeat(40), offset: 100, applied: 0 }, // a stream this node does not continue
    ];
    for (const [i, from] of cases.entries()) {
      const { ctx, received } = fakeConnection(10 + i);
      const link = stream.attach(ctx, { id: 'q', host: '127.0.0.1', port: 1 }, emptyMask(), true);
      stream.resumeSlots(link, maskOf(5), from);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(received.slice(0, 2)).toEqual([['REPLCONF', 'SLOTSYNC', '5'], ['SET', '5:snapshot', 'x']]);
    }
    // Slot 7 was never inherited: the whole request is snapshotted.
    owned[7] = 1;
    const { ctx, received } = fakeConnection(20);
    const link = stream.attach(ctx, { id: 'q', host: '127.0.0.1', port: 1 }, emptyMask(), true);
    stream.resumeSlots(link, maskOf(5, 7), { replId: FAILED_ID, offset: 150, applied: 0 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.filter((args) => args[1] === 'SLOTSYNC')).toEqual([['REPLCONF', 'SLOTSYNC', '5'], ['REPLCONF', 'SLOTSYNC', '7']]);
    expect(stream.inheritedResumes).toBe(0);
  });

  it('waits for its own promotion when the replica learnt of the failure first', async () => {
    const { stream, owned, inherit } = setup();
    inherit('pending');
    const { ctx, received } = fakeConnection(1);
    const link = stream.attach(ctx, { id: 'q', host: '127.0.0.1', port: 1 }, emptyMask(), true);
    stream.resumeSlots(link, maskOf(5), { replId: FAILED_ID, offset: 150, applied: 0 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(received).toEqual([]);
    inherit(promote(stream, owned));
    await new Promise((resolve) => setTimeout(resolve, 80));
    const data = received.filter((args) => args[1] !== 'OFFSET'); // the promotion's writes were marked meanwhile
    expect(data).toEqual([['REPLCONF', 'SLOTRESUME', '5'], ['SET', '5:b', '1'], ['INCR', '5:n'], ['SET', '5:own', '1']]);
  });
});
