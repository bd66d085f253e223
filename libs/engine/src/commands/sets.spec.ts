import { describe, expect, it, jest } from '@jest/globals';
import { makeContext, run, type Step, type TestContext } from './test-kit.js';

// Scripted sessions whose replies were recorded from redis-server 7.0.15 (FLUSHALL before each). Set
// replies come in no defined order, so array replies of the commands below are compared sorted.

const UNORDERED = new Set(['smembers', 'sinter', 'sunion', 'sdiff', 'spop', 'srandmember']);

function normalize(command: string[], reply: unknown): unknown {
  if (!Array.isArray(reply)) return reply;
  if (UNORDERED.has(command[0])) return [...reply].sort();
  if (command[0] === 'sscan') return [reply[0], [...(reply[1] as string[])].sort()];
  return reply;
}

function check(steps: Step[], ctx: TestContext = makeContext()): void {
  const actual = steps.map(([command]): Step => [command, normalize(command, run(ctx, ...command))]);
  expect(actual).toEqual(steps.map(([command, reply]): Step => [command, normalize(command, reply)]));
}

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';

describe('set commands', () => {
  it('SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS', () =>
    check([
      [['sadd', 's', 'a', 'b', 'a', 'c'], 3],
      [['sadd', 's', 'c', 'd'], 1],
      [['scard', 's'], 4],
      [['scard', 'nokey'], 0],
      [['sismember', 's', 'a'], 1],
      [['sismember', 's', 'z'], 0],
      [['sismember', 'nokey', 'a'], 0],
      [['smismember', 's', 'a', 'z', 'd'], [1, 0, 1]],
      [['smismember', 'nokey', 'a', 'b'], [0, 0]],
      [['smembers', 's'], ['a', 'b', 'c', 'd']],
      [['smembers', 'nokey'], []],
      [['srem', 's', 'a', 'z', 'a'], 1],
      [['srem', 'nokey', 'a'], 0],
      [['srem', 's', 'b', 'c', 'd'], 3],
      [['exists', 's'], 0],
      [['sadd', 'bin', '\x00\xff', ''], 2],
      [['smembers', 'bin'], ['', '\x00\xff']],
    ]));

  it('WRONGTYPE on other types, wherever the key sits', () =>
    check([
      [['set', 'str', 'x'], '+OK'],
      [['sadd', 's', '1', '2', '3'], 3],
      [['sadd', 'str', 'a'], WRONGTYPE],
      [['srem', 'str', 'a'], WRONGTYPE],
      [['scard', 'str'], WRONGTYPE],
      [['sismember', 'str', 'a'], WRONGTYPE],
      [['smismember', 'str', 'a'], WRONGTYPE],
      [['smembers', 'str'], WRONGTYPE],
      [['spop', 'str'], WRONGTYPE],
      [['spop', 'str', '1'], WRONGTYPE],
      [['spop', 'str', '0'], WRONGTYPE],
      [['spop', 'str', '-1'], '-ERR value is out of range, must be positive'],
      [['srandmember', 'str'], WRONGTYPE],
      [['srandmember', 'str', '1'], WRONGTYPE],
      [['sintercard', '2', 's', 'str'], WRONGTYPE],
      [['sintercard', '2', 'nokey', 'str'], WRONGTYPE],
      [['sinter', 'nokey', 'str'], WRONGTYPE],
      [['sinter', 'str', 'nokey'], WRONGTYPE],
      [['sunion', 'nokey', 'str'], WRONGTYPE],
      [['sdiff', 'nokey', 'str'], WRONGTYPE],
      [['sinterstore', 'd', 'str'], WRONGTYPE],
      [['smove', 'nokey', 'str', 'a'], 0],
      [['smove', 's', 'str', '1'], WRONGTYPE],
      [['smove', 'str', 's', '1'], WRONGTYPE],
      [['sscan', 'str', '0'], WRONGTYPE],
      [['type', 's'], '+set'],
    ]));

  it('SPOP with and without count', () => {
    check([
      [['sadd', 's', '1', '2', '3'], 3],
      [['spop', 's', 'abc'], '-ERR value is out of range, must be positive'],
      [['spop', 's', '1', '2'], '-ERR syntax error'],
      [['spop', 'nokey'], null],
      [['spop', 'nokey', '0'], []],
      [['spop', 'nokey', '3'], []],
      [['spop', 's', '0'], []],
      [['spop', 's', '5'], ['1', '2', '3']],
      [['exists', 's'], 0],
      [['sadd', 't', '1'], 1],
      [['spop', 't'], '1'],
      [['spop', 't'], null],
      [['exists', 't'], 0],
    ]);
    const ctx = makeContext();
    run(ctx, 'sadd', 's', 'a', 'b', 'c', 'd', 'e', 'f');
    const popped = run(ctx, 'spop', 's', '4') as string[];
    expect(new Set(popped).size).toBe(4);
    const rest = run(ctx, 'smembers', 's') as string[];
    expect([...popped, ...rest].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    const one = run(ctx, 'spop', 's') as string;
    expect(rest).toContain(one);
    expect(run(ctx, 'scard', 's')).toBe(1);
  });

  it('SRANDMEMBER: argument errors and the whole-set cases', () =>
    check([
      [['sadd', 's', '1', '2', '3'], 3],
      [['srandmember', 's', 'abc'], '-ERR value is not an integer or out of range'],
      [['srandmember', 's', '-9223372036854775808'], '-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'],
      [['srandmember', 's', '1', '2'], '-ERR syntax error'],
      [['srandmember', 's', '3'], ['1', '2', '3']],
      [['srandmember', 's', '9'], ['1', '2', '3']],
      [['srandmember', 's', '0'], []],
      [['srandmember', 'nokey'], null],
      [['srandmember', 'nokey', '5'], []],
      [['srandmember', 'nokey', '-5'], []],
      [['scard', 's'], 3],
    ]));

  it('SRANDMEMBER count: distinct members for positive counts, repeats allowed for negative ones', () => {
    const ctx = makeContext();
    const members = Array.from({ length: 20 }, (_, i) => 'm' + i);
    run(ctx, 'sadd', 's', ...members);
    for (const n of [1, 5, 7, 19]) {
      const got = run(ctx, 'srandmember', 's', String(n)) as string[];
      expect(got).toHaveLength(n);
      expect(new Set(got).size).toBe(n);
      for (const m of got) expect(members).toContain(m);
    }
    const repeated = run(ctx, 'srandmember', 's', '-200') as string[];
    expect(repeated).toHaveLength(200);
    for (const m of repeated) expect(members).toContain(m);
    expect(new Set(repeated).size).toBeLessThan(200);
    run(ctx, 'sadd', 'one', 'x');
    expect(run(ctx, 'srandmember', 'one', '-3')).toEqual(['x', 'x', 'x']);
    expect(members).toContain(run(ctx, 'srandmember', 's'));
    expect(run(ctx, 'scard', 's')).toBe(20);
  });

  it('SMOVE', () =>
    check([
      [['sadd', 's', '1', '2'], 2],
      [['smove', 's', 's', '1'], 1],
      [['smove', 's', 's', '9'], 0],
      [['smove', 's', 'd', '9'], 0],
      [['exists', 'd'], 0],
      [['smove', 's', 'd', '1'], 1],
      [['smembers', 'd'], ['1']],
      [['sadd', 'd', '2'], 1],
      [['smove', 's', 'd', '2'], 1],
      [['exists', 's'], 0],
      [['smembers', 'd'], ['1', '2']],
    ]));

  it('SINTER SUNION SDIFF and their STORE forms', () =>
    check([
      [['sadd', 's', '1', '2', '3', 'a'], 4],
      [['sadd', 's2', '2', '3', 'b'], 3],
      [['sinter', 's'], ['1', '2', '3', 'a']],
      [['sinter', 's', 's2'], ['2', '3']],
      [['sinter', 's', 'nokey'], []],
      [['sinter', 'nokey'], []],
      [['sunion', 's', 'nokey', 's2'], ['1', '2', '3', 'a', 'b']],
      [['sdiff', 's', 'nokey', 's2'], ['1', 'a']],
      [['sdiff', 'nokey', 's'], []],
      [['sadd', 'd', '9'], 1],
      [['expire', 'd', '100'], 1],
      [['sinterstore', 'd', 's', 'nokey'], 0],
      [['exists', 'd'], 0],
      [['set', 'str', 'x'], '+OK'],
      [['sinterstore', 'str', 's'], 4],
      [['type', 'str'], '+set'],
      [['object', 'encoding', 'str'], 'hashtable'],
      [['sinterstore', 'd', 's', 's2'], 2],
      [['smembers', 'd'], ['2', '3']],
      [['object', 'encoding', 'd'], 'intset'],
      [['sunionstore', 'd', 's', 's2'], 5],
      [['object', 'encoding', 'd'], 'hashtable'],
      [['sdiffstore', 'd', 's', 's2'], 2],
      [['smembers', 'd'], ['1', 'a']],
      [['expire', 'd', '100'], 1],
      [['sunionstore', 'd', 's2'], 3],
      [['ttl', 'd'], -1],
      [['sdiffstore', 'd', 's', 's'], 0],
      [['exists', 'd'], 0],
      [['sdiffstore', 'd', 'nokey', 's'], 0],
      [['sunionstore', 'd', 'nokey'], 0],
      [['sinterstore', 's', 's', 's2'], 2],
      [['smembers', 's'], ['2', '3']],
    ]));

  it('SINTERCARD', () =>
    check([
      [['sadd', 's', '1', '2', '3'], 3],
      [['sadd', 't', '2', '3', '4'], 3],
      [['sintercard', '0', 'a'], '-ERR numkeys should be greater than 0'],
      [['sintercard', '-1', 'a'], '-ERR numkeys should be greater than 0'],
      [['sintercard', 'abc', 'a'], '-ERR numkeys should be greater than 0'],
      [['sintercard', '2', 'a'], "-ERR Number of keys can't be greater than number of args"],
      [['sintercard', '1', 's', 'limit', '-1'], "-ERR LIMIT can't be negative"],
      [['sintercard', '1', 's', 'limit', 'abc'], "-ERR LIMIT can't be negative"],
      [['sintercard', '1', 's', 'limit'], '-ERR syntax error'],
      [['sintercard', '1', 's', 'foo'], '-ERR syntax error'],
      [['sintercard', '1', 's', 'limit', '0'], 3],
      [['sintercard', '1', 's', 'LIMIT', '1'], 1],
      [['sintercard', '2', 's', 't'], 2],
      [['sintercard', '2', 's', 't', 'limit', '1'], 1],
      [['sintercard', '2', 's', 'nokey'], 0],
      [['sintercard', '1', 'nokey'], 0],
    ]));

  it('OBJECT ENCODING: intset while all members are int64 and at most 512, then hashtable for good', () => {
    const ctx = makeContext();
    check(
      [
        [['sadd', 'i', '1', '-2', '9223372036854775807'], 3],
        [['object', 'encoding', 'i'], 'intset'],
        [['sadd', 'i', '9223372036854775808'], 1],
        [['object', 'encoding', 'i'], 'hashtable'],
        [['srem', 'i', '9223372036854775808'], 1],
        [['object', 'encoding', 'i'], 'hashtable'],
        [['sadd', 'z', '01'], 1],
        [['object', 'encoding', 'z'], 'hashtable'],
        [['sadd', 'h', '1', 'a'], 2],
        [['srem', 'h', 'a'], 1],
        [['sinterstore', 'y', 'h'], 1],
        [['object', 'encoding', 'y'], 'intset'],
        [['sadd', 'g', '1', '2', '3', '4', '5', '6', 'a'], 7],
        [['srem', 'g', 'a'], 1],
      ],
      ctx,
    );
    expect(run(ctx, 'spop', 'g', '3')).toHaveLength(3);
    expect(run(ctx, 'object', 'encoding', 'g')).toBe('hashtable');
    const big = Array.from({ length: 512 }, (_, i) => String(i));
    expect(run(ctx, 'sadd', 'big', ...big)).toBe(512);
    expect(run(ctx, 'object', 'encoding', 'big')).toBe('intset');
    expect(run(ctx, 'sadd', 'big', '512')).toBe(1);
    expect(run(ctx, 'object', 'encoding', 'big')).toBe('hashtable');
    expect(run(ctx, 'smove', 'g', 'newk', '9')).toBe(0);
    run(ctx, 'sadd', 'src', '7');
    expect(run(ctx, 'smove', 'src', 'newk', '7')).toBe(1);
    expect(run(ctx, 'object', 'encoding', 'newk')).toBe('intset');
  });

  it('iterates an intset in ascending numeric order, as Redis', () => {
    const ctx = makeContext();
    const ordered = ['-9223372036854775808', '-20', '-3', '0', '3', '10', '100', '9223372036854775807'];
    expect(run(ctx, 'sadd', 'i', '10', '-3', '2', '-20', '9223372036854775807', '-9223372036854775808', '0', '100')).toBe(8);
    expect(run(ctx, 'srem', 'i', '2')).toBe(1);
    expect(run(ctx, 'sadd', 'i', '3')).toBe(1);
    expect(run(ctx, 'smembers', 'i')).toEqual(ordered);
    expect(run(ctx, 'sscan', 'i', '0')).toEqual(['0', ordered]);
    expect(run(ctx, 'sunion', 'i')).toEqual(ordered);
    expect(run(ctx, 'sdiff', 'i', 'nokey')).toEqual(ordered);
    expect(run(ctx, 'srandmember', 'i', '100')).toEqual(ordered);
  });

  it('SSCAN: errors, intsets whole with cursor 0, MATCH', () =>
    check([
      [['sadd', 's', '1', '2', '3', '10'], 4],
      [['sscan', 's', 'abc'], '-ERR invalid cursor'],
      [['sscan', 'nokey', 'abc'], '-ERR invalid cursor'],
      [['sscan', 'nokey', '0', 'count', '0'], ['0', []]],
      [['sscan', 's', '0', 'count', '0'], '-ERR syntax error'],
      [['sscan', 's', '0', 'count', 'abc'], '-ERR value is not an integer or out of range'],
      [['sscan', 's', '0', 'type', 'string'], '-ERR syntax error'],
      [['sscan', 's', '0', 'match'], '-ERR syntax error'],
      [['sscan', 's', '0', 'COUNT', '1'], ['0', ['1', '10', '2', '3']]],
      [['sscan', 's', '7', 'count', '1'], ['0', ['1', '10', '2', '3']]],
      [['sscan', 's', '0', 'match', '1*'], ['0', ['1', '10']]],
      [['sadd', 'h', 'a', 'b', 'c'], 3],
      [['sscan', 'h', '0'], ['0', ['a', 'b', 'c']]],
      [['sscan', 'h', '0', 'match', '[ab]'], ['0', ['a', 'b']]],
    ]));

  it('SSCAN on a hashtable visits every member present throughout, across changes', () => {
    const ctx = makeContext();
    const members = Array.from({ length: 100 }, (_, i) => 'm' + i);
    run(ctx, 'sadd', 's', ...members);
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, batch] = run(ctx, 'sscan', 's', cursor, 'count', '7') as [string, string[]];
      expect(batch.length).toBeLessThanOrEqual(7);
      for (const m of batch) seen.add(m);
      // Churn: remove a member already returned and add new ones, which moves members around.
      if (batch.length > 0) run(ctx, 'srem', 's', batch[0]);
      run(ctx, 'sadd', 's', 'new' + calls);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    for (const m of members) expect(seen.has(m)).toBe(true);
    expect(calls).toBeLessThan(20);
  });

  it('replies sets as RESP3 sets and SRANDMEMBER counts as arrays', () => {
    const ctx = makeContext();
    run(ctx, 'sadd', 's', 'a', 'b');
    const set = jest.spyOn(ctx.reply, 'set');
    const array = jest.spyOn(ctx.reply, 'array');
    for (const command of [['smembers', 's'], ['sinter', 's'], ['sunion', 's'], ['sdiff', 's'], ['spop', 'nokey', '1']]) {
      run(ctx, ...command);
    }
    expect(set).toHaveBeenCalledTimes(5);
    expect(array).not.toHaveBeenCalled();
    run(ctx, 'srandmember', 's', '5');
    run(ctx, 'srandmember', 's', '-1');
    run(ctx, 'smismember', 's', 'a');
    expect(set).toHaveBeenCalledTimes(5);
    expect(array).toHaveBeenCalledTimes(3);
  });

  it('re-accounts memory on in-place changes', () => {
    const ctx = makeContext();
    run(ctx, 'sadd', 's', 'a');
    const before = ctx.engine.usedMemory();
    run(ctx, 'sadd', 's', 'x'.repeat(1000));
    expect(ctx.engine.usedMemory()).toBeGreaterThanOrEqual(before + 1000);
    run(ctx, 'srem', 's', 'x'.repeat(1000));
    expect(ctx.engine.usedMemory()).toBeLessThan(before + 1000);
  });
});

