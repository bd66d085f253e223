/**
 * Lists, hashes, sets and sorted sets the way users reach them: every command of each family through
 * ioredis's typed methods (RESP2), map/set/double replies through node-redis in RESP3, and redis-cli's
 * printed output. `RINGCACHE_TEST_TARGET=redis-server` runs the same file against Debian's redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis, ReplyError } from 'ioredis';
import { createClient } from 'redis';
import { startNode, startRedisServer } from './support/processes.js';

const execFileAsync = promisify(execFile);
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

let server: { port: number; stop(): Promise<void> } | undefined;
let redis: Redis;
let resp3: ReturnType<typeof createClient>;

beforeAll(async () => {
  server = process.env.RINGCACHE_TEST_TARGET === 'redis-server' ? await startRedisServer() : await startNode(['--loglevel', 'nothing']);
  redis = new Redis({ port: server.port, host: '127.0.0.1', protocol: 2, maxRetriesPerRequest: 1 });
  resp3 = createClient({ socket: { port: server.port, host: '127.0.0.1' }, RESP: 3 });
  await resp3.connect();
  await redis.set('tc:str', 'text');
});

afterAll(async () => {
  redis?.disconnect();
  resp3?.destroy();
  await server?.stop();
});

/** `redis-cli -p PORT ...args` as a user's terminal shows it (stdout without the final newline). */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('redis-cli', ['-p', String(server!.port), ...args], { timeout: 5000 });
  return stdout.replace(/\n$/, '');
}

/** The command failed with the WRONGTYPE error, surfaced by ioredis as a ReplyError. */
async function expectWrongType(reply: Promise<unknown>): Promise<void> {
  const err = await reply.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReplyError);
  expect((err as Error).message).toBe(WRONGTYPE);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A key of any type given a 20 ms PEXPIRE is gone after 60 ms of real time. */
async function expectExpires(key: string, type: string): Promise<void> {
  expect(await redis.type(key)).toBe(type);
  expect(await redis.pexpire(key, 20)).toBe(1);
  expect(await redis.pttl(key)).toBeGreaterThan(0);
  await sleep(60);
  expect(await redis.exists(key)).toBe(0);
  expect(await redis.type(key)).toBe('none');
}

