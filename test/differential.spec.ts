/**
 * Differential test: the same commands against a ringcache node and a reference redis-server, compared reply by
 * reply as raw RESP bytes (errors included, as text). A fixed list of tricky cases, then random commands from a
 * fixed seed over a small keyspace.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compare, picker, useDifferentialServers, type ClientPair } from './support/differential.js';

const servers = useDifferentialServers();
let pair: ClientPair;

beforeAll(async () => {
  pair = await servers.connect();
});

afterAll(() => pair?.close());

/** The keys of a raw SCAN reply ("*2\r\n$1\r\n0\r\n*N\r\n$..."), sorted. */
function scanKeys(raw: string): string[] {
  const lines = raw.split('\r\n');
  const keys: string[] = [];
  // lines: *2, $n, cursor, *N, then pairs ($len, key)
  for (let i = 5; i < lines.length; i += 2) if (lines[i - 1].startsWith('$')) keys.push(lines[i]);
  return keys.sort();
}

const CASES: string[][] = [
  ['FLUSHALL'],
  // SET options and their conflicts
  ['SET', 's', 'v', 'NX', 'XX'],
  ['SET', 's', 'v', 'EX', '0'],
  ['SET', 's', 'v', 'EX', '-1'],
  ['SET', 's', 'v', 'PX', '0'],
  ['SET', 's', 'v', 'PX', '9223372036854775807'],
  ['SET', 's', 'v', 'EX', '9223372036854775807'],
  ['SET', 's', 'v', 'EX', '92233720368547758'],
  ['SET', 's', 'v', 'EX', 'abc'],
  ['SET', 's', 'v', 'EX', '10', 'PX', '100'],
  ['SET', 's', 'v', 'KEEPTTL', 'EX', '10'],
  ['SET', 's', 'v', 'EX'],
  ['SET', 's', 'v', 'BOGUS'],
  ['SET', 's', 'v', 'XX'],
  ['SET', 's', 'v', 'NX'],
  ['SET', 's', 'w', 'NX'],
  ['SET', 's', 'w', 'XX', 'GET'],
  ['SET', 's', 'x', 'NX', 'GET'],
  ['SET', 'nokey', 'x', 'GET'],
  ['SET', 's', 'v', 'EXAT', '0'],
  ['SET', 's', 'v', 'PXAT', '-5'],
  ['SET', 's', 'v', 'KEEPTTL'],
  ['TTL', 's'],
  ['GET', 's'],
  ['SETEX', 's', '0', 'v'],
  ['SETEX', 's', 'x', 'v'],
  ['PSETEX', 's', '-1', 'v'],
  ['SETNX', 's', 'z'],
  ['SETNX', 'fresh', 'z'],
  // GETEX
  ['SET', 'g', 'v', 'EX', '100'],
  ['GETEX', 'g', 'PERSIST'],
  ['TTL', 'g'],
  ['GETEX', 'g', 'EX', '0'],
  ['GETEX', 'g', 'EX', '10', 'PX', '10'],
  ['GETEX', 'g', 'PERSIST', 'EX', '10'],
  ['GETEX', 'g', 'BOGUS'],
  ['GETEX', 'missing', 'PERSIST'],
  ['GETEX', 'g'],
  // GETRANGE / SETRANGE
  ['SET', 'r', 'Hello World'],
  ['GETRANGE', 'r', '0', '-1'],
  ['GETRANGE', 'r', '-5', '-1'],
  ['GETRANGE', 'r', '-100', '3'],
  ['GETRANGE', 'r', '5', '2'],
  ['GETRANGE', 'r', '100', '200'],
  ['GETRANGE', 'r', '0', '100'],
  ['GETRANGE', 'r', '-1', '-5'],
  ['GETRANGE', 'r', 'a', '1'],
  ['GETRANGE', 'missing', '0', '-1'],
  ['SETRANGE', 'r', '6', 'Redis'],
  ['GET', 'r'],
  ['SETRANGE', 'r', '20', 'X'],
  ['GET', 'r'],
  ['SETRANGE', 'r', '-1', 'X'],
  ['SETRANGE', 'r', '536870912', 'X'],
  ['SETRANGE', 'empty', '5', ''],
  ['EXISTS', 'empty'],
  ['SETRANGE', 'padded', '3', 'ab'],
  ['GET', 'padded'],
  // APPEND / STRLEN
  ['APPEND', 'ap', 'abc'],
  ['APPEND', 'ap', 'def'],
  ['GET', 'ap'],
  ['STRLEN', 'ap'],
  ['STRLEN', 'missing'],
  // INCR family
  ['SET', 'n', '9223372036854775806'],
  ['INCR', 'n'],
  ['INCR', 'n'],
  ['SET', 'n', '-9223372036854775808'],
  ['DECR', 'n'],
  ['INCRBY', 'n', '-1'],
  ['INCRBY', 'n', 'abc'],
  ['INCRBY', 'n', '9223372036854775808'],
  ['DECRBY', 'n', '-9223372036854775808'],
  ['SET', 'n', ' 1'],
  ['INCR', 'n'],
  ['SET', 'n', '01'],
  ['INCR', 'n'],
  ['SET', 'n', '1.5'],
  ['INCR', 'n'],
  ['SET', 'n', '+1'],
  ['INCR', 'n'],
  ['INCR', 'fresh-counter'],
  ['DECRBY', 'fresh-counter2', '5'],
  // INCRBYFLOAT formatting
  ['SET', 'f', '10.50'],
  ['INCRBYFLOAT', 'f', '0.1'],
  ['INCRBYFLOAT', 'f', '-5.0e3'],
  ['INCRBYFLOAT', 'f', '3.0e3'],
  ['INCRBYFLOAT', 'f', '1e-5'],
  ['INCRBYFLOAT', 'f', 'inf'],
  ['INCRBYFLOAT', 'f', 'nan'],
  ['INCRBYFLOAT', 'f', 'abc'],
  ['INCRBYFLOAT', 'f2', '5'],
  ['INCRBYFLOAT', 'f3', '1.0000000000000001'],
  ['SET', 'f4', '1e308'],
  ['INCRBYFLOAT', 'f4', '1e308'],
  ['SET', 'f5', '0x10'],
  ['INCRBYFLOAT', 'f5', '1'],
  ['INCRBYFLOAT', 'f6', '-0.0'],
  ['GET', 'f6'],
  ['SET', 'nul', '1\0'],
  ['INCRBYFLOAT', 'nul', '1'],
  ['INCR', 'nul'],
  ['INCRBYFLOAT', 'nul2', '1\0'],
  ['INCRBY', 'nul2', '1\0'],
  ['SET', 'nul3', '1'],
  ['SETRANGE', 'nul3', '3', '2'],
  ['INCRBYFLOAT', 'nul3', '1'],
  // MSET / MSETNX / MGET
  ['MSET', 'm1', 'a', 'm2', 'b'],
  ['MSET', 'm1', 'a', 'm2'],
  ['MSETNX', 'm2', 'x', 'm3', 'y'],
  ['MSETNX', 'm3', 'x', 'm4', 'y'],
  ['MSETNX', 'm5', 'x', 'm5', 'y'],
  ['MGET', 'm1', 'm2', 'm3', 'm4', 'm5', 'missing'],
  ['MGET'],
  // RENAME
  ['RENAME', 'missing', 'x'],
  ['RENAMENX', 'missing', 'x'],
  ['RENAME', 'm1', 'm1'],
  ['RENAMENX', 'm1', 'm1'],
  ['RENAMENX', 'm1', 'm2'],
  ['RENAME', 'm1', 'm9'],
  ['GET', 'm9'],
  // EXPIRE flags
  ['SET', 'e', 'v'],
  ['EXPIRE', 'e', '100', 'XX'],
  ['EXPIRE', 'e', '100', 'GT'],
  ['EXPIRE', 'e', '100', 'LT'],
  ['EXPIRE', 'e', '100', 'NX'],
  ['EXPIRE', 'e', '200', 'NX'],
  ['EXPIRE', 'e', '50', 'GT'],
  ['EXPIRE', 'e', '500', 'GT'],
  ['EXPIRE', 'e', '1000', 'LT'],
  ['EXPIRE', 'e', '5', 'LT'],
  ['EXPIRE', 'e', '5', 'NX', 'XX'],
  ['EXPIRE', 'e', '5', 'GT', 'LT'],
  ['EXPIRE', 'e', '5', 'NX', 'GT'],
  ['EXPIRE', 'e', '5', 'BOGUS'],
  ['EXPIRE', 'e', 'abc'],
  ['EXPIRE', 'e', '9223372036854775807'],
  ['PEXPIRE', 'e', '9223372036854775807'],
  ['EXPIREAT', 'e', '-9223372036854775808'],
  ['EXPIRE', 'missing', '10'],
  ['PERSIST', 'e'],
  ['PERSIST', 'e'],
  ['PERSIST', 'missing'],
  ['EXPIRETIME', 'e'],
  ['EXPIRETIME', 'missing'],
  ['PEXPIRETIME', 'e'],
  ['EXPIRE', 'e', '0'],
  ['EXISTS', 'e'],
  ['SET', 'e', 'v'],
  ['EXPIRE', 'e', '-10'],
  ['EXISTS', 'e'],
  // TTL / PTTL
  ['TTL', 'missing'],
  ['PTTL', 'missing'],
  ['SET', 'p', 'v'],
  ['TTL', 'p'],
  ['PTTL', 'p'],
  // EXISTS / DEL
  ['EXISTS', 'p', 'p', 'p', 'missing'],
  ['DEL', 'p', 'p', 'missing', 'm2'],
  ['UNLINK', 'm3', 'm4'],
  ['DEL'],
  // OBJECT ENCODING
  ['SET', 'o1', '123'],
  ['SET', 'o2', 'abc'],
  ['SET', 'o3', 'x'.repeat(45)],
  ['SET', 'o4', '-123456789012345678'],
  ['SET', 'o5', '12345678901234567890'],
  ['SET', 'o6', '0123'],
  ['OBJECT', 'ENCODING', 'o1'],
  ['OBJECT', 'ENCODING', 'o2'],
  ['OBJECT', 'ENCODING', 'o3'],
  ['OBJECT', 'ENCODING', 'o4'],
  ['OBJECT', 'ENCODING', 'o5'],
  ['OBJECT', 'ENCODING', 'o6'],
  ['OBJECT', 'ENCODING', 'missing'],
  ['INCR', 'o2'],
  ['SET', 'o7', '5'],
  ['INCR', 'o7'],
  ['OBJECT', 'ENCODING', 'o7'],
  ['OBJECT', 'BOGUS', 'o1'],
  // errors: unknown command, arity
  ['NOSUCHCOMMAND', 'a', 'b'],
  ['nosuch'],
  ['GET'],
  ['GET', 'a', 'b'],
  ['SET', 'a'],
  ['EXPIRE', 'a'],
  ['MSET', 'a'],
  ['INCRBY', 'a'],
  ['CONFIG', 'GET'],
  ['CONFIG', 'BOGUS'],
  // SELECT
  ['SELECT', '16'],
  ['SELECT', '-1'],
  ['SELECT', 'abc'],
  ['SELECT', '15'],
  ['SET', 'indb15', 'v'],
  ['SELECT', '0'],
  ['GET', 'indb15'],
  // ECHO / PING
  ['PING'],
  ['PING', 'hello'],
  ['PING', 'a', 'b'],
  ['ECHO', 'hi'],
  ['ECHO', ''],
  ['ECHO'],
  ['ECHO', 'a', 'b'],
  // CONFIG
  ['CONFIG', 'GET', 'maxmemory-policy'],
  ['CONFIG', 'GET', 'maxmemory'],
  ['CONFIG', 'GET', 'nosuchparam'],
  ['CONFIG', 'SET', 'maxmemory-policy', 'bogus'],
  ['CONFIG', 'SET', 'nosuchparam', '1'],
  // TYPE / STRLEN / GETDEL / GETSET
  ['TYPE', 'o2'],
  ['TYPE', 'missing'],
  ['STRLEN', 'o3'],
  ['GETDEL', 'o2'],
  ['GETDEL', 'o2'],
  ['GETSET', 'o2', 'new'],
  ['GETSET', 'o2', 'newer'],
  ['GET', 'o2'],
  // KEYS (single-key patterns only: the order of several keys is unspecified), OBJECT FREQ, CLIENT names
  ['KEYS', 'o[3]'],
  ['KEYS', 'o[^1-24-9]'],
  ['KEYS', 'o\\7'],
  ['KEYS', 'nomatch*'],
  ['OBJECT', 'FREQ', 'o3'],
  ['OBJECT', 'FREQ', 'missing'],
  ['OBJECT', 'IDLETIME', 'missing'],
  ['OBJECT', 'HELP', 'extra'],
  ['CLIENT', 'SETNAME', 'has space'],
  ['CLIENT', 'SETNAME', 'diff-test'],
  ['CLIENT', 'GETNAME'],
  ['CLIENT', 'BOGUS'],
  ['TOUCH', 'o3', 'missing', 'o3'],
  ['SCAN', 'abc'],
  ['SCAN', '0', 'COUNT', '0'],
  ['SCAN', '0', 'BOGUS', 'x'],
  ['INFO', 'nosuchsection'],
  ['DBSIZE'],
  ['FLUSHDB', 'BOGUS'],
  ['FLUSHDB'],
  ['DBSIZE'],
  ['RANDOMKEY'],
  ['SET', 'only', 'v'],
  ['RANDOMKEY'],
];

