import { describe, expect, it } from '@jest/globals';
import { ANY_SLOT, ReplicationLog, encodeCommand } from './replication-log.js';

const text = (entries: { bytes: Buffer }[] | undefined): string[] | undefined => entries?.map((e) => e.bytes.toString('latin1'));

describe('encodeCommand', () => {
  it('writes a RESP array of bulk strings, binary-safe', () => {
    expect(encodeCommand(['SET', 'k', 'v']).toString('latin1')).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    expect(encodeCommand(['SET', 'k', '\x00\xff\r\n']).toString('latin1')).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n\x00\xff\r\n\r\n');
    expect(encodeCommand([]).toString('latin1')).toBe('*0\r\n');
  });
});

describe('ReplicationLog', () => {
  it('counts the offset in bytes of the stream and keeps a 40-hex id', () => {
    const log = new ReplicationLog(1024);
    expect(log.replId).toMatch(/^[0-9a-f]{40}$/);
    expect(log.offset).toBe(0);
    const after = log.append(12, ['SET', 'k', 'v']);
    expect(after).toBe(encodeCommand(['SET', 'k', 'v']).length);
    expect(log.offset).toBe(after);
    expect(log.historyBytes).toBe(after);
  });

  it('replays from any command boundary in the backlog, filtered by slot (slotless entries always pass)', () => {
    const log = new ReplicationLog(1 << 20);
    const a = log.append(1, ['SET', 'a', '1']);
    log.append(ANY_SLOT, ['SELECT', '0']);
    log.append(2, ['SET', 'b', '2']);
    log.append(1, ['DEL', 'a']);
    expect(text(log.since(0))).toHaveLength(4);
    expect(text(log.since(a, (slot) => slot === 1))).toEqual([encodeCommand(['SELECT', '0']), encodeCommand(['DEL', 'a'])].map((b) => b.toString('latin1')));
    expect(log.since(log.offset)).toEqual([]);
    expect(log.since(a + 1)).toBeUndefined(); // not a command boundary
    expect(log.since(log.offset + 10)).toBeUndefined(); // from the future
  });

  it('keeps at least backlogBytes of whole commands and forgets the rest', () => {
    const command = ['SET', 'key', 'x'.repeat(100)];
    const size = encodeCommand(command).length;
    const log = new ReplicationLog(size * 3 + 1);
    for (let i = 0; i < 10; i++) log.append(0, command);
    expect(log.historyBytes).toBe(size * 4); // 3 would hold less than backlogBytes
    expect(log.firstOffset).toBe(size * 6);
    expect(log.since(size * 5)).toBeUndefined();
    expect(log.since(size * 6)).toHaveLength(4);
    expect(log.canResume({ replId: log.replId, offset: size * 6 })).toBe(true);
    expect(log.canResume({ replId: log.replId, offset: size * 5 })).toBe(false);
    log.resize(size);
    expect(log.historyBytes).toBe(size);
  });

  it('a promoted primary serves partial resyncs under its old id up to the promotion point (PSYNC2)', () => {
    const log = new ReplicationLog(1 << 20, 'a'.repeat(40));
    log.append(0, ['SET', 'k', '1']);
    const promotedAt = log.offset;
    log.shiftReplicationId();
    expect(log.replId).not.toBe('a'.repeat(40));
    expect(log.replId2).toBe('a'.repeat(40));
    expect(log.secondReplOffset).toBe(promotedAt);
    log.append(0, ['SET', 'k', '2']);
    expect(log.canResume({ replId: 'a'.repeat(40), offset: promotedAt })).toBe(true);
    expect(log.canResume({ replId: 'a'.repeat(40), offset: log.offset })).toBe(false); // the old stream never got there
    expect(log.canResume({ replId: 'b'.repeat(40), offset: 0 })).toBe(false);
    expect(log.canResume({ replId: log.replId, offset: log.offset })).toBe(true);
  });

  it('stays O(1) amortized over a long stream (compaction keeps offsets right)', () => {
    const log = new ReplicationLog(64 * 1024);
    let last = 0;
    for (let i = 0; i < 200_000; i++) last = log.append(i % 16384, ['SET', `k${i}`, 'v']);
    expect(log.offset).toBe(last);
    const tail = log.since(log.firstOffset)!;
    expect(tail[0]!.offset).toBe(log.firstOffset);
    expect(tail.reduce((n, e) => n + e.bytes.length, 0)).toBe(log.historyBytes);
    expect(log.historyBytes).toBeGreaterThanOrEqual(64 * 1024);
    expect(log.historyBytes).toBeLessThan(64 * 1024 + 64);
  });

  it('refuses a backlog that is not a positive integer', () => {
    expect(() => new ReplicationLog(0)).toThrow(RangeError);
    expect(() => new ReplicationLog(1.5)).toThrow(RangeError);
  });
});