describe('lists', () => {
  it('push, pop, range and index through ioredis', async () => {
    expect(await redis.rpush('tc:l', 'a', 'b', 'c')).toBe(3);
    expect(await redis.lpush('tc:l', 'z')).toBe(4);
    expect(await redis.lpushx('tc:l', 'y')).toBe(5);
    expect(await redis.rpushx('tc:l', 'd')).toBe(6);
    expect(await redis.lpushx('tc:nolist', 'x')).toBe(0);
    expect(await redis.rpushx('tc:nolist', 'x')).toBe(0);
    expect(await redis.llen('tc:l')).toBe(6);
    expect(await redis.lrange('tc:l', 0, -1)).toEqual(['y', 'z', 'a', 'b', 'c', 'd']);
    expect(await redis.lrange('tc:l', -2, 100)).toEqual(['c', 'd']);
    expect(await redis.lindex('tc:l', -1)).toBe('d');
    expect(await redis.lindex('tc:l', 99)).toBeNull();
    expect(await redis.lpop('tc:l')).toBe('y');
    expect(await redis.rpop('tc:l')).toBe('d');
    expect(await redis.lpop('tc:l', 2)).toEqual(['z', 'a']);
    expect(await redis.rpop('tc:l', 5)).toEqual(['c', 'b']);
    expect(await redis.exists('tc:l')).toBe(0);
    expect(await redis.lpop('tc:l')).toBeNull();
    expect(await redis.lpop('tc:l', 2)).toBeNull();
  });

  it('LSET LINSERT LREM LTRIM LPOS', async () => {
    await redis.rpush('tc:l2', 'a', 'b', 'a', 'c', 'a');
    expect(await redis.lset('tc:l2', 1, 'B')).toBe('OK');
    await expect(redis.lset('tc:l2', 10, 'x')).rejects.toThrow('ERR index out of range');
    await expect(redis.lset('tc:nolist', 0, 'x')).rejects.toThrow('ERR no such key');
    expect(await redis.linsert('tc:l2', 'BEFORE', 'c', 'b')).toBe(6);
    expect(await redis.linsert('tc:l2', 'AFTER', 'nope', 'x')).toBe(-1);
    expect(await redis.linsert('tc:nolist', 'AFTER', 'a', 'x')).toBe(0);
    expect(await redis.lpos('tc:l2', 'a')).toBe(0);
    expect(await redis.lpos('tc:l2', 'a', 'RANK', -1)).toBe(5);
    expect(await redis.lpos('tc:l2', 'a', 'COUNT', 0)).toEqual([0, 2, 5]);
    expect(await redis.lpos('tc:l2', 'a', 'RANK', 2, 'COUNT', 1)).toEqual([2]);
    expect(await redis.lpos('tc:l2', 'a', 'MAXLEN', 1)).toBe(0);
    expect(await redis.lpos('tc:l2', 'zz')).toBeNull();
    await expect(redis.lpos('tc:l2', 'a', 'RANK', 0)).rejects.toThrow(
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
    );
    expect(await redis.lrem('tc:l2', -1, 'a')).toBe(1);
    expect(await redis.lrange('tc:l2', 0, -1)).toEqual(['a', 'B', 'a', 'b', 'c']);
    expect(await redis.lrem('tc:l2', 0, 'a')).toBe(2);
    expect(await redis.ltrim('tc:l2', 1, -1)).toBe('OK');
    expect(await redis.lrange('tc:l2', 0, -1)).toEqual(['b', 'c']);
    expect(await redis.ltrim('tc:l2', 5, 10)).toBe('OK');
    expect(await redis.exists('tc:l2')).toBe(0);
  });

  it('RPOPLPUSH LMOVE LMPOP', async () => {
    await redis.rpush('tc:src', '1', '2', '3', '4');
    expect(await redis.rpoplpush('tc:src', 'tc:dst')).toBe('4');
    expect(await redis.lmove('tc:src', 'tc:dst', 'LEFT', 'RIGHT')).toBe('1');
    expect(await redis.lrange('tc:dst', 0, -1)).toEqual(['4', '1']);
    expect(await redis.lmove('tc:src', 'tc:src', 'RIGHT', 'LEFT')).toBe('3');
    expect(await redis.lrange('tc:src', 0, -1)).toEqual(['3', '2']);
    expect(await redis.rpoplpush('tc:nolist', 'tc:dst')).toBeNull();
    expect(await redis.lmpop(2, 'tc:nolist', 'tc:src', 'LEFT')).toEqual(['tc:src', ['3']]);
    expect(await redis.lmpop(2, 'tc:src', 'tc:dst', 'RIGHT', 'COUNT', 10)).toEqual(['tc:src', ['2']]);
    expect(await redis.lmpop(1, 'tc:src', 'LEFT')).toBeNull();
    await expect(redis.lmpop(0, 'tc:src', 'LEFT')).rejects.toThrow('ERR numkeys should be greater than 0');
  });

  it('raises WRONGTYPE as a ReplyError', async () => {
    await expectWrongType(redis.lpush('tc:str', 'x'));
    await expectWrongType(redis.lrange('tc:str', 0, -1));
    await redis.rpush('tc:wl', 'x');
    await expectWrongType(redis.get('tc:wl'));
    await expectWrongType(redis.lmove('tc:wl', 'tc:str', 'LEFT', 'LEFT'));
    expect(await redis.lrange('tc:wl', 0, -1)).toEqual(['x']);
  });

  it('expires and always reports quicklist', async () => {
    await redis.rpush('tc:le', 'a');
    expect(await redis.object('ENCODING', 'tc:le')).toBe('quicklist');
    await redis.rpush('tc:le', ...Array.from({ length: 200 }, (_, i) => `e${i}`));
    expect(await redis.object('ENCODING', 'tc:le')).toBe('quicklist');
    await expectExpires('tc:le', 'list');
  });

  it('redis-cli prints a list', async () => {
    expect(await cli('rpush', 'tc:cl', 'a b', 'c')).toBe('2');
    expect(await cli('lrange', 'tc:cl', '0', '-1')).toBe('a b\nc');
    expect(await cli('--no-raw', 'lrange', 'tc:cl', '0', '-1')).toBe('1) "a b"\n2) "c"');
    expect(await cli('--no-raw', 'lpop', 'tc:nolist')).toBe('(nil)');
    expect(await cli('--no-raw', 'lpush', 'tc:str', 'x')).toBe(`(error) ${WRONGTYPE}`);
  });
});

