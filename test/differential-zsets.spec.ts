/**
 * Differential test for sorted sets and transactions: hand-written edge cases for every sorted-set command,
 * seeded random sequences mixing them with generic, list and set commands, and MULTI/EXEC/WATCH scripts over two
 * connections, sent to a ringcache node and a reference redis-server and compared reply by reply as raw RESP
 * text (errors included), in RESP2 and RESP3.
 */
import { describe, expect, it } from '@jest/globals';
import { compare, elements, picker, useDifferentialServers, type ClientPair, type Mismatch, type Picker } from './support/differential.js';

const servers = useDifferentialServers();

const many = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

// ==== (a) Edge cases ====

const ZADD_CASES: string[][] = [
  ['FLUSHALL'],
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'z', 'NX', '10', 'a', '4', 'd'],
  ['ZADD', 'z', 'XX', '10', 'a', '5', 'e'],
  ['ZADD', 'z', 'XX', 'CH', '11', 'a', '5', 'e'],
  ['ZADD', 'z', 'CH', '11', 'a', '2', 'b', '6', 'f'],
  ['ZADD', 'z', 'GT', '1', 'a'],
  ['ZADD', 'z', 'GT', 'CH', '12', 'a', '0', 'b', '7', 'g'],
  ['ZADD', 'z', 'LT', 'CH', '13', 'a', '1', 'b'],
  ['ZADD', 'z', 'LT', 'XX', 'CH', '0', 'c', '0', 'nope'],
  ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
  ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
  ['ZADD', 'z', 'NX', 'GT', '1', 'a'],
  ['ZADD', 'z', 'NX', 'LT', '1', 'a'],
  ['ZADD', 'z', 'xx', 'nx', '1', 'a'],
  ['ZADD', 'z', 'INCR', '5', 'a'],
  ['ZADD', 'z', 'INCR', '5', 'a', '1', 'b'],
  ['ZADD', 'z', 'INCR', 'NX', '5', 'a'],
  ['ZADD', 'z', 'INCR', 'NX', '5', 'new'],
  ['ZADD', 'z', 'INCR', 'XX', '5', 'nothere'],
  ['ZADD', 'z', 'INCR', 'GT', '-5', 'a'],
  ['ZADD', 'z', 'INCR', 'LT', '-5', 'a'],
  ['ZADD', 'z', 'INCR', 'LT', '0', 'a'],
  ['ZADD', 'z', 'INCR', 'GT', '0', 'a'],
  ['ZADD', 'z', 'INCR', 'CH', 'inf', 'a'],
  ['ZADD', 'z', 'INCR', '-inf', 'a'],
  ['ZADD', 'z', 'INCR', '+inf', 'a'],
  ['ZADD', 'z', 'nan', 'a'],
  ['ZADD', 'z', 'abc', 'a'],
  ['ZADD', 'z', '1', 'a', 'abc', 'b'],
  ['ZADD', 'z', '1', 'a', '2'],
  ['ZADD', 'z', 'CH'],
  ['ZADD', 'z', 'NX', '1'],
  ['ZADD', 'z', 'BOGUS', '1', 'a'],
  ['ZADD', 'z', '1', 'dup', '2', 'dup', '3', 'dup'],
  ['ZADD', 'z', 'CH', '3', 'dup', '4', 'dup'],
  ['ZSCORE', 'z', 'dup'],
  ['ZADD', 'z', ' 1', 'sp', '1 ', 'sp2'],
  ['ZADD', 'z', '0x10', 'hex'],
  ['ZADD', 'z', '1e', 'e1'],
  ['ZADD', 'z', '.5', 'half', '-.5', 'mhalf', '5.', 'five', '+3', 'plus'],
  ['ZADD', 'z', '1e400', 'huge', '-1e400', 'mhuge', '1e-400', 'tiny'],
  ['ZADD', 'z', 'inf', 'pinf', '-inf', 'ninf', 'Infinity', 'pinf2', '-INF', 'ninf2'],
  ['ZADD', 'z', '-0', 'mzero', '0.0', 'zero'],
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZCARD', 'z'],
  ['ZCARD', 'nokey'],
  ['ZSCORE', 'z', 'mzero'],
  ['ZSCORE', 'z', 'huge'],
  ['ZSCORE', 'z', 'tiny'],
  ['ZSCORE', 'z', 'nope'],
  ['ZSCORE', 'nokey', 'a'],
  ['ZMSCORE', 'z', 'a', 'nope', 'ninf', 'half'],
  ['ZMSCORE', 'nokey', 'a', 'b'],
  ['ZMSCORE', 'z'],
  // ZINCRBY: score formatting and NaN
  ['ZINCRBY', 'f', '0.1', 'm'],
  ['ZINCRBY', 'f', '0.2', 'm'],
  ['ZINCRBY', 'f', '1e300', 'big'],
  ['ZINCRBY', 'f', '-0', 'negz'],
  ['ZINCRBY', 'f', '1.5e-7', 'small'],
  ['ZINCRBY', 'f', '123456789012345678', 'long'],
  ['ZINCRBY', 'f', '3', 'third'],
  ['ZINCRBY', 'f', '0.333333333333333333', 'third'],
  ['ZINCRBY', 'f', 'inf', 'i'],
  ['ZINCRBY', 'f', '-inf', 'i'],
  ['ZSCORE', 'f', 'i'],
  ['ZINCRBY', 'f', 'inf', 'i'],
  ['ZINCRBY', 'f', 'abc', 'm'],
  ['ZINCRBY', 'f', 'nan', 'm'],
  ['ZINCRBY', 'f', '1'],
  ['ZRANGE', 'f', '0', '-1', 'WITHSCORES'],
  ['ZMSCORE', 'f', 'm', 'big', 'negz', 'small', 'long', 'third'],
  ['ZADD', 'f', 'INCR', '0.1', 'm'],
  // ZREM
  ['ZREM', 'f', 'm', 'm', 'nope'],
  ['ZREM', 'f', 'nope'],
  ['ZREM', 'nokey', 'a'],
  ['ZREM', 'f', 'big', 'negz', 'small', 'long', 'third', 'i'],
  ['EXISTS', 'f'],
  ['TYPE', 'z'],
  // WRONGTYPE both ways
  ['SET', 'str', 'v'],
  ['ZADD', 'str', '1', 'a'],
  ['ZINCRBY', 'str', '1', 'a'],
  ['ZSCORE', 'str', 'a'],
  ['ZMSCORE', 'str', 'a'],
  ['ZCARD', 'str'],
  ['ZREM', 'str', 'a'],
  ['ZRANK', 'str', 'a'],
  ['ZCOUNT', 'str', '-inf', '+inf'],
  ['ZLEXCOUNT', 'str', '-', '+'],
  ['ZRANGE', 'str', '0', '-1'],
  ['ZRANGEBYSCORE', 'str', '0', '1'],
  ['ZRANGEBYLEX', 'str', '-', '+'],
  ['ZPOPMIN', 'str'],
  ['ZPOPMAX', 'str', '2'],
  // a count of 0 still checks the type; a negative count is refused before it
  ['ZPOPMIN', 'str', '0'],
  ['ZPOPMAX', 'str', '0'],
  ['ZPOPMIN', 'str', '-1'],
  ['ZREMRANGEBYRANK', 'str', '0', '-1'],
  ['ZREMRANGEBYSCORE', 'str', '0', '1'],
  ['ZREMRANGEBYLEX', 'str', '-', '+'],
  ['ZADD', 'str', 'NX', 'nan', 'a'],
  ['ZCOUNT', 'str', 'x', '1'],
  ['GET', 'z'],
  ['LPUSH', 'z', 'x'],
  ['SADD', 'z', 'x'],
  ['HSET', 'z', 'f', 'v'],
  ['INCR', 'z'],
  // encodings: listpack up to 128 members of at most 64 bytes, then skiplist (never back)
  ['OBJECT', 'ENCODING', 'z'],
  ['ZADD', 'big', ...many(128, (i) => `${i}`).flatMap((i) => [i, `m${i}`])],
  ['OBJECT', 'ENCODING', 'big'],
  ['ZADD', 'big', '128', 'm128'],
  ['OBJECT', 'ENCODING', 'big'],
  ['ZREMRANGEBYRANK', 'big', '0', '100'],
  ['OBJECT', 'ENCODING', 'big'],
  ['ZADD', 'long', '1', 'x'.repeat(64)],
  ['OBJECT', 'ENCODING', 'long'],
  ['ZADD', 'long', '1', 'y'.repeat(65)],
  ['OBJECT', 'ENCODING', 'long'],
  ['ZINCRBY', 'long2', '1', 'z'.repeat(65)],
  ['OBJECT', 'ENCODING', 'long2'],
  ['ZRANGE', 'big', '0', '3', 'WITHSCORES'],
  ['ZRANGE', 'big', '-3', '-1'],
  ['ZRANK', 'big', 'm128'],
  ['ZREVRANK', 'big', 'm128'],
  ['ZCOUNT', 'big', '(110', '120'],
];

