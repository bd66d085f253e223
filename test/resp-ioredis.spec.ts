/** ioredis (RESP2 and RESP3) and node-redis against a real ringcache node process. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis, type RedisOptions } from 'ioredis';
import { createClient } from 'redis';
import { startNode, type RunningNode } from './support/processes.js';

let node: RunningNode | undefined;
let redis: Redis;
const extra: Redis[] = [];

beforeAll(async () => {
  node = await startNode(['--loglevel', 'nothing']);
  redis = new Redis({ port: node.port, host: '127.0.0.1', protocol: 2, maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  for (const c of [redis, ...extra]) c?.disconnect();
  await node?.stop();
});

function client(options: RedisOptions = {}): Redis {
  const c = new Redis({ port: node!.port, host: '127.0.0.1', maxRetriesPerRequest: 1, ...options });
  extra.push(c);
  return c;
}

async function pollUntil<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ioredis against ringcache', () => {
  it('GET/SET with options', async () => {
    expect(await redis.set('io:a', '1')).toBe('OK');
    expect(await redis.get('io:a')).toBe('1');
    expect(await redis.set('io:a', '2', 'NX')).toBeNull();
    expect(await redis.set('io:b', '2', 'XX')).toBeNull();
    expect(await redis.set('io:a', '3', 'XX', 'GET')).toBe('1');
    expect(await redis.set('io:a', '4', 'EX', 100)).toBe('OK');
    expect(await redis.ttl('io:a')).toBe(100);
    expect(await redis.set('io:a', '5', 'KEEPTTL')).toBe('OK');
    expect(await redis.ttl('io:a')).toBeGreaterThan(98);
    expect(await redis.get('io:a')).toBe('5');
    await expect(redis.call('SET', 'io:a', '6', 'NX', 'XX')).rejects.toThrow('ERR syntax error');
    expect(await redis.get('io:missing')).toBeNull();
  });

  it('sees a key expire (PX 200) and PTTL decrease', async () => {
    await redis.set('io:ttl', 'v', 'PX', 200);
    const first = await redis.pttl('io:ttl');
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(200);
    await new Promise((r) => setTimeout(r, 30));
    const second = await redis.pttl('io:ttl');
    expect(second).toBeLessThan(first);
    const started = Date.now();
    expect(await pollUntil(() => redis.get('io:ttl'), (v) => v === null)).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await redis.pttl('io:ttl')).toBe(-2);
    expect(await redis.exists('io:ttl')).toBe(0);
  });

  it('keeps values binary-safe (CRLF, all 256 byte values)', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const crlf = Buffer.from('a\r\nb\r\n\r\n$5\r\n*1\r\n', 'latin1');
    const key = Buffer.from([0, 0xff, 13, 10, 0x80]);
    await redis.set(key, all);
    await redis.set('io:crlf', crlf);
    expect((await redis.getBuffer(key))!.equals(all)).toBe(true);
    expect((await redis.getBuffer('io:crlf'))!.equals(crlf)).toBe(true);
    expect(await redis.strlen(key)).toBe(256);
    const big = Buffer.alloc(300_000, 0xab);
    big[1234] = 0;
    await redis.set('io:big', big);
    expect((await redis.getBuffer('io:big'))!.equals(big)).toBe(true);
  });

  it('pipelines 10k commands', async () => {
    const p = redis.pipeline();
    for (let i = 0; i < 5000; i++) p.set(`io:p:${i}`, String(i));
    for (let i = 0; i < 5000; i++) p.get(`io:p:${i}`);
    const results = (await p.exec())!;
    expect(results).toHaveLength(10_000);
    expect(results.slice(0, 5000).every(([err, r]: [Error | null, unknown]) => err === null && r === 'OK')).toBe(true);
    expect(results.slice(5000).map(([, r]) => r)).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)));
  });

  it('MGET/MSET and the INCR family', async () => {
    expect(await redis.mset('io:m1', 'a', 'io:m2', 'b')).toBe('OK');
    expect(await redis.mget('io:m1', 'io:nope', 'io:m2')).toEqual(['a', null, 'b']);
    expect(await redis.msetnx('io:m1', 'x', 'io:m3', 'y')).toBe(0);
    expect(await redis.incr('io:n')).toBe(1);
    expect(await redis.incrby('io:n', 10)).toBe(11);
    expect(await redis.decr('io:n')).toBe(10);
    expect(await redis.decrby('io:n', 20)).toBe(-10);
    expect(await redis.incrbyfloat('io:n', '0.5')).toBe('-9.5');
    await expect(redis.incr('io:m1')).rejects.toThrow('ERR value is not an integer or out of range');
    await redis.set('io:max', '9223372036854775806');
    // ioredis parses integer replies into JS numbers unless asked for strings: then the int64 is exact.
    const exact = client({ stringNumbers: true });
    expect(await exact.incr('io:max')).toBe('9223372036854775807');
    await expect(exact.incr('io:max')).rejects.toThrow('ERR increment or decrement would overflow');
  });

  it('SELECT keeps databases apart', async () => {
    const c = client({ protocol: 2, db: 3 });
    await c.set('io:db', 'three');
    expect(await redis.get('io:db')).toBeNull();
    expect(await c.get('io:db')).toBe('three');
    expect(await c.select(0)).toBe('OK');
    expect(await c.get('io:db')).toBeNull();
    await expect(c.select(16)).rejects.toThrow('ERR DB index is out of range');
    const info = await redis.info('keyspace');
    expect(info).toMatch(/^db3:keys=1,expires=0,avg_ttl=0/m);
  });

  it('speaks RESP3 through ioredis (HELLO 3 on connect)', async () => {
    const c = client({ protocol: 3, replyMapping: 'resp3' });
    await c.set('io:r3', 'v');
    expect(await c.get('io:r3')).toBe('v');
    const hello = (await c.call('HELLO', '3')) as Record<string, unknown>;
    expect(hello).toMatchObject({ server: 'redis', proto: 3, mode: 'standalone', role: 'master' });
    expect(typeof hello.id).toBe('number');
    expect(await c.call('HELLO', '4').catch((e: Error) => e.message)).toMatch(/^NOPROTO/);
    // A RESP3 double from INCRBYFLOAT stays a bulk string, as in Redis 7.
    expect(await c.incrbyfloat('io:r3f', '1.5')).toBe('1.5');
  });

  it('HELLO 2 replies with a flat array', async () => {
    const hello = (await redis.call('HELLO', '2')) as unknown[];
    expect(hello.slice(0, 6)).toEqual(['server', 'redis', 'version', expect.any(String), 'proto', 2]);
  });

  it('works with node-redis in RESP3', async () => {
    const c = createClient({ socket: { port: node!.port, host: '127.0.0.1' }, RESP: 3 });
    await c.connect();
    try {
      await c.set('nr:a', 'b', { expiration: { type: 'PX', value: 10_000 } });
      expect(await c.get('nr:a')).toBe('b');
      expect(await c.pTTL('nr:a')).toBeGreaterThan(9000);
      expect(await c.mGet(['nr:a', 'nr:none'])).toEqual(['b', null]);
      const hello = (await c.hello(3)) as unknown as Record<string, unknown>;
      expect(hello.proto).toBe(3);
    } finally {
      c.destroy();
    }
  });
});
