import { describe, expect, it } from '@jest/globals';
import { Engine } from '../engine.js';
import { FakeClock } from '../clock.js';
import { fakeList, makeContext, replay, run, type Step } from './test-kit.js';

// Scripted sessions whose replies were recorded from redis-server 7.0.15 (FLUSHALL before each).

function check(steps: Step[]): void {
  expect(replay(makeContext(), steps)).toEqual(steps);
}

describe('DEL UNLINK EXISTS TYPE TOUCH', () => {
  it('counts keys; EXISTS counts repeats, DEL does not', () =>
    check([
      [['mset', 'a', '1', 'b', '2', 'c', '3'], '+OK'],
      [['del', 'a', 'a', 'b', 'x'], 2],
      [['exists', 'a', 'b', 'c', 'c', 'c', 'x'], 3],
      [['unlink', 'c', 'c'], 1],
      [['dbsize'], 0],
      [['lpush', 'l', 'x'], 1],
      [['del', 'l'], 1],
      [['exists', 'l'], 0],
    ]));

  it('TYPE and TOUCH', () =>
    check([
      [['set', 's', '1'], '+OK'],
      [['lpush', 'l', 'x'], 1],
      [['type', 's'], '+string'],
      [['type', 'l'], '+list'],
      [['type', 'none'], '+none'],
      [['touch', 's', 'l', 'none', 's'], 3],
      [['touch', 'none'], 0],
    ]));

});

