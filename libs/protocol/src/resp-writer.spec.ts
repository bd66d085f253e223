import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { RespWriter, formatDouble } from './resp-writer.js';

function out(protocol: 2 | 3, write: (w: RespWriter) => void): string {
  const w = new RespWriter(16);
  w.setProtocol(protocol);
  write(w);
  return w.take()?.latin1Slice() ?? '';
}

describe('RespWriter encodings', () => {
  const cases: [string, (w: RespWriter) => void, string, string][] = [
    ['ok', (w) => w.ok(), '+OK\r\n', '+OK\r\n'],
    ['simple', (w) => w.simple('PONG'), '+PONG\r\n', '+PONG\r\n'],
    ['error', (w) => w.error('ERR bad\r\nthing'), '-ERR bad  thing\r\n', '-ERR bad  thing\r\n'],
    ['integer 0', (w) => w.integer(0), ':0\r\n', ':0\r\n'],
    ['integer -2', (w) => w.integer(-2), ':-2\r\n', ':-2\r\n'],
    ['integer 1234567890', (w) => w.integer(1234567890), ':1234567890\r\n', ':1234567890\r\n'],
    ['integer 2^53-1', (w) => w.integer(9007199254740991), ':9007199254740991\r\n', ':9007199254740991\r\n'],
    ['integer -2^40', (w) => w.integer(-(2 ** 40)), ':-1099511627776\r\n', ':-1099511627776\r\n'],
    ['bulk', (w) => w.bulk('a\r\n\xff'), '$4\r\na\r\n\xff\r\n', '$4\r\na\r\n\xff\r\n'],
    ['empty bulk', (w) => w.bulk(''), '$0\r\n\r\n', '$0\r\n\r\n'],
    ['null bulk', (w) => w.bulk(null), '$-1\r\n', '_\r\n'],
    ['nil', (w) => w.nil(), '$-1\r\n', '_\r\n'],
    ['nilArray', (w) => w.nilArray(), '*-1\r\n', '_\r\n'],
    ['array', (w) => (w.array(2), w.integer(1), w.bulk('x')), '*2\r\n:1\r\n$1\r\nx\r\n', '*2\r\n:1\r\n$1\r\nx\r\n'],
    ['map', (w) => (w.map(1), w.bulk('k'), w.integer(1)), '*2\r\n$1\r\nk\r\n:1\r\n', '%1\r\n$1\r\nk\r\n:1\r\n'],
    ['set', (w) => (w.set(1), w.bulk('m')), '*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n'],
    ['push', (w) => (w.push(1), w.bulk('m')), '*1\r\n$1\r\nm\r\n', '>1\r\n$1\r\nm\r\n'],
    ['double', (w) => w.double(3.5), '$3\r\n3.5\r\n', ',3.5\r\n'],
    ['double 0.1', (w) => w.double(0.1), '$19\r\n0.10000000000000001\r\n', ',0.10000000000000001\r\n'],
    ['double inf', (w) => w.double(Infinity), '$3\r\ninf\r\n', ',inf\r\n'],
    ['double -inf', (w) => w.double(-Infinity), '$4\r\n-inf\r\n', ',-inf\r\n'],
    ['bool true', (w) => w.bool(true), ':1\r\n', '#t\r\n'],
    ['bool false', (w) => w.bool(false), ':0\r\n', '#f\r\n'],
    ['verbatim', (w) => w.verbatim('a\r\nb'), '$4\r\na\r\nb\r\n', '=8\r\ntxt:a\r\nb\r\n'],
  ];
  it.each(cases)('%s', (_name, write, resp2, resp3) => {
    expect(out(2, write)).toBe(resp2);
    expect(out(3, write)).toBe(resp3);
  });

  it('writes long and binary strings through latin1Write and grows the buffer', () => {
    const long = Array.from({ length: 100_000 }, (_, i) => String.fromCharCode(i % 256)).join('');
    const w = new RespWriter(16);
    w.bulk(long);
    w.ok();
    expect(w.pending()).toBe(`$100000\r\n`.length + 100_000 + 2 + 5);
    expect(w.take()?.latin1Slice()).toBe(`$100000\r\n${long}\r\n+OK\r\n`);
    expect(w.take()).toBeNull();
  });

  it('counts errors and rolls back a half-written reply', () => {
    const w = new RespWriter();
    w.ok();
    const mark = w.pending();
    w.array(3);
    w.bulk('x');
    w.rollback(mark);
    w.error('ERR boom');
    expect(w.errors).toBe(1);
    expect(w.take()?.latin1Slice()).toBe('+OK\r\n-ERR boom\r\n');
  });

  it('writes any safe integer as its decimal digits (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(out(2, (w) => w.integer(n))).toBe(`:${n}\r\n`);
      }),
    );
  });
});

describe('formatDouble (%.17g as Redis 7.0)', () => {
  it.each([
    [0.1, '0.10000000000000001'],
    [3.5, '3.5'],
    [1e20, '1e+20'],
    [1e17, '1e+17'],
    [1e16, '10000000000000000'],
    [1e-5, '1.0000000000000001e-05'],
    [0.0001, '0.0001'],
    [123456789012345678, '1.2345678901234568e+17'],
    [-2.5, '-2.5'],
    [0, '0'],
    [-0, '-0'],
    [1.5e-300, '1.5000000000000001e-300'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
  ])('%p → %s', (d, s) => {
    expect(formatDouble(d)).toBe(s);
  });

  it('round-trips (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(Number(formatDouble(d))).toBe(d);
      }),
    );
  });
});
