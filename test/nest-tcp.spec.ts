/** A real Nest ClientProxy (Transport.TCP) against a node's Nest TCP port: every message pattern, errors, and RESP interop. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { Redis } from 'ioredis';
import { firstValueFrom, timeout } from 'rxjs';
import { startNode, type RunningNode } from './support/processes.js';

let node: RunningNode | undefined;
let client: ClientProxy;
let resp: Redis;

beforeAll(async () => {
  node = await startNode(['--loglevel', 'nothing']);
  client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: node.tcpPort } });
  await client.connect();
  resp = new Redis({ port: node.port, host: '127.0.0.1', protocol: 2, maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  await client?.close();
  resp?.disconnect();
  await node?.stop();
});

function send<T>(pattern: string, payload: unknown): Promise<T> {
  return firstValueFrom(client.send<T>(pattern, payload));
}

/** The message of the RPC error a send fails with. */
async function rpcError(pattern: string, payload: unknown): Promise<string> {
  try {
    const result = await send(pattern, payload);
    throw new Error(`expected an RPC error, got ${JSON.stringify(result)}`);
  } catch (err) {
    const e = err as { message?: unknown };
    if (err instanceof Error && err.message.startsWith('expected an RPC error')) throw err;
    return typeof e.message === 'string' ? e.message : JSON.stringify(err);
  }
}

describe('Nest TCP message patterns', () => {
  it('set / get, with and without ttl_ms', async () => {
    expect(await send('set', { key: 'nest:a', value: 'hello' })).toBe('OK');
    expect(await send('get', { key: 'nest:a' })).toBe('hello');
    expect(await send('ttl', { key: 'nest:a' })).toBe(-1);
    expect(await send('set', { key: 'nest:t', value: 'soon', ttl_ms: 60_000 })).toBe('OK');
    const ttl = await send<number>('ttl', { key: 'nest:t' });
    expect(ttl).toBeGreaterThan(58);
    expect(ttl).toBeLessThanOrEqual(60);
    expect(await send('get', { key: 'nest:missing' })).toBeNull();
    expect(await send('ttl', { key: 'nest:missing' })).toBe(-2);
  });

  it('a short ttl_ms expires', async () => {
    await send('set', { key: 'nest:short', value: 'v', ttl_ms: 150 });
    const deadline = Date.now() + 2000;
    let value: unknown = 'v';
    while (value !== null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      value = await send('get', { key: 'nest:short' });
    }
    expect(value).toBeNull();
  });

  it('del / exists with one key or many', async () => {
    await send('mset', { entries: { 'nest:d1': '1', 'nest:d2': '2' } });
    expect(await send('exists', { key: 'nest:d1' })).toBe(1);
    expect(await send('exists', { keys: ['nest:d1', 'nest:d2', 'nest:d1', 'nest:none'] })).toBe(3);
    expect(await send('del', { keys: ['nest:d1', 'nest:none'] })).toBe(1);
    expect(await send('del', { key: 'nest:d2' })).toBe(1);
    expect(await send('del', { key: 'nest:d2' })).toBe(0);
  });

  it('mset (object or pairs) / mget', async () => {
    expect(await send('mset', { entries: { 'nest:m1': 'a', 'nest:m2': 'b' } })).toBe('OK');
    expect(await send('mset', { entries: [['nest:m3', 'c']] })).toBe('OK');
    expect(await send('mget', { keys: ['nest:m1', 'nest:none', 'nest:m3', 'nest:m2'] })).toEqual(['a', null, 'c', 'b']);
  });

  it('expire / ttl / incr', async () => {
    await send('set', { key: 'nest:e', value: 'v' });
    expect(await send('expire', { key: 'nest:e', seconds: 100 })).toBe(true);
    expect(await send('ttl', { key: 'nest:e' })).toBe(100);
    expect(await send('expire', { key: 'nest:none', seconds: 100 })).toBe(false);
    expect(await send('expire', { key: 'nest:e', seconds: 0 })).toBe(true);
    expect(await send('get', { key: 'nest:e' })).toBeNull();
    expect(await send('incr', { key: 'nest:n' })).toBe(1);
    expect(await send('incr', { key: 'nest:n', by: 41 })).toBe(42);
    expect(await send('incr', { key: 'nest:n', by: -50 })).toBe(-8);
  });

  it('keeps UTF-8 text intact', async () => {
    await send('set', { key: 'nest:ключ', value: 'значение ✓ 🎉' });
    expect(await send('get', { key: 'nest:ключ' })).toBe('значение ✓ 🎉');
  });
});