describe('EXPIRE family', () => {
  it('NX XX GT LT', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['expire', 'a', '100', 'xx'], 0],
      [['expire', 'a', '100', 'gt'], 0],
      [['expire', 'a', '100', 'lt'], 1],
      [['ttl', 'a'], 100],
      [['expire', 'a', '100', 'nx'], 0],
      [['expire', 'a', '200', 'xx'], 1],
      [['ttl', 'a'], 200],
      [['expire', 'a', '100', 'gt'], 0],
      [['expire', 'a', '300', 'gt'], 1],
      [['ttl', 'a'], 300],
      [['expire', 'a', '400', 'lt'], 0],
      [['expire', 'a', '50', 'lt'], 1],
      [['ttl', 'a'], 50],
      [['expire', 'a', '50', 'gt', 'lt'], '-ERR GT and LT options at the same time are not compatible'],
      [['pexpire', 'a', '50000', 'GT'], 0],
      [['pttl', 'a'], 50000],
      [['persist', 'a'], 1],
      [['expire', 'a', '-1', 'lt'], 1],
      [['exists', 'a'], 0],
    ]));

  it('option errors come before argument errors', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['expire', 'a', '10', 'nx', 'xx'], '-ERR NX and XX, GT or LT options at the same time are not compatible'],
      [['expire', 'a', '10', 'nx', 'gt'], '-ERR NX and XX, GT or LT options at the same time are not compatible'],
      [['expire', 'a', '10', 'nx', 'lt'], '-ERR NX and XX, GT or LT options at the same time are not compatible'],
      [['expire', 'a', '10', 'gt', 'lt'], '-ERR GT and LT options at the same time are not compatible'],
      [['expire', 'a', '10', 'foo'], '-ERR Unsupported option foo'],
      [['expire', 'a', '10', 'NX', 'Foo'], '-ERR Unsupported option Foo'],
      [['expire', 'a', 'x', 'foo'], '-ERR Unsupported option foo'],
      [['expire', 'a', 'x'], '-ERR value is not an integer or out of range'],
      [['expire', 'a', '1.5'], '-ERR value is not an integer or out of range'],
      [['expire', 'nokey', '10'], 0],
      [['expire', 'nokey', 'x'], '-ERR value is not an integer or out of range'],
      [['ttl', 'a'], -1],
    ]));

  it('a time in the past deletes the key and replies 1', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['expire', 'a', '-1'], 1],
      [['exists', 'a'], 0],
      [['set', 'a', '1'], '+OK'],
      [['expire', 'a', '0'], 1],
      [['exists', 'a'], 0],
      [['set', 'a', '1'], '+OK'],
      [['pexpire', 'a', '0'], 1],
      [['get', 'a'], null],
      [['set', 'a', '1'], '+OK'],
      [['expireat', 'a', '1'], 1],
      [['get', 'a'], null],
      [['set', 'a', '1'], '+OK'],
      [['pexpireat', 'a', '1'], 1],
      [['get', 'a'], null],
      [['set', 'a', '1'], '+OK'],
      [['pexpireat', 'a', '-9223372036854775808'], 1],
      [['exists', 'a'], 0],
    ]));

  it('int64 overflow checks', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['expire', 'a', '9223372036854775'], '-ERR invalid expire time in \'expire\' command'],
      [['expire', 'a', '9223372036854776'], '-ERR invalid expire time in \'expire\' command'],
      [['expire', 'a', '-9223372036854775'], 1],
      [['set', 'a', '1'], '+OK'],
      [['expire', 'a', '-9223372036854776'], '-ERR invalid expire time in \'expire\' command'],
      [['pexpire', 'a', '9223372036854775807'], '-ERR invalid expire time in \'pexpire\' command'],
      [['pexpireat', 'a', '9223372036854775807'], 1],
      [['pexpiretime', 'a'], 9223372036854775807],
      [['expire', 'a', '9223372036854775807'], '-ERR invalid expire time in \'expire\' command'],
      [['expireat', 'a', '9223372036854775807'], '-ERR invalid expire time in \'expireat\' command'],
      [['expireat', 'a', '9223372036854775'], 1],
      [['pexpiretime', 'a'], 9223372036854775000],
      [['expire', 'a', '9223372036854775808'], '-ERR value is not an integer or out of range'],
    ]));

  it('EXPIRETIME PEXPIRETIME TTL PTTL PERSIST', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['expiretime', 'a'], -1],
      [['pexpiretime', 'a'], -1],
      [['expiretime', 'no'], -2],
      [['pexpiretime', 'no'], -2],
      [['ttl', 'no'], -2],
      [['pttl', 'no'], -2],
      [['ttl', 'a'], -1],
      [['pttl', 'a'], -1],
      [['expireat', 'a', '4000000000'], 1],
      [['expiretime', 'a'], 4000000000],
      [['pexpiretime', 'a'], 4000000000000],
      [['pexpireat', 'a', '4000000000123'], 1],
      [['expiretime', 'a'], 4000000000],
      [['pexpireat', 'a', '4000000000500'], 1],
      [['expiretime', 'a'], 4000000001],
      [['pexpiretime', 'a'], 4000000000500],
      [['persist', 'a'], 1],
      [['persist', 'a'], 0],
      [['persist', 'nokey'], 0],
      [['ttl', 'a'], -1],
      [['lpush', 'l', 'x'], 1],
      [['expire', 'l', '100'], 1],
      [['ttl', 'l'], 100],
      [['persist', 'l'], 1],
    ]));

});

describe('RENAME and RENAMENX', () => {
  it('moves the value with its TTL', () =>
    check([
      [['set', 'a', '1'], '+OK'],
      [['expire', 'a', '100'], 1],
      [['rename', 'a', 'b'], '+OK'],
      [['ttl', 'b'], 100],
      [['exists', 'a'], 0],
      [['get', 'b'], '1'],
      [['rename', 'a', 'b'], '-ERR no such key'],
      [['renamenx', 'a', 'b'], '-ERR no such key'],
      [['rename', 'b', 'b'], '+OK'],
      [['renamenx', 'b', 'b'], 0],
      [['renamenx', 'no', 'no'], '-ERR no such key'],
      [['rename', 'no', 'no'], '-ERR no such key'],
      [['set', 'c', '3'], '+OK'],
      [['renamenx', 'b', 'c'], 0],
      [['renamenx', 'b', 'd'], 1],
      [['get', 'd'], '1'],
      [['ttl', 'd'], 100],
      [['rename', 'd', 'c'], '+OK'],
      [['get', 'c'], '1'],
      [['ttl', 'c'], 100],
      [['set', 'p', '1'], '+OK'],
      [['rename', 'p', 'c'], '+OK'],
      [['ttl', 'c'], -1],
      [['lpush', 'l', 'x'], 1],
      [['rename', 'l', 'm'], '+OK'],
      [['type', 'm'], '+list'],
      [['type', 'l'], '+none'],
    ]));

});