describe('hashes', () => {
  it('set, get and list fields through ioredis', async () => {
    expect(await redis.hset('tc:h', 'a', '1', 'b', '2')).toBe(2);
    expect(await redis.hset('tc:h', { b: '20', c: '3' })).toBe(1);
    expect(await redis.hsetnx('tc:h', 'a', 'x')).toBe(0);
    expect(await redis.hsetnx('tc:h', 'd', 'four')).toBe(1);
    expect(await redis.hmset('tc:h', 'e', '5', 'f', '6')).toBe('OK');
    expect(await redis.hget('tc:h', 'b')).toBe('20');
    expect(await redis.hget('tc:h', 'zz')).toBeNull();
    expect(await redis.hmget('tc:h', 'a', 'zz', 'd')).toEqual(['1', null, 'four']);
    expect(await redis.hlen('tc:h')).toBe(6);
    expect(await redis.hstrlen('tc:h', 'd')).toBe(4);
    expect(await redis.hstrlen('tc:h', 'zz')).toBe(0);
    expect(await redis.hexists('tc:h', 'a')).toBe(1);
    expect(await redis.hexists('tc:h', 'zz')).toBe(0);
    expect(await redis.hkeys('tc:h')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await redis.hvals('tc:h')).toEqual(['1', '20', '3', 'four', '5', '6']);
    expect(await redis.hgetall('tc:h')).toEqual({ a: '1', b: '20', c: '3', d: 'four', e: '5', f: '6' });
    expect(await redis.hgetall('tc:nohash')).toEqual({});
    expect(await redis.hdel('tc:h', 'a', 'zz', 'b')).toBe(2);
    expect(await redis.hdel('tc:h', 'c', 'd', 'e', 'f')).toBe(4);
    expect(await redis.exists('tc:h')).toBe(0);
  });

  it('HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN', async () => {
    expect(await redis.hincrby('tc:hn', 'n', 5)).toBe(5);
    expect(await redis.hincrby('tc:hn', 'n', -7)).toBe(-2);
    expect(await redis.hincrbyfloat('tc:hn', 'f', '1.5')).toBe('1.5');
    expect(await redis.hincrbyfloat('tc:hn', 'f', '0.25')).toBe('1.75');
    await redis.hset('tc:hn', 's', 'abc');
    await expect(redis.hincrby('tc:hn', 's', 1)).rejects.toThrow('ERR hash value is not an integer');
    await expect(redis.hincrbyfloat('tc:hn', 's', '1')).rejects.toThrow('ERR hash value is not a float');
    expect(['n', 'f', 's']).toContain(await redis.hrandfield('tc:hn'));
    expect(((await redis.hrandfield('tc:hn', 5)) as string[]).sort()).toEqual(['f', 'n', 's']);
    expect(await redis.hrandfield('tc:hn', -4)).toHaveLength(4);
    const pairs = (await redis.hrandfield('tc:hn', 3, 'WITHVALUES')) as string[];
    expect(pairs).toHaveLength(6);
    expect(Object.fromEntries([0, 2, 4].map((i) => [pairs[i], pairs[i + 1]]))).toEqual({ n: '-2', f: '1.75', s: 'abc' });
    expect(await redis.hrandfield('tc:nohash')).toBeNull();
    expect(await redis.hrandfield('tc:nohash', 2)).toEqual([]);
    const [cursor, flat] = await redis.hscan('tc:hn', 0, 'MATCH', '[nf]', 'COUNT', 100);
    expect(cursor).toBe('0');
    expect(flat).toEqual(['n', '-2', 'f', '1.75']);
  });

  it('raises WRONGTYPE as a ReplyError', async () => {
    await expectWrongType(redis.hset('tc:str', 'f', 'v'));
    await expectWrongType(redis.hgetall('tc:str'));
    await expectWrongType(redis.hscan('tc:str', 0));
  });

  it('expires and switches listpack to hashtable (past 512 fields or a 64-byte value)', async () => {
    await redis.hset('tc:he', 'f', 'v');
    expect(await redis.object('ENCODING', 'tc:he')).toBe('listpack');
    await redis.hset('tc:he', Object.fromEntries(Array.from({ length: 511 }, (_, i) => [`f${i}`, 'v'])));
    expect(await redis.object('ENCODING', 'tc:he')).toBe('listpack');
    await redis.hset('tc:he', 'one-too-many', 'v');
    expect(await redis.object('ENCODING', 'tc:he')).toBe('hashtable');
    await redis.hset('tc:he2', 'f', 'x'.repeat(64));
    expect(await redis.object('ENCODING', 'tc:he2')).toBe('listpack');
    await redis.hset('tc:he2', 'g', 'x'.repeat(65));
    expect(await redis.object('ENCODING', 'tc:he2')).toBe('hashtable');
    await expectExpires('tc:he', 'hash');
  });

  it('RESP3 HGETALL is a map (node-redis)', async () => {
    await redis.hset('tc:h3', 'x', '1', 'y', '2');
    expect(await resp3.hGetAll('tc:h3')).toEqual({ x: '1', y: '2' });
    expect(await resp3.hGetAll('tc:nohash')).toEqual({});
  });

  it('redis-cli prints a hash', async () => {
    expect(await cli('hset', 'tc:ch', 'f', 'v', 'g', 'w')).toBe('2');
    expect(await cli('hgetall', 'tc:ch')).toBe('f\nv\ng\nw');
    expect(await cli('--no-raw', 'hgetall', 'tc:ch')).toBe('1) "f"\n2) "v"\n3) "g"\n4) "w"');
    expect(await cli('-3', '--no-raw', 'hgetall', 'tc:ch')).toBe('1# "f" => "v"\n2# "g" => "w"');
    expect(await cli('--no-raw', 'hget', 'tc:ch', 'nope')).toBe('(nil)');
  });
});

