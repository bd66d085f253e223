import { describe, it, expect } from '@jest/globals';
import { parseSeed, resolveClientOptions, type RingCacheClientOptions } from './client-options.js';

describe('parseSeed', () => {
  it('reads host:port, [ipv6]:port and objects', () => {
    expect(parseSeed('127.0.0.1:7001')).toEqual({ host: '127.0.0.1', port: 7001 });
    expect(parseSeed('cache-1.internal:6379')).toEqual({ host: 'cache-1.internal', port: 6379 });
    expect(parseSeed('[::1]:7002')).toEqual({ host: '::1', port: 7002 });
    expect(parseSeed({ host: 'h', port: 1 })).toEqual({ host: 'h', port: 1 });
  });

  it('rejects what is not an address, naming the seed', () => {
    expect(() => parseSeed('localhost')).toThrow(/seed "localhost": expected "host:port"/);
    expect(() => parseSeed('h:0')).toThrow(/port must be an integer in 1\.\.65535/);
    expect(() => parseSeed('h:70000')).toThrow(/port/);
    expect(() => parseSeed({ host: '', port: 1 })).toThrow(/host must be a non-empty string/);
    expect(() => parseSeed({ host: 'h', port: 1.5 })).toThrow(/port/);
  });
});

describe('resolveClientOptions', () => {
  it('fills in the defaults and maps onto ioredis Cluster options', () => {
    const resolved = resolveClientOptions({ seeds: ['127.0.0.1:7001'] });
    expect(resolved.seeds).toEqual([{ host: '127.0.0.1', port: 7001 }]);
    expect(resolved.connectTimeoutMs).toBe(5000);
    expect(resolved.subscribeTopology).toBe(true);
    expect(resolved.cluster).toMatchObject({ lazyConnect: true, enableAutoPipelining: true, maxRedirections: 16, slotsRefreshInterval: 5000 });
    expect(resolved.cluster.redisOptions).toMatchObject({ connectTimeout: 5000, commandTimeout: undefined });
  });

  it('passes password, prefix, timeouts and natMap through', () => {
    const natMap = { '10.0.0.1:7001': { host: 'localhost', port: 17001 } };
    const resolved = resolveClientOptions({
      seeds: [{ host: 'a', port: 1 }], password: 'pw', username: 'u', keyPrefix: 'p:', commandTimeoutMs: 50,
      maxRedirections: 3, topologyRefreshMs: 0, subscribeTopology: false, natMap,
    });
    expect(resolved.subscribeTopology).toBe(false);
    expect(resolved.cluster).toMatchObject({ keyPrefix: 'p:', maxRedirections: 3, slotsRefreshInterval: 0, natMap });
    expect(resolved.cluster.redisOptions).toMatchObject({ password: 'pw', username: 'u', commandTimeout: 50 });
  });

  it.each<[string, Partial<RingCacheClientOptions>, RegExp]>([
    ['no seeds', { seeds: [] }, /seeds must be a non-empty array/],
    ['seeds not an array', { seeds: '127.0.0.1:1' as never }, /seeds must be a non-empty array/],
    ['zero connect timeout', { connectTimeoutMs: 0 }, /connectTimeoutMs must be a number >= 1/],
    ['negative refresh', { topologyRefreshMs: -1 }, /topologyRefreshMs must be a number >= 0/],
    ['NaN command timeout', { commandTimeoutMs: Number.NaN }, /commandTimeoutMs/],
    ['fractional redirections', { maxRedirections: 1.5 }, /maxRedirections must be an integer/],
    ['non-boolean subscribe', { subscribeTopology: 'yes' as never }, /subscribeTopology must be a boolean/],
    ['numeric password', { password: 123 as never }, /password must be a string/],
    ['bad natMap', { natMap: 'x' as never }, /natMap must be an object or a function/],
  ])('rejects %s', (_, bad, message) => {
    expect(() => resolveClientOptions({ seeds: ['h:1'], ...bad })).toThrow(message);
    expect(() => resolveClientOptions({ seeds: ['h:1'], ...bad })).toThrow(/^RingCacheClient options: /);
  });
});