describe('DBSIZE RANDOMKEY FLUSHDB FLUSHALL', () => {
  it('sizes and flushing, with ASYNC and SYNC', () =>
    check([
      [['dbsize'], 0],
      [['randomkey'], null],
      [['set', 'a', '1'], '+OK'],
      [['randomkey'], 'a'],
      [['dbsize'], 1],
      [['flushdb'], '+OK'],
      [['dbsize'], 0],
      [['set', 'a', '1'], '+OK'],
      [['flushdb', 'async'], '+OK'],
      [['flushdb', 'SYNC'], '+OK'],
      [['flushdb', 'foo'], '-ERR syntax error'],
      [['flushdb', 'async', 'sync'], '-ERR syntax error'],
      [['flushall'], '+OK'],
      [['flushall', 'ASYNC'], '+OK'],
      [['flushall', 'sync'], '+OK'],
      [['flushall', 'x'], '-ERR syntax error'],
      [['flushall', 'async', 'x'], '-ERR syntax error'],
    ]));

});

describe('SCAN', () => {
  it('argument errors', () =>
    check([
      [['mset', 'a', '1', 'b', '2'], '+OK'],
      [['scan', '0', 'count', '0'], '-ERR syntax error'],
      [['scan', '0', 'count', '-1'], '-ERR syntax error'],
      [['scan', '0', 'count', 'x'], '-ERR value is not an integer or out of range'],
      [['scan', '0', 'foo'], '-ERR syntax error'],
      [['scan', '0', 'count'], '-ERR syntax error'],
      [['scan', '0', 'match'], '-ERR syntax error'],
      [['scan', '0', 'type'], '-ERR syntax error'],
      [['scan', 'x'], '-ERR invalid cursor'],
      [['scan', ' 1'], '-ERR invalid cursor'],
      [['scan', '18446744073709551616'], '-ERR invalid cursor'],
      [['scan', '1a'], '-ERR invalid cursor'],
      [['scan', '0', 'match', 'a'], ['0', ['a']]],
      [['scan', '0', 'type', 'list'], ['0', []]],
      [['scan', '0', 'type', 'foo'], ['0', []]],
      [['scan', '0', 'match', 'b', 'type', 'STRING'], ['0', ['b']]],
      [['scan', '0', 'count', '10', 'count', '0'], '-ERR syntax error'],
    ]));

});

