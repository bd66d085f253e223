import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { Engine } from '../../../../libs/engine/src/engine.js';
import { startTestNode } from '../testing/test-node.js';

describe('Nest TCP message patterns through a real ClientProxy', () => {
  let node: Awaited<ReturnType<typeof startTestNode>>;
  let client: ClientProxy;

  beforeAll(async () => {
    node = await startTestNode();
    client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: node.ports.tcp } });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await node.app.close();
  });

  const send = <T>(pattern: string, payload: unknown): Promise<T> => firstValueFrom(client.send<T>(pattern, payload));
  const failure = async (pattern: string, payload: unknown): Promise<string> => {
    try {
      await send(pattern, payload);
    } catch (err) {
      return (err as { message: string }).message;
    }
    throw new Error(`${pattern} did not fail`);
  };

  it('sets and gets UTF-8 values, null on a miss', async () => {
    expect(await send('set', { key: 'k', value: 'grüße' })).toBe('OK');
    expect(await send('get', { key: 'k' })).toBe('grüße');
    expect(await send('get', { key: 'nope' })).toBeNull();
  });

  it('sets with ttl_ms; ttl follows Redis (-1 no TTL, -2 missing)', async () => {
    await send('set', { key: 't', value: 'v', ttl_ms: 10_000 });
    expect(await send('ttl', { key: 't' })).toBe(10);
    await send('set', { key: 'p', value: 'v' });
    expect(await send('ttl', { key: 'p' })).toBe(-1);
    expect(await send('ttl', { key: 'missing' })).toBe(-2);
    await send('set', { key: 'nullttl', value: 'v', ttl_ms: null });
    expect(await send('ttl', { key: 'nullttl' })).toBe(-1);
  });

  it('expire answers a boolean', async () => {
    await send('set', { key: 'e', value: 'v' });
    expect(await send('expire', { key: 'e', seconds: 100 })).toBe(true);
    expect(await send('ttl', { key: 'e' })).toBe(100);
    expect(await send('expire', { key: 'missing', seconds: 100 })).toBe(false);
  });

  it('mset (object or pairs), mget, exists and del ({ key } or { keys })', async () => {
    expect(await send('mset', { entries: { a: '1', b: '2' } })).toBe('OK');
    expect(await send('mset', { entries: [['c', '3']] })).toBe('OK');
    expect(await send('mget', { keys: ['a', 'b', 'c', 'zz'] })).toEqual(['1', '2', '3', null]);
    expect(await send('exists', { keys: ['a', 'b', 'zz'] })).toBe(2);
    expect(await send('exists', { key: 'c' })).toBe(1);
    expect(await send('del', { keys: ['a', 'b', 'zz'] })).toBe(2);
    expect(await send('del', { key: 'c' })).toBe(1);
    // keys wins when both are given
    await send('mset', { entries: { a: '1', c: '3' } });
    expect(await send('del', { key: 'c', keys: ['a'] })).toBe(1);
    expect(await send('exists', { keys: ['a', 'c'] })).toBe(1);
  });

  it('incr by 1 or by a given amount', async () => {
    expect(await send('incr', { key: 'n' })).toBe(1);
    expect(await send('incr', { key: 'n', by: 41 })).toBe(42);
    expect(await send('incr', { key: 'n', by: -2 })).toBe(40);
  });

  it('turns error replies into RPC errors with the Redis message', async () => {
    await send('set', { key: 's', value: 'abc' });
    expect(await failure('incr', { key: 's' })).toBe('ERR value is not an integer or out of range');
    node.app.get(Engine).keyspace.set(0, 'l', { type: 'list', bytes: 1, encoding: () => 'listpack' });
    expect(await failure('get', { key: 'l' })).toMatch(/^WRONGTYPE /);
  });

  it.each([
    ['get', {}, 'key must be a string'],
    ['get', { key: 1 }, 'key must be a string'],
    ['get', 'k', 'key must be a string'],
    ['set', { key: 'k' }, 'value must be a string'],
    ['set', { key: 'k', value: 'v', ttl_ms: -1 }, 'ttl_ms must be a positive number'],
    ['set', { key: 'k', value: 'v', ttl: 5 }, 'property ttl should not exist'],
    ['mget', { keys: [] }, 'keys should not be empty'],
    ['mset', { entries: { a: 1 } }, 'entries must be a non-empty object of string values or an array of [key, value] string pairs'],
    ['expire', { key: 'k', seconds: 'soon' }, 'seconds must be an integer number'],
    ['incr', { key: 'k', by: 0.5 }, 'by must be an integer number'],
  ])('rejects %s %j: %s', async (pattern, payload, message) => {
    expect(await failure(pattern, payload)).toContain(message);
  });

  it('rejects del without key or keys', async () => {
    expect(await failure('del', {})).toMatch(/key must be a string.*keys must be an array/);
  });
});