describe('random replies with repetitions are bounded', () => {
  it('refuses SRANDMEMBER and HRANDFIELD counts whose reply could never be sent, instead of dying', () => {
    const ctx = makeContext();
    run(ctx, 'sadd', 's', 'a');
    run(ctx, 'hset', 'h', 'f', 'v');
    expect(run(ctx, 'srandmember', 's', '-1000000000000')).toMatch(/^-ERR count is out of range/);
    expect(run(ctx, 'hrandfield', 'h', '-1000000000000')).toMatch(/^-ERR count is out of range/);
    expect(run(ctx, 'srandmember', 's', '-3')).toEqual(['a', 'a', 'a']);
  });
});

describe('SPOP with a count near the size', () => {
  it('rebuilds the remaining integers as an intset, as Redis 7.0.15 does past 5 × the remainder', () => {
    for (const [count, encoding] of [[427, 'hashtable'], [428, 'intset']] as const) {
      const ctx = makeContext();
      run(ctx, 'sadd', 's', ...Array.from({ length: 513 }, (_, i) => String(i + 1)));
      expect(run(ctx, 'object', 'encoding', 's')).toBe('hashtable');
      expect(run(ctx, 'spop', 's', String(count))).toHaveLength(count);
      expect(run(ctx, 'object', 'encoding', 's')).toBe(encoding);
    }
  });
});