describe('OBJECT', () => {
  it('ENCODING of strings', () =>
    check([
      [['set', 'e', '1'], '+OK'],
      [['set', 'n', '12345'], '+OK'],
      [['set', 'm', '-5'], '+OK'],
      [['set', 'z', '0'], '+OK'],
      [['set', 'big', '9223372036854775807'], '+OK'],
      [['set', 'big2', '9223372036854775808'], '+OK'],
      [['set', 's', 'abc'], '+OK'],
      [['set', 'l44', 'x'.repeat(44)], '+OK'],
      [['set', 'l45', 'x'.repeat(45)], '+OK'],
      [['set', 'lead', '01'], '+OK'],
      [['set', 'sp', ' 1'], '+OK'],
      [['object', 'encoding', 'e'], 'int'],
      [['object', 'encoding', 'n'], 'int'],
      [['object', 'encoding', 'm'], 'int'],
      [['object', 'encoding', 'z'], 'int'],
      [['object', 'encoding', 'big'], 'int'],
      [['object', 'encoding', 'big2'], 'embstr'],
      [['object', 'encoding', 's'], 'embstr'],
      [['object', 'encoding', 'l44'], 'embstr'],
      [['object', 'encoding', 'l45'], 'raw'],
      [['object', 'encoding', 'lead'], 'embstr'],
      [['object', 'encoding', 'sp'], 'embstr'],
      [['object', 'encoding', 'nokey'], null],
      [['lpush', 'l', 'x'], 1],
    ]));

  it('REFCOUNT shares small integers', () =>
    check([
      [['set', 'e', '1'], '+OK'],
      [['set', 'm', '-5'], '+OK'],
      [['set', 's', 'abc'], '+OK'],
      [['set', 'z', '0'], '+OK'],
      [['set', 'r', '9999'], '+OK'],
      [['set', 'r2', '10000'], '+OK'],
      [['object', 'refcount', 'e'], 2147483647],
      [['object', 'refcount', 'm'], 1],
      [['object', 'refcount', 's'], 1],
      [['object', 'refcount', 'z'], 2147483647],
      [['object', 'refcount', 'r'], 2147483647],
      [['object', 'refcount', 'r2'], 1],
      [['object', 'refcount', 'nokey'], null],
    ]));

  it('FREQ, IDLETIME, HELP and subcommand errors (default noeviction policy)', () =>
    check([
      [['set', 'e', '1'], '+OK'],
      [['object', 'freq', 'e'], '-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'],
      [['object', 'freq', 'nokey'], null],
      [['object', 'idletime', 'e'], 0],
      [['object', 'idletime', 'nokey'], null],
      [['object', 'foo'], '-ERR unknown subcommand \'foo\'. Try OBJECT HELP.'],
      [['object', 'foo', 'bar'], '-ERR unknown subcommand \'foo\'. Try OBJECT HELP.'],
      [['object', 'encoding'], '-ERR wrong number of arguments for \'object|encoding\' command'],
      [['object', 'encoding', 'a', 'b'], '-ERR wrong number of arguments for \'object|encoding\' command'],
      [['object', 'help'], ['+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', '+ENCODING <key>', '+    Return the kind of internal representation used in order to store the value', '+    associated with a <key>.', '+FREQ <key>', '+    Return the access frequency index of the <key>. The returned integer is', '+    proportional to the logarithm of the recent access frequency of the key.', '+IDLETIME <key>', '+    Return the idle time of the <key>, that is the approximated number of', '+    seconds elapsed since the last access to the key.', '+REFCOUNT <key>', '+    Return the number of references of the value associated with the specified', '+    <key>.', '+HELP', '+    Prints this help.']],
      [['object', 'HELP'], ['+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:', '+ENCODING <key>', '+    Return the kind of internal representation used in order to store the value', '+    associated with a <key>.', '+FREQ <key>', '+    Return the access frequency index of the <key>. The returned integer is', '+    proportional to the logarithm of the recent access frequency of the key.', '+IDLETIME <key>', '+    Return the idle time of the <key>, that is the approximated number of', '+    seconds elapsed since the last access to the key.', '+REFCOUNT <key>', '+    Return the number of references of the value associated with the specified', '+    <key>.', '+HELP', '+    Prints this help.']],
      [['object', 'help', 'x'], '-ERR wrong number of arguments for \'object|help\' command'],
      [['OBJECT', 'Encoding', 'e'], 'int'],
    ]));
});