describe('errors', () => {
  it('a bad payload gives an RPC error naming the problem', async () => {
    expect(await rpcError('get', {})).toMatch(/key must be a string/);
    expect(await rpcError('get', 'nest:a')).not.toBe('');
    expect(await rpcError('set', { key: 'k' })).toMatch(/value must be a string/);
    expect(await rpcError('set', { key: 'k', value: 'v', ttl_ms: -5 })).toMatch(/ttl_ms must be a positive number/);
    expect(await rpcError('set', { key: 'k', value: 'v', ttl_ms: 1.5 })).toMatch(/ttl_ms must be an integer/);
    expect(await rpcError('set', { key: 'k', value: 'v', ttl: 100 })).toMatch(/property ttl should not exist/);
    expect(await rpcError('mget', { keys: [] })).toMatch(/keys should not be empty/);
    expect(await rpcError('mset', { entries: { a: 1 } })).toMatch(/entries must be/);
    expect(await rpcError('incr', { key: 'k', by: 'x' })).toMatch(/by must be an integer/);
    expect(await rpcError('expire', { key: 'k' })).toMatch(/seconds must be an integer/);
    // The connection still works afterwards.
    expect(await send('get', { key: 'nest:a' })).toBe('hello');
  });

  it('Redis errors come back as RPC errors with the Redis message', async () => {
    await send('set', { key: 'nest:text', value: 'abc' });
    expect(await rpcError('incr', { key: 'nest:text' })).toBe('ERR value is not an integer or out of range');
    await send('set', { key: 'nest:max', value: '9223372036854775807' });
    expect(await rpcError('incr', { key: 'nest:max' })).toBe('ERR increment or decrement would overflow');
    // WRONGTYPE needs a non-string type; only strings exist so far.
  });

  it('incr past 2^53 answers (exact digits or an RPC error) instead of hanging', async () => {
    await resp.set('nest:big', '9007199254740993');
    const answer = await firstValueFrom(client.send('incr', { key: 'nest:big' }).pipe(timeout(1000))).then(
      (v) => ({ value: v }),
      (e: { name?: string; message?: string }) => ({ error: e.name === 'TimeoutError' ? 'no reply within 1 s' : e.message }),
    );
    expect(answer).not.toEqual({ error: 'no reply within 1 s' });
    if ('value' in answer) expect(String(answer.value)).toBe('9007199254740994');
    expect(await resp.get('nest:big')).toBe('9007199254740994');
  });

  it('OOM comes back as an RPC error', async () => {
    await resp.config('SET', 'maxmemory-policy', 'noeviction');
    await resp.config('SET', 'maxmemory', '1mb');
    try {
      const value = 'x'.repeat(1024);
      const p = resp.pipeline();
      for (let i = 0; i < 2000; i++) p.set(`nest:fill:${i}`, value);
      await p.exec();
      expect(await rpcError('set', { key: 'nest:oom', value })).toBe("OOM command not allowed when used memory > 'maxmemory'.");
      expect(await send('get', { key: 'nest:fill:0' })).toBe(value);
    } finally {
      await resp.config('SET', 'maxmemory', '0');
    }
  });
});

describe('interop with RESP', () => {
  it('values written over Nest TCP are read over RESP, and vice versa', async () => {
    await send('set', { key: 'nest:x', value: 'from nest', ttl_ms: 50_000 });
    expect(await resp.get('nest:x')).toBe('from nest');
    const pttl = await resp.pttl('nest:x');
    expect(pttl).toBeGreaterThan(40_000);
    await resp.set('resp:y', 'from resp', 'EX', 30);
    expect(await send('get', { key: 'resp:y' })).toBe('from resp');
    expect(await send('ttl', { key: 'resp:y' })).toBe(30);
    await resp.set('resp:utf8', Buffer.from('é✓', 'utf8'));
    expect(await send('get', { key: 'resp:utf8' })).toBe('é✓');
    await send('incr', { key: 'shared:n', by: 5 });
    expect(await resp.incr('shared:n')).toBe(6);
  });
});