describe('sets', () => {
  it('add, remove and query members through ioredis', async () => {
    expect(await redis.sadd('tc:s', 'a', 'b', 'c', 'a')).toBe(3);
    expect(await redis.srem('tc:s', 'c', 'zz')).toBe(1);
    expect(await redis.scard('tc:s')).toBe(2);
    expect(await redis.sismember('tc:s', 'a')).toBe(1);
    expect(await redis.sismember('tc:s', 'zz')).toBe(0);
    expect(await redis.smismember('tc:s', 'a', 'zz', 'b')).toEqual([1, 0, 1]);
    expect((await redis.smembers('tc:s')).sort()).toEqual(['a', 'b']);
    expect(await redis.smembers('tc:noset')).toEqual([]);
    expect(['a', 'b']).toContain(await redis.srandmember('tc:s'));
    expect((await redis.srandmember('tc:s', 5)).sort()).toEqual(['a', 'b']);
    expect(await redis.srandmember('tc:s', -3)).toHaveLength(3);
    expect(await redis.srandmember('tc:noset')).toBeNull();
    expect(await redis.smove('tc:s', 'tc:s2', 'a')).toBe(1);
    expect(await redis.smove('tc:s', 'tc:s2', 'zz')).toBe(0);
    expect(await redis.spop('tc:s')).toBe('b');
    expect(await redis.exists('tc:s')).toBe(0);
    expect(await redis.spop('tc:s')).toBeNull();
    await redis.sadd('tc:s', '1', '2', '3');
    expect((await redis.spop('tc:s', 2)).length).toBe(2);
    expect(await redis.spop('tc:noset', 2)).toEqual([]);
    const [cursor, members] = await redis.sscan('tc:s2', 0, 'COUNT', 10);
    expect([cursor, members]).toEqual(['0', ['a']]);
  });

  it('algebra: SINTER SINTERCARD SUNION SDIFF and their STORE forms', async () => {
    await redis.sadd('tc:sa', 'a', 'b', 'c', 'd');
    await redis.sadd('tc:sb', 'c', 'd', 'e');
    expect((await redis.sinter('tc:sa', 'tc:sb')).sort()).toEqual(['c', 'd']);
    expect(await redis.sinter('tc:sa', 'tc:noset')).toEqual([]);
    expect(await redis.sintercard(2, 'tc:sa', 'tc:sb')).toBe(2);
    expect(await redis.sintercard(2, 'tc:sa', 'tc:sb', 'LIMIT', 1)).toBe(1);
    expect((await redis.sunion('tc:sa', 'tc:sb')).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect((await redis.sdiff('tc:sa', 'tc:sb')).sort()).toEqual(['a', 'b']);
    expect(await redis.sinterstore('tc:si', 'tc:sa', 'tc:sb')).toBe(2);
    expect(await redis.sunionstore('tc:su', 'tc:sa', 'tc:sb')).toBe(5);
    expect(await redis.sdiffstore('tc:sd', 'tc:sb', 'tc:sa')).toBe(1);
    expect(await redis.smembers('tc:sd')).toEqual(['e']);
    expect(await redis.sinterstore('tc:sd', 'tc:sa', 'tc:noset')).toBe(0);
    expect(await redis.exists('tc:sd')).toBe(0);
  });

  it('raises WRONGTYPE as a ReplyError', async () => {
    await expectWrongType(redis.sadd('tc:str', 'x'));
    await expectWrongType(redis.sunion('tc:sa', 'tc:str'));
    await expectWrongType(redis.sintercard(1, 'tc:str'));
    // A STORE destination is overwritten whatever its type.
    await redis.set('tc:sdst', 'text');
    expect(await redis.sunionstore('tc:sdst', 'tc:sa')).toBe(4);
    expect(await redis.type('tc:sdst')).toBe('set');
  });

  it('expires and switches intset to hashtable', async () => {
    await redis.sadd('tc:se', '1', '2', '3');
    expect(await redis.object('ENCODING', 'tc:se')).toBe('intset');
    await redis.sadd('tc:se', 'x');
    expect(await redis.object('ENCODING', 'tc:se')).toBe('hashtable');
    await redis.sadd('tc:se2', ...Array.from({ length: 512 }, (_, i) => String(i)));
    expect(await redis.object('ENCODING', 'tc:se2')).toBe('intset');
    await redis.sadd('tc:se2', '512');
    expect(await redis.object('ENCODING', 'tc:se2')).toBe('hashtable');
    await expectExpires('tc:se', 'set');
  });

  it('RESP3 SMEMBERS is a set (node-redis)', async () => {
    await redis.sadd('tc:s3', 'x', 'y');
    expect(((await resp3.sMembers('tc:s3')) as string[]).sort()).toEqual(['x', 'y']);
    expect(await resp3.sIsMember('tc:s3', 'x')).toBe(1);
  });

  it('redis-cli prints a set', async () => {
    expect(await cli('sadd', 'tc:cs', '5', '7')).toBe('2');
    expect(await cli('smembers', 'tc:cs')).toBe('5\n7');
    expect(await cli('--no-raw', 'smembers', 'tc:cs')).toBe('1) "5"\n2) "7"');
    expect(await cli('-3', '--no-raw', 'smembers', 'tc:cs')).toBe('1~ "5"\n2~ "7"');
  });
});

describe('sorted sets', () => {
  it('ZADD options, scores and ranks through ioredis', async () => {
    expect(await redis.zadd('tc:z', 1, 'a', 2, 'b', 3, 'c')).toBe(3);
    expect(await redis.zadd('tc:z', 'NX', 10, 'a', 4, 'd')).toBe(1);
    expect(await redis.zadd('tc:z', 'XX', 'CH', 1.5, 'a', 9, 'zz')).toBe(1);
    expect(await redis.zadd('tc:z', 'GT', 'CH', 1, 'b', 5, 'c')).toBe(1);
    expect(await redis.zadd('tc:z', 'LT', 'CH', 0, 'b')).toBe(1);
    expect(await redis.zadd('tc:z', 'INCR', 2, 'b')).toBe('2');
    expect(await redis.zadd('tc:z', 'NX', 'INCR', 1, 'b')).toBeNull();
    await expect(redis.zadd('tc:z', 'NX', 'XX', 1, 'a')).rejects.toThrow('ERR XX and NX options at the same time are not compatible');
    await expect(redis.zadd('tc:z', 'x', 'a')).rejects.toThrow('ERR value is not a valid float');
    expect(await redis.zincrby('tc:z', '0.5', 'a')).toBe('2');
    expect(await redis.zcard('tc:z')).toBe(4);
    expect(await redis.zscore('tc:z', 'c')).toBe('5');
    expect(await redis.zscore('tc:z', 'zz')).toBeNull();
    expect(await redis.zmscore('tc:z', 'a', 'zz', 'd')).toEqual(['2', null, '4']);
    expect(await redis.zrange('tc:z', '0', '-1', 'WITHSCORES')).toEqual(['a', '2', 'b', '2', 'd', '4', 'c', '5']);
    expect(await redis.zrank('tc:z', 'd')).toBe(2);
    expect(await redis.zrevrank('tc:z', 'd')).toBe(1);
    expect(await redis.zrank('tc:z', 'zz')).toBeNull();
    // WITHSCORE arrived in Redis 7.2; 7.0 counts it as an extra argument.
    await expect(redis.call('ZRANK', 'tc:z', 'd', 'WITHSCORE')).rejects.toThrow("ERR wrong number of arguments for 'zrank' command");
    expect(await redis.zrem('tc:z', 'a', 'zz')).toBe(1);
    expect(await redis.zcount('tc:z', '(2', '+inf')).toBe(2);
    expect(await redis.zcount('tc:z', '-inf', 4)).toBe(2);
  });

  it('range queries: ZRANGE forms, BYSCORE/BYLEX variants, ZRANGESTORE', async () => {
    await redis.zadd('tc:zr', 1, 'one', 2, 'two', 3, 'three', 4, 'four');
    expect(await redis.zrange('tc:zr', '0', '1')).toEqual(['one', 'two']);
    expect(await redis.zrange('tc:zr', '(1', '3', 'BYSCORE', 'WITHSCORES')).toEqual(['two', '2', 'three', '3']);
    expect(await redis.zrange('tc:zr', '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 1, 2)).toEqual(['three', 'two']);
    expect(await redis.zrangebyscore('tc:zr', 2, '+inf', 'WITHSCORES', 'LIMIT', 0, 2)).toEqual(['two', '2', 'three', '3']);
    expect(await redis.zrevrangebyscore('tc:zr', 3, '(1')).toEqual(['three', 'two']);
    expect(await redis.zrevrange('tc:zr', 0, 0, 'WITHSCORES')).toEqual(['four', '4']);
    await expect(redis.zrangebyscore('tc:zr', 'x', 2)).rejects.toThrow('ERR min or max is not a float');
    await redis.zadd('tc:zl', 0, 'a', 0, 'b', 0, 'c', 0, 'd');
    expect(await redis.zrangebylex('tc:zl', '[b', '+')).toEqual(['b', 'c', 'd']);
    expect(await redis.zrangebylex('tc:zl', '-', '(c', 'LIMIT', 1, 5)).toEqual(['b']);
    expect(await redis.zrevrangebylex('tc:zl', '(d', '[b')).toEqual(['c', 'b']);
    expect(await redis.zrange('tc:zl', '[a', '(c', 'BYLEX')).toEqual(['a', 'b']);
    expect(await redis.zlexcount('tc:zl', '(a', '+')).toBe(3);
    await expect(redis.zrangebylex('tc:zl', 'a', '+')).rejects.toThrow('ERR min or max not valid string range item');
    expect(await redis.zrangestore('tc:zrs', 'tc:zr', 1, 2)).toBe(2);
    expect(await redis.zrange('tc:zrs', '0', '-1', 'WITHSCORES')).toEqual(['two', '2', 'three', '3']);
    expect(await redis.zrangestore('tc:zrs', 'tc:zr', 10, 20)).toBe(0);
    expect(await redis.exists('tc:zrs')).toBe(0);
  });

  it('removal and pops: ZREMRANGEBY*, ZPOPMIN/MAX, ZMPOP, ZRANDMEMBER, ZSCAN', async () => {
    await redis.zadd('tc:zp', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e', 6, 'f');
    expect(await redis.zremrangebyrank('tc:zp', 0, 0)).toBe(1);
    expect(await redis.zremrangebyscore('tc:zp', '(5', '+inf')).toBe(1);
    expect(await redis.zremrangebylex('tc:zp', '-', '[b')).toBe(1);
    expect(await redis.zrange('tc:zp', '0', '-1')).toEqual(['c', 'd', 'e']);
    expect(await redis.zpopmin('tc:zp')).toEqual(['c', '3']);
    expect(await redis.zpopmax('tc:zp', 5)).toEqual(['e', '5', 'd', '4']);
    expect(await redis.zpopmin('tc:zp')).toEqual([]);
    await redis.zadd('tc:zm', 1, 'x', 2, 'y', 3, 'z');
    expect(await redis.zmpop(2, 'tc:zp', 'tc:zm', 'MIN')).toEqual(['tc:zm', [['x', '1']]]);
    expect(await redis.zmpop(1, 'tc:zm', 'MAX', 'COUNT', 5)).toEqual(['tc:zm', [['z', '3'], ['y', '2']]]);
    expect(await redis.zmpop(1, 'tc:zm', 'MIN')).toBeNull();
    await redis.zadd('tc:zq', 1, 'p', 2, 'q');
    expect(['p', 'q']).toContain(await redis.zrandmember('tc:zq'));
    expect(((await redis.zrandmember('tc:zq', 5)) as string[]).sort()).toEqual(['p', 'q']);
    expect(await redis.zrandmember('tc:zq', -3)).toHaveLength(3);
    const withScores = (await redis.zrandmember('tc:zq', 2, 'WITHSCORES')) as string[];
    expect(Object.fromEntries([0, 2].map((i) => [withScores[i], withScores[i + 1]]))).toEqual({ p: '1', q: '2' });
    expect(await redis.zrandmember('tc:nozset')).toBeNull();
    expect(await redis.zscan('tc:zq', 0, 'MATCH', 'q')).toEqual(['0', ['q', '2']]);
  });

  it('algebra: ZUNION ZINTER ZDIFF, their STORE forms, WEIGHTS/AGGREGATE, ZINTERCARD', async () => {
    await redis.zadd('tc:za', 1, 'a', 2, 'b', 3, 'c');
    await redis.zadd('tc:zb', 10, 'b', 20, 'c', 30, 'd');
    await redis.sadd('tc:zset-of-set', 'c', 'e');
    expect(await redis.zunion(2, 'tc:za', 'tc:zb', 'WITHSCORES')).toEqual(['a', '1', 'b', '12', 'c', '23', 'd', '30']);
    expect(await redis.zunion(2, 'tc:za', 'tc:zb', 'WEIGHTS', 2, 1, 'AGGREGATE', 'MAX')).toEqual(['a', 'b', 'c', 'd']);
    expect(await redis.zinter(2, 'tc:za', 'tc:zb', 'AGGREGATE', 'MIN', 'WITHSCORES')).toEqual(['b', '2', 'c', '3']);
    expect(await redis.zinter(2, 'tc:za', 'tc:zset-of-set', 'WITHSCORES')).toEqual(['c', '4']);
    expect(await redis.zdiff(2, 'tc:za', 'tc:zb')).toEqual(['a']);
    expect(await redis.zdiff(2, 'tc:zb', 'tc:za', 'WITHSCORES')).toEqual(['d', '30']);
    expect(await redis.zunionstore('tc:zu', 2, 'tc:za', 'tc:zb', 'WEIGHTS', 1, 0.5)).toBe(4);
    expect(await redis.zrange('tc:zu', '0', '-1', 'WITHSCORES')).toEqual(['a', '1', 'b', '7', 'c', '13', 'd', '15']);
    expect(await redis.zinterstore('tc:zi', 2, 'tc:za', 'tc:zb', 'AGGREGATE', 'SUM')).toBe(2);
    expect(await redis.zrange('tc:zi', '0', '-1', 'WITHSCORES')).toEqual(['b', '12', 'c', '23']);
    expect(await redis.zdiffstore('tc:zd', 2, 'tc:za', 'tc:zb')).toBe(1);
    expect(await redis.zinterstore('tc:zd', 2, 'tc:za', 'tc:nozset')).toBe(0);
    expect(await redis.exists('tc:zd')).toBe(0);
    expect(await redis.zintercard(2, 'tc:za', 'tc:zb')).toBe(2);
    expect(await redis.zintercard(2, 'tc:za', 'tc:zb', 'LIMIT', 1)).toBe(1);
    await expect(redis.zunion(2, 'tc:za', 'tc:zb', 'AGGREGATE', 'AVG')).rejects.toThrow('ERR syntax error');
    await expect(redis.zunion(0, 'tc:za')).rejects.toThrow("ERR at least 1 input key is needed for 'zunion' command");
  });

  it('raises WRONGTYPE as a ReplyError', async () => {
    await expectWrongType(redis.zadd('tc:str', 1, 'x'));
    await expectWrongType(redis.zrange('tc:str', '0', '-1'));
    await expectWrongType(redis.zunion(2, 'tc:za', 'tc:str'));
    await expectWrongType(redis.zmpop(1, 'tc:str', 'MIN'));
  });

  it('expires and switches listpack to skiplist (past 128 members or a 64-byte member)', async () => {
    await redis.zadd('tc:ze', 1, 'm');
    expect(await redis.object('ENCODING', 'tc:ze')).toBe('listpack');
    await redis.zadd('tc:ze', ...Array.from({ length: 127 }, (_, i) => [i, `m${i}`]).flat());
    expect(await redis.object('ENCODING', 'tc:ze')).toBe('listpack');
    await redis.zadd('tc:ze', 0, 'one-too-many');
    expect(await redis.object('ENCODING', 'tc:ze')).toBe('skiplist');
    await redis.zadd('tc:ze2', 1, 'x'.repeat(64));
    expect(await redis.object('ENCODING', 'tc:ze2')).toBe('listpack');
    await redis.zadd('tc:ze2', 2, 'x'.repeat(65));
    expect(await redis.object('ENCODING', 'tc:ze2')).toBe('skiplist');
    await expectExpires('tc:ze', 'zset');
  });

  it('RESP3 doubles and pairs (node-redis)', async () => {
    await redis.zadd('tc:z3', 1.5, 'a', 2, 'b');
    expect(await resp3.zScore('tc:z3', 'a')).toBe(1.5);
    expect(await resp3.zScore('tc:z3', 'nope')).toBeNull();
    expect(await resp3.zRangeWithScores('tc:z3', 0, -1)).toEqual([
      { value: 'a', score: 1.5 },
      { value: 'b', score: 2 },
    ]);
    expect(await resp3.sendCommand(['ZRANGE', 'tc:z3', '0', '-1', 'WITHSCORES'])).toEqual([
      ['a', 1.5],
      ['b', 2],
    ]);
    const pairs = (await resp3.sendCommand(['ZRANDMEMBER', 'tc:z3', '2', 'WITHSCORES'])) as [string, number][];
    expect(pairs.sort()).toEqual([
      ['a', 1.5],
      ['b', 2],
    ]);
    expect(await resp3.sendCommand(['ZINCRBY', 'tc:z3', '1', 'b'])).toBe(3);
  });

  it('redis-cli prints a sorted set', async () => {
    expect(await cli('zadd', 'tc:cz', '1', 'a', '2.5', 'b')).toBe('2');
    expect(await cli('zrange', 'tc:cz', '0', '-1', 'withscores')).toBe('a\n1\nb\n2.5');
    expect(await cli('--no-raw', 'zrange', 'tc:cz', '0', '-1', 'withscores')).toBe('1) "a"\n2) "1"\n3) "b"\n4) "2.5"');
    expect(await cli('-3', '--no-raw', 'zrange', 'tc:cz', '0', '-1', 'withscores')).toBe(
      '1) 1) "a"\n   2) (double) 1\n2) 1) "b"\n   2) (double) 2.5',
    );
    expect(await cli('-3', '--no-raw', 'zscore', 'tc:cz', 'b')).toBe('(double) 2.5');
    expect(await cli('-3', '--no-raw', 'zpopmin', 'tc:cz')).toBe('1) "a"\n2) (double) 1');
  });
});