describe('TTL with a fake clock', () => {
  it('TTL rounds to the nearest second, PTTL is exact, the key goes at expiry', () => {
    const ctx = makeContext();
    run(ctx, 'set', 'a', '1');
    expect(run(ctx, 'pexpire', 'a', '1500')).toBe(1);
    expect([run(ctx, 'ttl', 'a'), run(ctx, 'pttl', 'a')]).toEqual([2, 1500]);
    ctx.clock.advance(1000);
    expect([run(ctx, 'ttl', 'a'), run(ctx, 'pttl', 'a')]).toEqual([1, 500]);
    ctx.clock.advance(499);
    expect([run(ctx, 'ttl', 'a'), run(ctx, 'pttl', 'a')]).toEqual([0, 1]);
    ctx.clock.advance(2);
    expect([run(ctx, 'ttl', 'a'), run(ctx, 'exists', 'a'), run(ctx, 'dbsize')]).toEqual([-2, 0, 0]);
    expect(ctx.engine.stats.expiredKeys).toBe(1);
  });

  it('EXPIREAT and PEXPIREAT take absolute times; RENAME carries the exact TTL', () => {
    const ctx = makeContext();
    const now = ctx.clock.now();
    run(ctx, 'set', 'a', '1');
    expect(run(ctx, 'pexpireat', 'a', String(now + 12_345))).toBe(1);
    expect(run(ctx, 'rename', 'a', 'b')).toBe('+OK');
    expect(run(ctx, 'pexpiretime', 'b')).toBe(now + 12_345);
    expect(run(ctx, 'expireat', 'b', String(Math.floor(now / 1000) + 60))).toBe(1);
    expect(run(ctx, 'expiretime', 'b')).toBe(Math.floor(now / 1000) + 60);
    expect(run(ctx, 'pexpireat', 'b', String(now))).toBe(1); // now counts as already past: deleted
    expect(run(ctx, 'exists', 'b')).toBe(0);
  });

  it('GT and LT compare against the current expiry', () => {
    const ctx = makeContext();
    run(ctx, 'set', 'a', '1', 'px', '10000');
    expect(run(ctx, 'pexpire', 'a', '5000', 'gt')).toBe(0);
    expect(run(ctx, 'pexpire', 'a', '20000', 'gt')).toBe(1);
    expect(run(ctx, 'pexpire', 'a', '20000', 'lt')).toBe(0);
    expect(run(ctx, 'pexpire', 'a', '15000', 'lt')).toBe(1);
    expect(run(ctx, 'pttl', 'a')).toBe(15000);
  });
});

describe('KEYS and SCAN', () => {
  const sorted = (v: unknown): string[] => [...(v as string[])].sort();

  it('KEYS matches glob patterns; a lone * lists every key, even the empty one', () => {
    const ctx = makeContext();
    run(ctx, 'mset', 'foo', '1', 'fao', '2', 'f', '3', 'hello', '4', 'h[llo', '5', '', '6');
    expect(sorted(run(ctx, 'keys', '*'))).toEqual(['', 'f', 'fao', 'foo', 'h[llo', 'hello']);
    expect(sorted(run(ctx, 'keys', 'f*'))).toEqual(['f', 'fao', 'foo']);
    expect(sorted(run(ctx, 'keys', 'h\\[llo'))).toEqual(['h[llo']);
    expect(sorted(run(ctx, 'keys', 'h[^e]llo'))).toEqual(['h[llo']);
    expect(run(ctx, 'keys', 'nomatch')).toEqual([]);
  });

  it('KEYS skips expired keys', () => {
    const ctx = makeContext();
    run(ctx, 'set', 'a', '1', 'px', '10');
    run(ctx, 'set', 'b', '1');
    ctx.clock.advance(11);
    expect(run(ctx, 'keys', '*')).toEqual(['b']);
  });

  it('SCAN visits every key exactly once over a full iteration', () => {
    const ctx = makeContext();
    for (let i = 0; i < 1000; i++) run(ctx, 'set', `key:${i}`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, keys] = run(ctx, 'scan', cursor, 'count', '25') as [string, string[]];
      for (const k of keys) {
        expect(seen.has(k)).toBe(false);
        seen.add(k);
      }
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(seen.size).toBe(1000);
    expect(calls).toBeGreaterThan(10);
  });

  it('SCAN filters by MATCH and TYPE (case-insensitive type names)', () => {
    const ctx = makeContext();
    run(ctx, 'mset', 'user:1', 'a', 'user:2', 'b', 'other', 'c');
    ctx.keyspace.set(0, 'user:list', fakeList());
    const scanAll = (...opts: string[]): string[] => sorted((run(ctx, 'scan', '0', 'count', '1000', ...opts) as [string, string[]])[1]);
    expect(scanAll('match', 'user:*')).toEqual(['user:1', 'user:2', 'user:list']);
    expect(scanAll('type', 'STRING')).toEqual(['other', 'user:1', 'user:2']);
    expect(scanAll('match', 'user:*', 'type', 'list')).toEqual(['user:list']);
    expect(scanAll('type', 'hash')).toEqual([]);
  });

  it('SCAN accepts the cursors strtoul accepts', () => {
    const ctx = makeContext();
    run(ctx, 'set', 'a', '1');
    expect(run(ctx, 'scan', '')).toEqual(['0', ['a']]);
    expect(run(ctx, 'scan', '+0')).toEqual(['0', ['a']]);
    expect(run(ctx, 'scan', '-')).toBe('-ERR invalid cursor');
    expect(Array.isArray(run(ctx, 'scan', '18446744073709551615'))).toBe(true); // ULONG_MAX: valid, past our slots
  });
});