const RANGE_CASES: string[][] = [
  ['FLUSHALL'],
  ['ZADD', 'r', '-inf', 'ninf', '-1.5', 'neg', '0', 'zero', '1', 'a', '1', 'b', '1', 'c', '2', 'd', '2.5', 'e', '1e300', 'f', 'inf', 'pinf'],
  // ZRANK / ZREVRANK (7.0 has no WITHSCORE: an arity error)
  ['ZRANK', 'r', 'a'],
  ['ZRANK', 'r', 'ninf'],
  ['ZREVRANK', 'r', 'ninf'],
  ['ZRANK', 'r', 'nope'],
  ['ZRANK', 'nokey', 'a'],
  ['ZREVRANK', 'r', 'pinf'],
  ['ZRANK', 'r', 'a', 'WITHSCORE'],
  ['ZREVRANK', 'r', 'a', 'WITHSCORE'],
  // ZCOUNT: inf, exclusive bounds, malformed bounds
  ['ZCOUNT', 'r', '-inf', '+inf'],
  ['ZCOUNT', 'r', '(-inf', '(+inf'],
  ['ZCOUNT', 'r', '1', '1'],
  ['ZCOUNT', 'r', '(1', '2'],
  ['ZCOUNT', 'r', '1', '(2'],
  ['ZCOUNT', 'r', '(1', '(1'],
  ['ZCOUNT', 'r', '2', '1'],
  ['ZCOUNT', 'r', '-inf', '-inf'],
  ['ZCOUNT', 'r', 'inf', 'inf'],
  ['ZCOUNT', 'r', '', '1'],
  ['ZCOUNT', 'r', ' 1', '1'],
  ['ZCOUNT', 'r', '1 ', '1'],
  ['ZCOUNT', 'r', 'x', '1'],
  ['ZCOUNT', 'r', '1', '(x'],
  ['ZCOUNT', 'r', '((1', '2'],
  ['ZCOUNT', 'r', '[1', '2'],
  ['ZCOUNT', 'r', 'nan', '1'],
  ['ZCOUNT', 'r', '-1e400', '1e400'],
  ['ZCOUNT', 'r', '0x1', '2'],
  ['ZCOUNT', 'nokey', '-inf', '+inf'],
  // ZRANGE by rank, REV, WITHSCORES
  ['ZRANGE', 'r', '0', '-1'],
  ['ZRANGE', 'r', '0', '-1', 'WITHSCORES'],
  ['ZRANGE', 'r', '-3', '-1', 'WITHSCORES'],
  ['ZRANGE', 'r', '-100', '2'],
  ['ZRANGE', 'r', '5', '2'],
  ['ZRANGE', 'r', '100', '200'],
  ['ZRANGE', 'r', '0', '100'],
  ['ZRANGE', 'r', '0', '-100'],
  ['ZRANGE', 'r', '0', '2', 'REV'],
  ['ZRANGE', 'r', '0', '2', 'REV', 'WITHSCORES'],
  ['ZRANGE', 'r', 'x', '2'],
  ['ZRANGE', 'r', '0', '2', 'LIMIT', '0', '1'],
  ['ZRANGE', 'r', '0', '2', 'BOGUS'],
  ['ZRANGE', 'r', '0', '2', 'withscores', 'rev'],
  ['ZRANGE', 'r', '0', '9223372036854775807'],
  ['ZRANGE', 'r', '-9223372036854775808', '0'],
  ['ZRANGE', 'r', '0', '9223372036854775808'],
  ['ZREVRANGE', 'r', '0', '-1'],
  ['ZREVRANGE', 'r', '1', '3', 'WITHSCORES'],
  ['ZREVRANGE', 'r', '1', '3', 'LIMIT', '0', '1'],
  ['ZREVRANGE', 'nokey', '0', '-1'],
  // ZRANGE BYSCORE / ZRANGEBYSCORE / ZREVRANGEBYSCORE with LIMIT (negative counts: all the rest)
  ['ZRANGE', 'r', '1', '2', 'BYSCORE'],
  ['ZRANGE', 'r', '(1', '+inf', 'BYSCORE', 'WITHSCORES'],
  ['ZRANGE', 'r', '+inf', '(1', 'BYSCORE', 'REV'],
  ['ZRANGE', 'r', '1', '+inf', 'BYSCORE', 'REV'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '1', '3'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '-1'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '-5'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '0'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '-1', '2'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '100', '2'],
  ['ZRANGE', 'r', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', '1', '2', 'WITHSCORES'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '1'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', 'x', '1'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', '1', 'LIMIT', '1', '1'],
  ['ZRANGE', 'r', '-inf', '+inf', 'BYSCORE', 'BYLEX'],
  ['ZRANGE', 'r', 'x', '1', 'BYSCORE'],
  ['ZRANGEBYSCORE', 'r', '-inf', '+inf'],
  ['ZRANGEBYSCORE', 'r', '(0', '(2', 'WITHSCORES'],
  ['ZRANGEBYSCORE', 'r', '0', '2', 'LIMIT', '1', '-1'],
  ['ZRANGEBYSCORE', 'r', '0', '2', 'WITHSCORES', 'LIMIT', '0', '2'],
  ['ZRANGEBYSCORE', 'r', '0', '2', 'REV'],
  ['ZRANGEBYSCORE', 'r', '0', '2', 'BYSCORE'],
  ['ZRANGEBYSCORE', 'r', '2', '0'],
  ['ZRANGEBYSCORE', 'nokey', '0', '2'],
  ['ZREVRANGEBYSCORE', 'r', '+inf', '-inf'],
  ['ZREVRANGEBYSCORE', 'r', '2', '(1', 'WITHSCORES'],
  ['ZREVRANGEBYSCORE', 'r', '(2', '1', 'LIMIT', '0', '2'],
  ['ZREVRANGEBYSCORE', 'r', '1', '2'],
  // lex ranges (all scores equal)
  ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'ab', '0', '', '0', 'B', '0', '\xff'],
  ['ZRANGEBYLEX', 'lex', '-', '+'],
  ['ZRANGEBYLEX', 'lex', '[a', '[c'],
  ['ZRANGEBYLEX', 'lex', '(a', '(c'],
  ['ZRANGEBYLEX', 'lex', '[', '(b'],
  ['ZRANGEBYLEX', 'lex', '(', '+'],
  ['ZRANGEBYLEX', 'lex', '-', '[B'],
  ['ZRANGEBYLEX', 'lex', '+', '-'],
  ['ZRANGEBYLEX', 'lex', '[c', '[a'],
  ['ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '2', '3'],
  ['ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '2', '-1'],
  ['ZRANGEBYLEX', 'lex', '-', '+', 'LIMIT', '-1', '3'],
  ['ZRANGEBYLEX', 'lex', '-', '+', 'WITHSCORES'],
  ['ZRANGEBYLEX', 'lex', 'a', '[c'],
  ['ZRANGEBYLEX', 'lex', '[a', 'c'],
  ['ZRANGEBYLEX', 'lex', '--', '+'],
  ['ZRANGEBYLEX', 'lex', '-', '++'],
  ['ZRANGEBYLEX', 'lex', '', '+'],
  ['ZRANGEBYLEX', 'nokey', '-', '+'],
  ['ZREVRANGEBYLEX', 'lex', '+', '-'],
  ['ZREVRANGEBYLEX', 'lex', '[c', '(a'],
  ['ZREVRANGEBYLEX', 'lex', '+', '-', 'LIMIT', '1', '2'],
  ['ZREVRANGEBYLEX', 'lex', '-', '+'],
  ['ZRANGE', 'lex', '[b', '[d', 'BYLEX'],
  ['ZRANGE', 'lex', '[d', '[b', 'BYLEX', 'REV'],
  ['ZRANGE', 'lex', '+', '-', 'BYLEX', 'REV', 'LIMIT', '0', '3'],
  ['ZRANGE', 'lex', '-', '+', 'BYLEX', 'WITHSCORES'],
  ['ZRANGE', 'lex', 'b', 'd', 'BYLEX'],
  ['ZLEXCOUNT', 'lex', '-', '+'],
  ['ZLEXCOUNT', 'lex', '(a', '[d'],
  ['ZLEXCOUNT', 'lex', '[d', '(a'],
  ['ZLEXCOUNT', 'lex', 'a', '+'],
  ['ZLEXCOUNT', 'nokey', '-', '+'],
  // pops: counts, missing keys, the key deleted when emptied
  ['ZPOPMIN', 'r'],
  ['ZPOPMAX', 'r'],
  ['ZPOPMIN', 'r', '2'],
  ['ZPOPMAX', 'r', '0'],
  ['ZPOPMIN', 'r', '-1'],
  ['ZPOPMIN', 'r', 'x'],
  ['ZPOPMIN', 'r', '1', '2'],
  ['ZPOPMIN', 'nokey'],
  ['ZPOPMIN', 'nokey', '0'],
  ['ZPOPMIN', 'nokey', '3'],
  ['ZPOPMAX', 'nokey', '-1'],
  ['ZPOPMAX', 'r', '100'],
  ['EXISTS', 'r'],
  // ZREMRANGEBY*
  ['ZADD', 'rr', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
  ['ZREMRANGEBYRANK', 'rr', '-2', '-1'],
  ['ZREMRANGEBYRANK', 'rr', '3', '1'],
  ['ZREMRANGEBYRANK', 'rr', '100', '200'],
  ['ZREMRANGEBYRANK', 'rr', 'x', '1'],
  ['ZREMRANGEBYRANK', 'rr', '0', '0'],
  ['ZREMRANGEBYSCORE', 'rr', '(2', '3'],
  ['ZREMRANGEBYSCORE', 'rr', 'x', '3'],
  ['ZREMRANGEBYSCORE', 'rr', '5', '1'],
  ['ZRANGE', 'rr', '0', '-1', 'WITHSCORES'],
  ['ZREMRANGEBYSCORE', 'rr', '-inf', '+inf'],
  ['EXISTS', 'rr'],
  ['ZREMRANGEBYLEX', 'lex', '[a', '(c'],
  ['ZREMRANGEBYLEX', 'lex', 'a', '(c'],
  ['ZREMRANGEBYLEX', 'lex', '(d', '+'],
  ['ZRANGE', 'lex', '0', '-1'],
  ['ZREMRANGEBYLEX', 'lex', '-', '+'],
  ['EXISTS', 'lex'],
  ['ZREMRANGEBYRANK', 'nokey', '0', '-1'],
  ['ZREMRANGEBYSCORE', 'nokey', '-inf', '+inf'],
  ['ZREMRANGEBYLEX', 'nokey', '-', '+'],
  // expiry and generic commands on sorted sets
  ['ZADD', 'e', '1', 'a'],
  ['EXPIRE', 'e', '100'],
  ['TTL', 'e'],
  ['ZADD', 'e', '2', 'b'],
  ['TTL', 'e'],
  ['ZPOPMIN', 'e', '5'],
  ['TTL', 'e'],
  ['ZADD', 'e', '1', 'a'],
  ['EXPIRE', 'e', '0'],
  ['ZCARD', 'e'],
  ['ZADD', 'e', '1', 'a', '2', 'b'],
  ['RENAME', 'e', 'e2'],
  ['ZRANGE', 'e2', '0', '-1', 'WITHSCORES'],
  ['TYPE', 'e2'],
  ['COPY', 'e2', 'e3'],
  ['ZADD', 'e2', '3', 'c'],
  ['ZRANGE', 'e3', '0', '-1'],
  ['OBJECT', 'ENCODING', 'e3'],
  ['DEL', 'e2', 'e3'],
];

describe('ringcache vs redis-server: sorted set edge cases', () => {
  for (const resp3 of [false, true]) {
    it(`answers ZADD, ZINCRBY, ZSCORE, ZREM and encodings as redis-server does${resp3 ? ' in RESP3' : ''}`, async () => {
      await servers.withPair(resp3, async (pair) => expect(await compare(pair, ZADD_CASES)).toEqual([]));
    });
    it(`answers range, rank, count, pop and remove-range commands as redis-server does${resp3 ? ' in RESP3' : ''}`, async () => {
      await servers.withPair(resp3, async (pair) => expect(await compare(pair, RANGE_CASES)).toEqual([]));
    });
  }
});

/**
 * KNOWN MISMATCH (passes while it remains): lex ranges over members with different scores. Redis documents the
 * result as unspecified; for a small (listpack) set it first tests the range against the first and last
 * entries, then scans linearly; a skiplist's answer depends on its random levels. ringcache counts ranks, e.g.
 *   ZADD mixed 1 a 2 b 0 c 3 aa; ZRANGEBYLEX mixed [b +   → redis-server "*0", ringcache "*2 b aa"
 *   ZLEXCOUNT mixed (a +                                  → redis-server ":4", ringcache ":2"
 */
describe('ringcache vs redis-server: known differences', () => {
  it.failing('answers lex ranges over different scores as a listpack-encoded redis-server set does', async () => {
    await servers.withPair(false, async (pair) => {
      const mixed = [
        ['FLUSHALL'],
        ['ZADD', 'mixed', '1', 'a', '2', 'b', '0', 'c', '3', 'aa'],
        ['ZRANGEBYLEX', 'mixed', '[b', '+'],
        ['ZRANGEBYLEX', 'mixed', '-', '(b'],
        ['ZLEXCOUNT', 'mixed', '(a', '+'],
        ['ZREVRANGEBYLEX', 'mixed', '+', '[b'],
      ];
      expect(await compare(pair, mixed)).toEqual([]);
    });
  });
});

// ==== (b) Random sequences ====

type Gen = () => string[];

/** Sorted sets under test; k4/k5 take strings, lists and sets (WRONGTYPE paths). */
const ZKEYS = ['z1', 'z2', 'z3'];
const KEYS = [...ZKEYS, 'k4', 'k5'];
/** Members: short strings, integers, an empty one; now and then one past the listpack limit of 64 bytes. */
const MEMBERS = ['a', 'b', 'c', 'd', 'e', '1', '10', ''];
const SCORES = ['0', '1', '2', '-1', '1.5', '-0', '3', '1e300', '-1e300', 'inf', '-inf', '0.1', '100'];
const BOUNDS = ['-inf', '+inf', '0', '1', '(1', '2', '(2', '-1', '1.5', '(0', '100', 'x'];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[c', '(c', '[e', '[', '(', 'a', '[1'];
const INDEXES = ['0', '1', '2', '-1', '-2', '3', '5', '-5', '100', '-100', 'x'];
const COUNTS = ['0', '1', '2', '3', '5', '-1', 'x'];

function generators({ rand, pick, some, maybe }: Picker): { zset: Gen[]; lex: Gen[]; other: Gen[] } {
  const zkey = (): string => (rand() < 0.9 ? pick(ZKEYS) : pick(KEYS));
  const member = (): string => (rand() < 0.01 ? 'x'.repeat(65) : pick(MEMBERS));
  const pairs = (): string[] => some(MEMBERS, 1, 4).flatMap((m) => [pick(SCORES), m]);
  const flags = (): string[] => some(['NX', 'XX', 'GT', 'LT', 'CH', 'CH', 'INCR'], 0, 2);
  const limit = (): string[] => maybe(0.3, () => ['LIMIT', pick(['0', '1', '2', '-1', 'x']), pick(['0', '1', '2', '-1', '-5', '10'])]);
  const withScores = (): string[] => maybe(0.5, () => ['WITHSCORES']);

  const zset: Gen[] = [
    () => ['ZADD', zkey(), ...pairs()],
    () => ['ZADD', zkey(), ...pairs()],
    () => ['ZADD', zkey(), ...flags(), ...pairs()],
    () => ['ZADD', zkey(), ...flags(), pick(SCORES), member()],
    () => ['ZADD', zkey(), pick(SCORES), member(), ...maybe(0.05, () => ['nan', 'a'])],
    () => ['ZINCRBY', zkey(), pick(SCORES), member()],
    () => ['ZREM', zkey(), ...some(MEMBERS, 1, 3)],
    () => ['ZCARD', zkey()],
    () => ['ZSCORE', zkey(), member()],
    () => ['ZMSCORE', zkey(), ...some(MEMBERS, 1, 3)],
    () => [pick(['ZRANK', 'ZREVRANK']), zkey(), member()],
    () => ['ZCOUNT', zkey(), pick(BOUNDS), pick(BOUNDS)],
    () => ['ZRANGE', zkey(), '0', '-1', 'WITHSCORES'],
    () => ['ZRANGE', zkey(), pick(INDEXES), pick(INDEXES), ...maybe(0.3, () => ['REV']), ...withScores()],
    () => ['ZRANGE', zkey(), pick(BOUNDS), pick(BOUNDS), 'BYSCORE', ...maybe(0.3, () => ['REV']), ...limit(), ...withScores()],
    () => [pick(['ZRANGEBYSCORE', 'ZREVRANGEBYSCORE']), zkey(), pick(BOUNDS), pick(BOUNDS), ...withScores(), ...limit()],
    () => ['ZREVRANGE', zkey(), pick(INDEXES), pick(INDEXES), ...withScores()],
    () => [pick(['ZPOPMIN', 'ZPOPMAX']), zkey(), ...maybe(0.6, () => [pick(COUNTS)])],
    () => ['ZREMRANGEBYRANK', zkey(), pick(INDEXES), pick(INDEXES)],
    () => ['ZREMRANGEBYSCORE', zkey(), pick(BOUNDS), pick(BOUNDS)],
  ];

  // Lex ranges are specified only when every score is equal: the lex key only ever holds score 0.
  const lex: Gen[] = [
    () => ['ZADD', 'zl', ...some(MEMBERS, 1, 4).flatMap((m) => ['0', m])],
    () => ['ZREM', 'zl', ...some(MEMBERS, 1, 2)],
    () => [pick(['ZRANGEBYLEX', 'ZREVRANGEBYLEX']), 'zl', pick(LEX_BOUNDS), pick(LEX_BOUNDS), ...limit()],
    () => ['ZRANGE', 'zl', pick(LEX_BOUNDS), pick(LEX_BOUNDS), 'BYLEX', ...maybe(0.3, () => ['REV']), ...limit()],
    () => ['ZLEXCOUNT', 'zl', pick(LEX_BOUNDS), pick(LEX_BOUNDS)],
    () => ['ZREMRANGEBYLEX', 'zl', pick(LEX_BOUNDS), pick(LEX_BOUNDS)],
    () => ['ZRANGE', 'zl', '0', '-1', 'WITHSCORES'],
  ];

  const foreign = (): string => pick(['k4', 'k5']);
  const other: Gen[] = [
    () => ['DEL', pick(KEYS), ...maybe(0.3, () => [pick(KEYS)])],
    () => ['EXPIRE', pick(KEYS), pick(['100', '0', '-1']), ...maybe(0.3, () => [pick(['NX', 'XX', 'GT', 'LT'])])],
    () => ['PERSIST', pick(KEYS)],
    () => ['TTL', pick(KEYS)],
    () => ['TYPE', pick(KEYS)],
    () => ['OBJECT', 'ENCODING', pick([...KEYS, 'zl'])],
    () => ['OBJECT', 'ENCODING', pick(ZKEYS)],
    () => ['EXISTS', ...some(KEYS)],
    () => ['SET', foreign(), pick(['v', '1'])],
    () => ['RPUSH', foreign(), ...some(MEMBERS)],
    () => ['LPOP', pick(KEYS)],
    () => ['LRANGE', pick(KEYS), '0', '-1'],
    () => ['SADD', foreign(), ...some(MEMBERS)],
    () => ['SCARD', pick(KEYS)],
    () => ['SREM', pick(KEYS), member()],
    () => ['RENAME', pick(KEYS), pick(KEYS)],
  ];
  return { zset, lex, other };
}

/** `n` commands: about 70% score commands, 15% lex commands, 15% others; FLUSHALL now and then. */
function sequence(seed: number, n: number): string[][] {
  const p = picker(seed);
  const g = generators(p);
  const commands: string[][] = [['FLUSHALL']];
  for (let i = 0; i < n; i++) {
    const r = p.rand();
    commands.push(p.pick(r < 0.7 ? g.zset : r < 0.85 ? g.lex : g.other)());
    if (i % 400 === 399) commands.push(['FLUSHALL']);
  }
  return commands;
}

/** A TTL of 100 s may read 99 on one server and 100 on the other when a second boundary falls between. */
function normalizeTtl(cmd: string[], reply: string): string {
  return cmd[0] === 'TTL' && (reply === ':99\r\n' || reply === ':100\r\n') ? ':100\r\n' : reply;
}

/** Set DIFF_ZSETS_SEED to explore other sequences; the default (0) is what CI runs. */
const SEED_SHIFT = Number(process.env.DIFF_ZSETS_SEED ?? 0);

describe('ringcache vs redis-server: random sorted set sequences', () => {
  for (const [seed, n, resp3] of [[9001, 4000, false], [9002, 4000, false], [9003, 1500, true]] as const) {
    it(`answers ${n} seeded random sorted set commands as redis-server does${resp3 ? ' in RESP3' : ''} (seed ${seed})`, async () => {
      await servers.withPair(resp3, async (pair) => {
        const mismatches = await compare(pair, sequence(seed + SEED_SHIFT * 7919, n), { normalize: normalizeTtl, resync: true });
        expect(mismatches.slice(0, 10)).toEqual([]);
      });
    });
  }
});

// ==== (c) Transactions over two connections ====

/**
 * Two connections to each server: commands go to the first, or to the second when prefixed with "B:". A
 * mismatch names the command as written, prefix included.
 */
function twoClients(a: ClientPair, b: ClientPair): ClientPair {
  return {
    ours: a.ours,
    theirs: a.theirs,
    call: (...cmd) => (cmd[0] === 'B:' ? b.call(...cmd.slice(1)) : a.call(...cmd)),
    close() {
      a.close();
      b.close();
    },
  };
}

async function compareTwoClients(resp3: boolean, script: string[][]): Promise<Mismatch[]> {
  const [a, b] = await Promise.all([servers.connect(resp3), servers.connect(resp3)]);
  const both = twoClients(a, b);
  try {
    return await compare(both, script);
  } finally {
    both.close();
  }
}

const TX_CASES: string[][] = [
  ['FLUSHALL'],
  // EXEC / DISCARD without MULTI, nested MULTI, WATCH inside MULTI (neither aborts the transaction)
  ['EXEC'],
  ['DISCARD'],
  ['MULTI'],
  ['MULTI'],
  ['WATCH', 'tz'],
  ['ZADD', 'tz', '1', 'a'],
  ['ZSCORE', 'tz', 'a'],
  ['ZRANGE', 'tz', '0', '-1', 'WITHSCORES'],
  ['EXEC'],
  // DISCARD drops the queue
  ['MULTI'],
  ['ZADD', 'tz', '2', 'b'],
  ['DISCARD'],
  ['ZCARD', 'tz'],
  ['EXEC'],
  // queue-time errors (unknown command, arity) abort EXEC; the queued commands never run
  ['MULTI'],
  ['ZADD', 'tz', '3', 'c'],
  ['NOSUCHCOMMAND'],
  ['ZADD', 'tz'],
  ['EXEC'],
  ['ZCARD', 'tz'],
  ['MULTI'],
  ['ZRANK', 'tz', 'a', 'WITHSCORE'],
  ['EXEC'],
  // runtime errors inside EXEC: the other commands still run
  ['SET', 'ts', 'v'],
  ['MULTI'],
  ['ZADD', 'ts', '1', 'a'],
  ['ZADD', 'tz', 'NX', 'XX', '1', 'a'],
  ['ZADD', 'tz', 'nan', 'a'],
  ['ZINCRBY', 'tz', '0.1', 'a'],
  ['ZINCRBY', 'tz', '0.2', 'a'],
  ['ZCOUNT', 'tz', 'x', '1'],
  ['ZPOPMIN', 'tz', '5'],
  ['ZRANGE', 'tz', '0', '-1', 'WITHSCORES'],
  ['EXEC'],
  // WATCH, then another client writes the key: EXEC answers nil
  ['ZADD', 'w', '1', 'a'],
  ['WATCH', 'w'],
  ['B:', 'ZADD', 'w', '2', 'a'],
  ['MULTI'],
  ['ZADD', 'w', '3', 'a'],
  ['EXEC'],
  ['ZSCORE', 'w', 'a'],
  // the watch ends with EXEC: the next transaction runs
  ['MULTI'],
  ['ZADD', 'w', '3', 'a'],
  ['EXEC'],
  // a write that changes nothing does not touch the key
  ['WATCH', 'w'],
  ['B:', 'ZADD', 'w', 'NX', '9', 'a'],
  ['B:', 'ZREM', 'w', 'nope'],
  ['B:', 'ZPOPMIN', 'nokey'],
  ['B:', 'ZREMRANGEBYSCORE', 'w', '100', '200'],
  ['MULTI'],
  ['ZINCRBY', 'w', '1', 'a'],
  ['EXEC'],
  // the watching client's own write before MULTI aborts too
  ['WATCH', 'w'],
  ['ZADD', 'w', '5', 'b'],
  ['MULTI'],
  ['ZCARD', 'w'],
  ['EXEC'],
  // UNWATCH forgets; DISCARD also unwatches
  ['WATCH', 'w'],
  ['UNWATCH'],
  ['B:', 'ZADD', 'w', '7', 'c'],
  ['MULTI'],
  ['ZCARD', 'w'],
  ['EXEC'],
  ['WATCH', 'w'],
  ['MULTI'],
  ['DISCARD'],
  ['B:', 'ZREM', 'w', 'c'],
  ['MULTI'],
  ['ZCARD', 'w'],
  ['EXEC'],
  // a missing key another client creates; a key another client deletes, expires or flushes
  ['WATCH', 'missing'],
  ['B:', 'ZADD', 'missing', '1', 'x'],
  ['MULTI'],
  ['ZCARD', 'missing'],
  ['EXEC'],
  ['WATCH', 'missing2'],
  ['B:', 'DEL', 'missing2'],
  ['MULTI'],
  ['ZCARD', 'missing2'],
  ['EXEC'],
  ['WATCH', 'w'],
  ['B:', 'EXPIRE', 'w', '1000'],
  ['MULTI'],
  ['TTL', 'w'],
  ['EXEC'],
  ['WATCH', 'w', 'missing'],
  ['B:', 'DEL', 'missing'],
  ['MULTI'],
  ['ZCARD', 'w'],
  ['EXEC'],
  ['WATCH', 'w'],
  ['B:', 'FLUSHALL'],
  ['MULTI'],
  ['ZCARD', 'w'],
  ['EXEC'],
  // another client touching a different key does not abort
  ['ZADD', 'w', '1', 'a'],
  ['WATCH', 'w'],
  ['B:', 'ZADD', 'other', '1', 'a'],
  ['B:', 'ZRANGE', 'w', '0', '-1'],
  ['MULTI'],
  ['ZPOPMAX', 'w'],
  ['EXEC'],
  // queued errors after a WATCH abort with EXECABORT, not nil
  ['ZADD', 'w', '1', 'a'],
  ['WATCH', 'w'],
  ['B:', 'ZADD', 'w', '2', 'a'],
  ['MULTI'],
  ['ZADD', 'w'],
  ['EXEC'],
  // the second client's own transaction while the first one's is queued
  ['MULTI'],
  ['ZADD', 'tx2', '1', 'a'],
  ['B:', 'MULTI'],
  ['B:', 'ZADD', 'tx2', '5', 'a'],
  ['B:', 'EXEC'],
  ['ZSCORE', 'tx2', 'a'],
  ['EXEC'],
  ['ZSCORE', 'tx2', 'a'],
  ['MULTI'],
  ['EXEC'],
];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('ringcache vs redis-server: MULTI/EXEC/WATCH', () => {
  for (const resp3 of [false, true]) {
    it(`answers transactions over two connections as redis-server does${resp3 ? ' in RESP3' : ''}`, async () => {
      expect(await compareTwoClients(resp3, TX_CASES)).toEqual([]);
    });
  }

  it('aborts EXEC when a WATCHed key expires before it, as redis-server does', async () => {
    await servers.withPair(false, async (pair) => {
      const mismatches = await compare(pair, [['FLUSHALL'], ['ZADD', 'ex', '1', 'a'], ['PEXPIRE', 'ex', '100'], ['WATCH', 'ex']]);
      await sleep(200);
      mismatches.push(...(await compare(pair, [['MULTI'], ['ZCARD', 'ex'], ['EXEC']])));
      expect(mismatches).toEqual([]);
    });
  });

  it('treats a WATCHed key that had already expired as missing, as redis-server does', async () => {
    await servers.withPair(false, async (pair) => {
      const mismatches = await compare(pair, [['FLUSHALL'], ['ZADD', 'gone', '1', 'a'], ['PEXPIRE', 'gone', '20']]);
      await sleep(100);
      mismatches.push(...(await compare(pair, [['WATCH', 'gone'], ['MULTI'], ['ZCARD', 'gone'], ['EXEC'], ['WATCH', 'gone'], ['ZADD', 'gone', '1', 'b'], ['MULTI'], ['ZCARD', 'gone'], ['EXEC']])));
      expect(mismatches).toEqual([]);
    });
  });
});

// ==== Set algebra and the other sorted set commands, still being written ====

/**
 * Every reply of these is compared byte for byte except ZRANDMEMBER's (random): only its shape, size and
 * membership are compared. ZSCAN's cursor walk is compared as its final set of members.
 */
const ALGEBRA_CASES: string[][] = [
  ['FLUSHALL'],
  ['ZADD', 'A', '1', 'a', '2', 'b', '3', 'c', 'inf', 'i'],
  ['ZADD', 'B', '10', 'b', '20', 'c', '30', 'd', '-inf', 'i'],
  ['SADD', 'S', 'a', 'd', 'x'],
  ['SET', 'str', 'v'],
  ['ZUNION', '2', 'A', 'B'],
  ['ZUNION', '2', 'A', 'B', 'WITHSCORES'],
  ['ZUNION', '2', 'A', 'B', 'WEIGHTS', '2', '0.5', 'WITHSCORES'],
  ['ZUNION', '2', 'A', 'B', 'AGGREGATE', 'MIN', 'WITHSCORES'],
  ['ZUNION', '2', 'A', 'B', 'AGGREGATE', 'MAX', 'WITHSCORES'],
  ['ZUNION', '2', 'A', 'B', 'WEIGHTS', '0', '0', 'WITHSCORES'],
  ['ZUNION', '3', 'A', 'B', 'S', 'WITHSCORES'],
  ['ZUNION', '2', 'A', 'str'],
  ['ZUNION', '2', 'A', 'nokey', 'WITHSCORES'],
  ['ZUNION', '0', 'A'],
  ['ZUNION', '-1', 'A'],
  ['ZUNION', '3', 'A', 'B'],
  ['ZUNION', '2', 'A', 'B', 'WEIGHTS', '1'],
  ['ZUNION', '2', 'A', 'B', 'WEIGHTS', '1', 'x'],
  ['ZUNION', '2', 'A', 'B', 'AGGREGATE', 'AVG'],
  ['ZINTER', '2', 'A', 'B', 'WITHSCORES'],
  ['ZINTER', '2', 'A', 'B', 'WEIGHTS', '1', '-1', 'WITHSCORES'],
  ['ZINTER', '2', 'A', 'S', 'WITHSCORES'],
  ['ZINTER', '2', 'A', 'nokey'],
  ['ZINTER', '1', 'str'],
  ['ZDIFF', '2', 'A', 'B', 'WITHSCORES'],
  ['ZDIFF', '2', 'B', 'A'],
  ['ZDIFF', '1', 'nokey'],
  ['ZDIFF', '2', 'A', 'B', 'WEIGHTS', '1', '1'],
  ['ZUNIONSTORE', 'U', '2', 'A', 'B', 'WEIGHTS', '1', '2'],
  ['ZRANGE', 'U', '0', '-1', 'WITHSCORES'],
  ['ZINTERSTORE', 'I', '2', 'A', 'B', 'AGGREGATE', 'MAX'],
  ['ZRANGE', 'I', '0', '-1', 'WITHSCORES'],
  ['ZDIFFSTORE', 'D', '2', 'A', 'B'],
  ['ZRANGE', 'D', '0', '-1', 'WITHSCORES'],
  ['ZINTERSTORE', 'U', '2', 'A', 'nokey'],
  ['EXISTS', 'U'],
  ['ZUNIONSTORE', 'str2', '1', 'str'],
  ['ZINTERCARD', '2', 'A', 'B'],
  ['ZINTERCARD', '2', 'A', 'B', 'LIMIT', '1'],
  ['ZINTERCARD', '2', 'A', 'B', 'LIMIT', '0'],
  ['ZINTERCARD', '2', 'A', 'B', 'LIMIT', '-1'],
  ['ZINTERCARD', '0', 'A'],
  ['ZINTERCARD', '1', 'str'],
  ['ZINTERCARD', '2', 'A', 'S'],
  ['ZRANGESTORE', 'RS', 'A', '0', '1'],
  ['ZRANGE', 'RS', '0', '-1', 'WITHSCORES'],
  ['ZRANGESTORE', 'RS', 'A', '(1', '+inf', 'BYSCORE', 'LIMIT', '0', '2'],
  ['ZRANGE', 'RS', '0', '-1', 'WITHSCORES'],
  ['ZRANGESTORE', 'RS', 'A', '+', '-', 'BYLEX', 'REV'],
  ['ZRANGESTORE', 'RS', 'A', '5', '9'],
  ['EXISTS', 'RS'],
  ['ZRANGESTORE', 'RS', 'A', '0', '-1', 'WITHSCORES'],
  ['ZRANGESTORE', 'RS', 'str', '0', '-1'],
  ['ZMPOP', '2', 'nokey', 'A', 'MIN'],
  ['ZMPOP', '2', 'nokey', 'A', 'MAX', 'COUNT', '2'],
  ['ZMPOP', '1', 'A', 'MIN', 'COUNT', '10'],
  ['EXISTS', 'A'],
  ['ZMPOP', '1', 'nokey', 'MIN'],
  ['ZMPOP', '1', 'B', 'MIN', 'COUNT', '0'],
  ['ZMPOP', '1', 'B', 'LEFT'],
  ['ZMPOP', '0', 'B', 'MIN'],
  ['ZMPOP', '1', 'str', 'MIN'],
  ['ZMPOP', '1', 'B', 'MIN', 'COUNT', '1', 'COUNT', '2'],
  ['ZRANDMEMBER', 'nokey'],
  ['ZRANDMEMBER', 'nokey', '3'],
  ['ZRANDMEMBER', 'B', '0'],
  ['ZRANDMEMBER', 'B', 'x'],
  ['ZRANDMEMBER', 'str'],
  ['ZRANDMEMBER', 'B', '1', 'WITHSCORES', 'extra'],
  ['ZRANDMEMBER', 'B', '-9223372036854775808'],
  ['ZSCAN', 'B', 'x'],
  ['ZSCAN', 'nokey', '0'],
  ['ZSCAN', 'str', '0'],
  ['ZSCAN', 'B', '0', 'COUNT', '0'],
  ['ZSCAN', 'B', '0', 'BOGUS', '1'],
  ['ZSCAN', 'B', '0', 'MATCH', '[bc]', 'COUNT', '100'],
  ['ZSCAN', 'B', '0'],
];

/** ZRANDMEMBER calls whose replies are random: the members of a set of 4 with distinct scores. */
const RANDOM_CASES: string[][] = [
  ['ZRANDMEMBER', 'R'],
  ['ZRANDMEMBER', 'R', '2'],
  ['ZRANDMEMBER', 'R', '10'],
  ['ZRANDMEMBER', 'R', '-10'],
  ['ZRANDMEMBER', 'R', '3', 'WITHSCORES'],
  ['ZRANDMEMBER', 'R', '-6', 'WITHSCORES'],
];

describe('zset algebra', () => {
  for (const resp3 of [false, true]) {
    it(`answers ZUNION ZINTER ZDIFF *STORE ZINTERCARD ZRANGESTORE ZMPOP ZSCAN as redis-server does${resp3 ? ' in RESP3' : ''}`, async () => {
      await servers.withPair(resp3, async (pair) => {
        expect(await compare(pair, ALGEBRA_CASES)).toEqual([]);
      });
    });

    it(`answers ZRANDMEMBER with replies of the same shape as redis-server${resp3 ? ' in RESP3' : ''}`, async () => {
      await servers.withPair(resp3, async (pair) => {
        await pair.call('FLUSHALL');
        await pair.call('ZADD', 'R', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
        for (const cmd of RANDOM_CASES) {
          const [ours, theirs] = await pair.call(...cmd);
          // Same type and size; every member (or member/score pair) one of R's; distinct for a positive count.
          expect([cmd, ours.slice(0, ours.indexOf('\r\n'))]).toEqual([cmd, theirs.slice(0, theirs.indexOf('\r\n'))]);
          const withScores = cmd.includes('WITHSCORES');
          const group = withScores && !resp3 ? 2 : 1;
          const [all] = await pair.call('ZRANGE', 'R', '0', '-1', ...(withScores ? ['WITHSCORES'] : []));
          const universe = new Set(elements(all, group));
          const picked = cmd.length === 2 ? [ours] : elements(ours, group);
          expect(picked.filter((item) => !universe.has(item))).toEqual([]);
          if (cmd.length > 2 && Number(cmd[2]) > 0) expect(new Set(picked).size).toBe(picked.length);
        }
      });
    });
  }

  it('answers a ZSCAN walk with the same members as redis-server', async () => {
    await servers.withPair(false, async (pair) => {
      await pair.call('FLUSHALL');
      await pair.call('ZADD', 'big', ...many(300, (i) => `${i}`).flatMap((i) => [i, `m${i}`]));
      const walk = async (client: ClientPair['ours']): Promise<string[]> => {
        const seen: string[] = [];
        let cursor = '0';
        do {
          const reply = await client.call('ZSCAN', 'big', cursor, 'COUNT', '50');
          const [cur, page] = elements(reply);
          cursor = cur.split('\r\n')[1];
          seen.push(...elements(page, 2));
        } while (cursor !== '0');
        return [...new Set(seen)].sort();
      };
      expect(await walk(pair.ours)).toEqual(await walk(pair.theirs));
    });
  });
});