describe('ringcache vs redis-server', () => {
  it('answers the tricky cases byte for byte as redis-server does', async () => {
    const mismatches = await compare(pair, CASES);
    expect(mismatches).toEqual([]);
  });

  // Known difference: values are plain strings in the engine, so OBJECT ENCODING infers int/embstr/raw from the
  // bytes; Redis answers "raw" for any string built by APPEND or SETRANGE. Passes while the difference remains.
  it.failing('OBJECT ENCODING is "raw" after APPEND and SETRANGE, as Redis', async () => {
    const mismatches = await compare(pair, [
      ['SET', 'enc1', '123'],
      ['APPEND', 'enc1', '4'],
      ['OBJECT', 'ENCODING', 'enc1'],
      ['SETRANGE', 'enc2', '0', 'abc'],
      ['OBJECT', 'ENCODING', 'enc2'],
    ]);
    expect(mismatches).toEqual([]);
  });

  it('answers in RESP3 after HELLO 3 as redis-server does', async () => {
    await servers.withPair(true, async (resp3) => {
      const commands = [
        ['FLUSHALL'],
        ['GET', 'missing'],
        ['SET', 'k', '1'],
        ['SET', 'k', '2', 'NX'],
        ['MGET', 'k', 'missing'],
        ['CONFIG', 'GET', 'maxmemory-policy'],
        ['INCRBYFLOAT', 'f', '1.5'],
        ['EXISTS', 'k'],
        ['DBSIZE'],
        ['GETEX', 'missing'],
        ['NOSUCH'],
        ['PING'],
      ];
      expect(await compare(resp3, commands)).toEqual([]);
    });
  });

  it('SCAN 0 COUNT 1000 returns the same keys', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `scan:${i}`);
    await compare(pair, [['FLUSHALL'], ['MSET', ...keys.flatMap((k) => [k, 'v'])]]);
    const [a, b] = await pair.call('SCAN', '0', 'COUNT', '1000');
    expect(a.split('\r\n').slice(0, 3)).toEqual(['*2', '$1', '0']);
    expect(scanKeys(a)).toEqual(scanKeys(b));
    expect(scanKeys(a)).toHaveLength(300);
    const [ma, mb] = await pair.call('SCAN', '0', 'MATCH', 'scan:1?', 'COUNT', '1000');
    expect(scanKeys(ma)).toEqual(scanKeys(mb));
  });

  it('answers 2000 seeded random string and key commands as redis-server does', async () => {
    const { rand, pick } = picker(20260522);
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const values = ['', 'x', 'hello', '0', '1', '-1', '42', '3.5', '1e3', '9223372036854775807', '-9223372036854775808', ' 7', 'abc\r\ndef'];
    const ints = ['0', '1', '-1', '2', '5', '-3', '100', 'x', '9223372036854775807', '-9223372036854775808'];
    const offsets = ['0', '1', '2', '-1', '-2', '3', '10', '-10', '100'];
    const secs = ['100', '200', '1000', '0', '-1'];
    const gen: Array<() => string[]> = [
      () => ['SET', pick(keys), pick(values)],
      () => ['SET', pick(keys), pick(values), pick(['NX', 'XX', 'GET', 'KEEPTTL'])],
      () => ['SET', pick(keys), pick(values), pick(['NX', 'XX']), 'GET'],
      () => ['GET', pick(keys)],
      () => ['DEL', pick(keys), pick(keys)],
      () => ['EXISTS', pick(keys), pick(keys), pick(keys)],
      () => ['APPEND', pick(keys), pick(values)],
      () => ['STRLEN', pick(keys)],
      () => ['GETRANGE', pick(keys), pick(offsets), pick(offsets)],
      () => ['SETRANGE', pick(keys), pick(['0', '1', '3', '7']), pick(values)],
      () => ['INCR', pick(keys)],
      () => ['DECR', pick(keys)],
      () => ['INCRBY', pick(keys), pick(ints)],
      () => ['DECRBY', pick(keys), pick(ints)],
      () => ['INCRBYFLOAT', pick(keys), pick(['0.1', '-2.5', '1e2', '3', 'x', '0'])],
      () => ['MSET', pick(keys), pick(values), pick(keys), pick(values)],
      () => ['MSETNX', pick(keys), pick(values), pick(keys), pick(values)],
      () => ['MGET', pick(keys), pick(keys), pick(keys)],
      () => ['GETSET', pick(keys), pick(values)],
      () => ['GETDEL', pick(keys)],
      () => ['SETNX', pick(keys), pick(values)],
      () => ['RENAME', pick(keys), pick(keys)],
      () => ['RENAMENX', pick(keys), pick(keys)],
      () => ['TYPE', pick(keys)],
      () => ['EXPIRE', pick(keys), pick(secs), ...(rand() < 0.5 ? [pick(['NX', 'XX', 'GT', 'LT'])] : [])],
      () => ['PERSIST', pick(keys)],
      () => ['GETEX', pick(keys), 'PERSIST'],
      () => ['TTL', pick(keys)],
      () => ['TOUCH', pick(keys), pick(keys)],
      () => ['DBSIZE'],
    ];
    const commands: string[][] = [['FLUSHALL']];
    for (let i = 0; i < 2000; i++) {
      commands.push(pick(gen)());
      if (i % 250 === 249) commands.push(['FLUSHALL']);
    }
    // TTL of a key given 100/200/1000 s answers the same seconds on both unless a second boundary passes between
    // the two calls; allow exactly that (±1) and compare everything else byte for byte.
    const normalize = (cmd: string[], reply: string): string => (cmd[0] === 'TTL' && /^:[1-9]\d*\r\n$/.test(reply) ? `:${Math.round(Number(reply.slice(1, -2)) / 10)}\r\n` : reply);
    const mismatches = await compare(pair, commands, { normalize, resync: true, history: 40 });
    expect(mismatches.slice(0, 20)).toEqual([]);
  });
});