describe('RANDOMKEY', () => {
  it('returns a live key', () => {
    const ctx = makeContext();
    run(ctx, 'mset', 'a', '1', 'b', '2', 'c', '3');
    for (let i = 0; i < 20; i++) expect(['a', 'b', 'c']).toContain(run(ctx, 'randomkey'));
  });
});

describe('FLUSHDB and FLUSHALL', () => {
  it('FLUSHDB empties only the selected database', () => {
    const ctx = makeContext();
    run(ctx, 'set', 'a', '1');
    ctx.client.db = 1;
    run(ctx, 'set', 'b', '1');
    expect(run(ctx, 'flushdb')).toBe('+OK');
    expect(run(ctx, 'dbsize')).toBe(0);
    ctx.client.db = 0;
    expect(run(ctx, 'dbsize')).toBe(1);
    ctx.client.db = 1;
    run(ctx, 'set', 'b', '1');
    expect(run(ctx, 'flushall', 'async')).toBe('+OK');
    expect(run(ctx, 'dbsize')).toBe(0);
    ctx.client.db = 0;
    expect(run(ctx, 'dbsize')).toBe(0);
  });
});

describe('statistics and access tracking', () => {
  it('EXISTS, TYPE, TTL and OBJECT count hits and misses; DEL and EXPIRE do not', () => {
    const ctx = makeContext();
    const { stats } = ctx.engine;
    run(ctx, 'set', 'a', '1');
    run(ctx, 'exists', 'a', 'b');
    run(ctx, 'type', 'a');
    run(ctx, 'ttl', 'b');
    run(ctx, 'object', 'encoding', 'a');
    run(ctx, 'touch', 'a', 'b');
    expect([stats.keyspaceHits, stats.keyspaceMisses]).toEqual([4, 3]);
    run(ctx, 'expire', 'a', '100');
    run(ctx, 'del', 'a', 'b');
    expect([stats.keyspaceHits, stats.keyspaceMisses]).toEqual([4, 3]);
  });

  it('OBJECT IDLETIME counts seconds since the last access; TOUCH and GET reset it, TYPE and EXISTS do not', () => {
    const ctx = makeContext();
    run(ctx, 'set', 'a', '1');
    ctx.clock.advance(5_400);
    run(ctx, 'type', 'a');
    run(ctx, 'exists', 'a');
    run(ctx, 'ttl', 'a');
    expect(run(ctx, 'object', 'idletime', 'a')).toBe(5);
    run(ctx, 'touch', 'a');
    expect(run(ctx, 'object', 'idletime', 'a')).toBe(0);
    ctx.clock.advance(2_000);
    run(ctx, 'get', 'a');
    expect(run(ctx, 'object', 'idletime', 'a')).toBe(0);
  });

  it('OBJECT FREQ works under an LFU policy, IDLETIME does not', () => {
    const engine = new Engine({ clock: new FakeClock(), maxmemoryPolicy: 'allkeys-lfu' });
    const ctx = makeContext(engine);
    run(ctx, 'set', 'a', '1');
    const before = run(ctx, 'object', 'freq', 'a') as number;
    expect(typeof before).toBe('number');
    for (let i = 0; i < 200; i++) run(ctx, 'get', 'a');
    expect(run(ctx, 'object', 'freq', 'a') as number).toBeGreaterThan(before);
    expect(run(ctx, 'object', 'freq', 'nokey')).toBeNull();
    expect(run(ctx, 'object', 'idletime', 'a')).toBe(
      '-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  });

  it('OBJECT REFCOUNT stops sharing integers under maxmemory with an LRU policy', () => {
    const engine = new Engine({ clock: new FakeClock(), maxmemory: 1 << 30, maxmemoryPolicy: 'allkeys-lru' });
    const ctx = makeContext(engine);
    run(ctx, 'set', 'a', '1');
    expect(run(ctx, 'object', 'refcount', 'a')).toBe(1);
  });

  it('OBJECT ENCODING of an aggregate is its own encoding', () => {
    const ctx = makeContext();
    ctx.keyspace.set(0, 'l', fakeList());
    expect(run(ctx, 'object', 'encoding', 'l')).toBe('listpack');
    expect(run(ctx, 'type', 'l')).toBe('+list');
  });
});

describe('COPY', () => {
  // Replies as redis-server 7.0.15 gives them.
  it('copies a string with its TTL, across databases, with REPLACE', () => {
    const ctx = makeContext();
    const steps: Step[] = [
      [['set', 's', 'v', 'px', '5000'], '+OK'],
      [['copy', 's', 'd'], 1],
      [['copy', 's', 'd'], 0],
      [['copy', 's', 'd', 'REPLACE'], 1],
      [['pttl', 'd'], 5000],
      [['copy', 's', 's'], '-ERR source and destination objects are the same'],
      [['copy', 'nokey', 'nokey'], '-ERR source and destination objects are the same'],
      [['copy', 's', 's', 'DB', '1'], 1],
      [['copy', 's', 'd', 'DB', 'x'], '-ERR value is not an integer or out of range'],
      [['copy', 's', 'd', 'DB', '99'], '-ERR DB index is out of range'],
      [['copy', 's', 'd', 'DB', '-1'], '-ERR DB index is out of range'],
      [['copy', 's', 'd', 'DB'], '-ERR syntax error'],
      [['copy', 's', 'd', 'FOO'], '-ERR syntax error'],
      [['copy', 'nokey', 'd'], 0],
      [['copy', 's', 'd', 'DB', '1', 'REPLACE', 'REPLACE'], 1],
    ];
    expect(replay(ctx, steps)).toEqual(steps);
    ctx.client.db = 1;
    expect(run(ctx, 'get', 'd')).toBe('v');
  });

  it('deep-copies lists, hashes, sets and sorted sets', () => {
    const ctx = makeContext();
    run(ctx, 'rpush', 'l', 'a', 'b');
    run(ctx, 'hset', 'h', 'f', '1', 'g', '2');
    run(ctx, 'sadd', 's', 'x', 'y');
    run(ctx, 'zadd', 'z', '1', 'm', '2', 'n');
    for (const key of ['l', 'h', 's', 'z']) expect(run(ctx, 'copy', key, key + '2')).toBe(1);
    run(ctx, 'rpush', 'l', 'c');
    run(ctx, 'hset', 'h', 'f', 'changed');
    run(ctx, 'srem', 's', 'x');
    run(ctx, 'zadd', 'z', '9', 'm');
    expect(run(ctx, 'lrange', 'l2', '0', '-1')).toEqual(['a', 'b']);
    expect(run(ctx, 'hgetall', 'h2')).toEqual(new Map([['f', '1'], ['g', '2']]));
    expect((run(ctx, 'smembers', 's2') as string[]).sort()).toEqual(['x', 'y']);
    expect(run(ctx, 'zrange', 'z2', '0', '-1', 'withscores')).toEqual(['m', 1, 'n', 2]);
    expect(run(ctx, 'object', 'encoding', 'z2')).toBe('listpack');
    expect(run(ctx, 'type', 'h2')).toBe('+hash');
  });
});
