/** AofBuffer: RESP encoding of commands byte for byte, over every length class of argument and count. */
import { describe, expect, it } from '@jest/globals';
import { AofBuffer } from './aof-buffer.js';

/** The RESP encoding of one command, built the plain way. */
const resp = (args: string[]): string => `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('');

describe('AofBuffer', () => {
  it('encodes arguments of every length class byte for byte (short ones char by char, long ones natively)', () => {
    const lengths = [0, 1, 9, 10, 11, 47, 48, 49, 99, 100, 101, 999, 1000, 1001, 9999, 10000, 65536, 100001];
    const buffer = new AofBuffer(16);
    let expected = '';
    for (const len of lengths) {
      // Every latin1 byte value, as binary strings from clients carry them.
      const arg = Array.from({ length: len }, (_, i) => String.fromCharCode((i * 37 + len) % 256)).join('');
      const args = ['SET', `k${len}`, arg];
      buffer.command(args);
      expected += resp(args);
    }
    expect(buffer.view().toString('latin1')).toBe(expected);
  });

  it('encodes argument counts of one, two and more digits', () => {
    for (const count of [1, 9, 10, 99, 100, 1234]) {
      const args = Array.from({ length: count }, (_, i) => `a${i}`);
      const buffer = new AofBuffer();
      buffer.command(args);
      expect(buffer.view().toString('latin1')).toBe(resp(args));
    }
  });

  it('consumes a written prefix and keeps the rest', () => {
    const buffer = new AofBuffer(8);
    buffer.command(['SET', 'a', '1']);
    buffer.command(['SET', 'b', '2']);
    const first = resp(['SET', 'a', '1']).length;
    buffer.consume(first);
    expect(buffer.view().toString('latin1')).toBe(resp(['SET', 'b', '2']));
    buffer.consume(1000);
    expect(buffer.length).toBe(0);
  });
});
