import { describe, expect, it } from '@jest/globals';
import { makeContext, run, type Step, type TestContext } from './test-kit.js';
import { ListValue } from '../types/list.js';

// Scripted sessions whose replies were recorded from redis-server 7.0.15 over RESP2 (FLUSHALL before each).
// (test-kit's `replay` turns LPUSH into a stand-in list, so these run every command for real.)

function check(steps: Step[]): void {
  const ctx = makeContext();
  expect(steps.map(([command]): Step => [command, run(ctx, ...command)])).toEqual(steps);
}

describe('list commands as redis-server 7.0.15', () => {
  it('LPUSH, RPUSH, LPUSHX, RPUSHX', () =>
    check([
      [['lpush', 'l', 'a', 'b', 'c'], 3],
      [['rpush', 'l', 'd', 'e'], 5],
      [['lrange', 'l', '0', '-1'], ['c', 'b', 'a', 'd', 'e']],
      [['llen', 'l'], 5],
      [['lpushx', 'nx', 'a'], 0],
      [['rpushx', 'nx', 'a'], 0],
      [['exists', 'nx'], 0],
      [['lpushx', 'l', 'x', 'y'], 7],
      [['rpushx', 'l', 'z'], 8],
      [['lrange', 'l', '0', '-1'], ['y', 'x', 'c', 'b', 'a', 'd', 'e', 'z']],
      [['type', 'l'], '+list'],
      [['object', 'encoding', 'l'], 'quicklist'],
      [['set', 's', 'v'], '+OK'],
      [['lpush', 's', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['rpush', 's', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lpushx', 's', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['rpushx', 's', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lpush', 'l'], '-ERR wrong number of arguments for \'lpush\' command'],
      [['rpush', 'bin', '\x00\xff\r\n', ''], 2],
      [['lrange', 'bin', '0', '-1'], ['\x00\xff\r\n', '']],
    ]));

  it('LPOP and RPOP, with and without a count', () =>
    check([
      [['rpush', 'l', 'a', 'b', 'c', 'd', 'e'], 5],
      [['lpop', 'l'], 'a'],
      [['rpop', 'l'], 'e'],
      [['lpop', 'l', '2'], ['b', 'c']],
      [['rpop', 'l', '0'], []],
      [['lpop', 'l', '-1'], '-ERR value is out of range, must be positive'],
      [['lpop', 'l', 'abc'], '-ERR value is out of range, must be positive'],
      [['lpop', 'l', '1', '2'], '-ERR wrong number of arguments for \'lpop\' command'],
      [['rpop', 'l', '10'], ['d']],
      [['exists', 'l'], 0],
      [['lpop', 'l'], null],
      [['lpop', 'l', '2'], null],
      [['lpop', 'l', '0'], null],
      [['rpop', 'l', '-1'], '-ERR value is out of range, must be positive'],
      [['set', 's', 'v'], '+OK'],
      [['lpop', 's'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lpop', 's', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['rpop', 's', '-1'], '-ERR value is out of range, must be positive'],
      [['rpush', 'l', 'x'], 1],
      [['rpop', 'l'], 'x'],
      [['exists', 'l'], 0],
    ]));

  it('LRANGE, LINDEX, LLEN', () =>
    check([
      [['rpush', 'l', 'a', 'b', 'c', 'd', 'e'], 5],
      [['lrange', 'l', '1', '3'], ['b', 'c', 'd']],
      [['lrange', 'l', '-2', '-1'], ['d', 'e']],
      [['lrange', 'l', '-100', '100'], ['a', 'b', 'c', 'd', 'e']],
      [['lrange', 'l', '3', '1'], []],
      [['lrange', 'l', '5', '10'], []],
      [['lrange', 'l', '0', 'x'], '-ERR value is not an integer or out of range'],
      [['lrange', 'nx', '0', '-1'], []],
      [['lrange', 'nx', 'x', '1'], '-ERR value is not an integer or out of range'],
      [['lindex', 'l', '0'], 'a'],
      [['lindex', 'l', '-1'], 'e'],
      [['lindex', 'l', '5'], null],
      [['lindex', 'l', '-6'], null],
      [['lindex', 'l', 'x'], '-ERR value is not an integer or out of range'],
      [['lindex', 'nx', 'x'], null],
      [['lindex', 'nx', '0'], null],
      [['set', 's', 'v'], '+OK'],
      [['lrange', 's', '0', '-1'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lrange', 's', 'x', '1'], '-ERR value is not an integer or out of range'],
      [['lindex', 's', '0'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lindex', 's', 'x'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['llen', 's'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['llen', 'nx'], 0],
    ]));

  it('LSET', () =>
    check([
      [['lset', 'nx', '0', 'a'], '-ERR no such key'],
      [['rpush', 'l', 'a', 'b', 'c'], 3],
      [['lset', 'l', '1', 'B'], '+OK'],
      [['lset', 'l', '-1', 'C'], '+OK'],
      [['lset', 'l', '3', 'x'], '-ERR index out of range'],
      [['lset', 'l', '-4', 'x'], '-ERR index out of range'],
      [['lset', 'l', 'x', 'x'], '-ERR value is not an integer or out of range'],
      [['lrange', 'l', '0', '-1'], ['a', 'B', 'C']],
      [['set', 's', 'v'], '+OK'],
      [['lset', 's', '0', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lset', 's', 'x', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ]));

  it('LINSERT', () =>
    check([
      [['linsert', 'nx', 'before', 'a', 'b'], 0],
      [['rpush', 'l', 'a', 'b', 'c'], 3],
      [['linsert', 'l', 'before', 'b', 'x'], 4],
      [['linsert', 'l', 'AFTER', 'c', 'y'], 5],
      [['linsert', 'l', 'after', 'zz', 'y'], -1],
      [['linsert', 'l', 'middle', 'b', 'y'], '-ERR syntax error'],
      [['linsert', 'nx', 'middle', 'b', 'y'], '-ERR syntax error'],
      [['lrange', 'l', '0', '-1'], ['a', 'x', 'b', 'c', 'y']],
      [['linsert', 'l', 'before', 'a', 'first'], 6],
      [['lrange', 'l', '0', '-1'], ['first', 'a', 'x', 'b', 'c', 'y']],
      [['set', 's', 'v'], '+OK'],
      [['linsert', 's', 'before', 'a', 'b'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ]));

  it('LREM from the head, the tail, or everywhere', () =>
    check([
      [['rpush', 'l', 'x', 'a', 'x', 'b', 'x', 'c', 'x'], 7],
      [['lrem', 'l', '2', 'x'], 2],
      [['lrange', 'l', '0', '-1'], ['a', 'b', 'x', 'c', 'x']],
      [['lrem', 'l', '-1', 'x'], 1],
      [['lrange', 'l', '0', '-1'], ['a', 'b', 'x', 'c']],
      [['lrem', 'l', '0', 'x'], 1],
      [['lrange', 'l', '0', '-1'], ['a', 'b', 'c']],
      [['lrem', 'l', '0', 'zz'], 0],
      [['lrem', 'l', 'x', 'a'], '-ERR value is not an integer or out of range'],
      [['lrem', 'nx', '1', 'a'], 0],
      [['lrem', 'nx', 'x', 'a'], '-ERR value is not an integer or out of range'],
      [['lrem', 'l', '0', 'a'], 1],
      [['lrem', 'l', '0', 'b'], 1],
      [['lrem', 'l', '0', 'c'], 1],
      [['exists', 'l'], 0],
      [['set', 's', 'v'], '+OK'],
      [['lrem', 's', '0', 'a'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ]));

  it('LTRIM', () =>
    check([
      [['rpush', 'l', 'a', 'b', 'c', 'd', 'e'], 5],
      [['ltrim', 'l', '1', '-2'], '+OK'],
      [['lrange', 'l', '0', '-1'], ['b', 'c', 'd']],
      [['ltrim', 'l', '-100', '100'], '+OK'],
      [['lrange', 'l', '0', '-1'], ['b', 'c', 'd']],
      [['ltrim', 'l', '1', '1'], '+OK'],
      [['lrange', 'l', '0', '-1'], ['c']],
      [['ltrim', 'l', 'x', '1'], '-ERR value is not an integer or out of range'],
      [['ltrim', 'l', '1', '0'], '+OK'],
      [['exists', 'l'], 0],
      [['ltrim', 'nx', '0', '1'], '+OK'],
      [['rpush', 'l', 'a', 'b'], 2],
      [['ltrim', 'l', '5', '10'], '+OK'],
      [['exists', 'l'], 0],
      [['set', 's', 'v'], '+OK'],
      [['ltrim', 's', '0', '1'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['ltrim', 's', 'x', '1'], '-ERR value is not an integer or out of range'],
    ]));

  it('LPOS with RANK, COUNT and MAXLEN', () =>
    check([
      [['rpush', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c'], 8],
      [['lpos', 'l', 'c'], 2],
      [['lpos', 'l', 'c', 'rank', '2'], 6],
      [['lpos', 'l', 'c', 'rank', '-1'], 7],
      [['lpos', 'l', 'c', 'rank', '-2'], 6],
      [['lpos', 'l', 'c', 'count', '0'], [2, 6, 7]],
      [['lpos', 'l', 'c', 'count', '2'], [2, 6]],
      [['lpos', 'l', 'c', 'rank', '-1', 'count', '2'], [7, 6]],
      [['lpos', 'l', 'c', 'rank', '2', 'count', '0'], [6, 7]],
      [['lpos', 'l', 'c', 'maxlen', '3'], 2],
      [['lpos', 'l', 'c', 'maxlen', '2'], null],
      [['lpos', 'l', 'c', 'maxlen', '2', 'count', '0'], []],
      [['lpos', 'l', 'c', 'rank', '-1', 'maxlen', '1'], 7],
      [['lpos', 'l', 'zz'], null],
      [['lpos', 'l', 'zz', 'count', '0'], []],
      [['lpos', 'l', 'c', 'rank', '0'], '-ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list'],
      [['lpos', 'l', 'c', 'rank', 'x'], '-ERR value is not an integer or out of range'],
      [['lpos', 'l', 'c', 'rank', '-9223372036854775808'], 7],
      [['lpos', 'l', 'c', 'count', '-1'], '-ERR COUNT can\'t be negative'],
      [['lpos', 'l', 'c', 'count', 'x'], '-ERR COUNT can\'t be negative'],
      [['lpos', 'l', 'c', 'maxlen', '-1'], '-ERR MAXLEN can\'t be negative'],
      [['lpos', 'l', 'c', 'maxlen', 'x'], '-ERR MAXLEN can\'t be negative'],
      [['lpos', 'l', 'c', 'foo'], '-ERR syntax error'],
      [['lpos', 'l', 'c', 'rank'], '-ERR syntax error'],
      [['lpos', 'l', 'c', 'rank', '10'], null],
      [['lpos', 'nx', 'c'], null],
      [['lpos', 'nx', 'c', 'count', '1'], []],
      [['lpos', 'nx', 'c', 'rank', '0'], '-ERR RANK can\'t be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list'],
      [['set', 's', 'v'], '+OK'],
      [['lpos', 's', 'c'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lpos', 's', 'c', 'count', 'x'], '-ERR COUNT can\'t be negative'],
    ]));

  it('RPOPLPUSH and LMOVE', () =>
    check([
      [['rpush', 'src', 'a', 'b', 'c'], 3],
      [['rpoplpush', 'src', 'dst'], 'c'],
      [['lmove', 'src', 'dst', 'left', 'right'], 'a'],
      [['lmove', 'src', 'dst', 'LEFT', 'LEFT'], 'b'],
      [['exists', 'src'], 0],
      [['lrange', 'dst', '0', '-1'], ['b', 'c', 'a']],
      [['lmove', 'dst', 'dst', 'left', 'right'], 'b'],
      [['lrange', 'dst', '0', '-1'], ['c', 'a', 'b']],
      [['rpoplpush', 'nx', 'dst'], null],
      [['lmove', 'nx', 'dst', 'up', 'left'], '-ERR syntax error'],
      [['lmove', 'dst', 'dst', 'up', 'left'], '-ERR syntax error'],
      [['rpush', 'one', 'x'], 1],
      [['rpoplpush', 'one', 'one'], 'x'],
      [['lrange', 'one', '0', '-1'], ['x']],
      [['set', 's', 'v'], '+OK'],
      [['rpoplpush', 's', 'dst'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['rpoplpush', 'dst', 's'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['rpoplpush', 'nx', 's'], null],
      [['lmove', 'dst', 's', 'left', 'left'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lrange', 'dst', '0', '-1'], ['c', 'a', 'b']],
    ]));

  it('LMPOP', () =>
    check([
      [['rpush', 'a', '1', '2', '3'], 3],
      [['rpush', 'b', 'x', 'y'], 2],
      [['lmpop', '2', 'nx', 'a', 'left'], ['a', ['1']]],
      [['lmpop', '2', 'nx', 'a', 'right', 'count', '5'], ['a', ['3', '2']]],
      [['exists', 'a'], 0],
      [['lmpop', '2', 'a', 'b', 'RIGHT', 'COUNT', '1'], ['b', ['y']]],
      [['lmpop', '1', 'nx', 'left'], null],
      [['lmpop', '0', 'a', 'left'], '-ERR numkeys should be greater than 0'],
      [['lmpop', 'x', 'a', 'left'], '-ERR numkeys should be greater than 0'],
      [['lmpop', '-1', 'a', 'left'], '-ERR numkeys should be greater than 0'],
      [['lmpop', '3', 'a', 'b', 'left'], '-ERR syntax error'],
      [['lmpop', '1', 'b', 'up'], '-ERR syntax error'],
      [['lmpop', '1', 'b', 'left', 'count', '0'], '-ERR count should be greater than 0'],
      [['lmpop', '1', 'b', 'left', 'count', 'x'], '-ERR count should be greater than 0'],
      [['lmpop', '1', 'b', 'left', 'count', '1', 'count', '1'], '-ERR syntax error'],
      [['lmpop', '1', 'b', 'left', 'count'], '-ERR syntax error'],
      [['lmpop', '1', 'b', 'left', 'foo'], '-ERR syntax error'],
      [['set', 's', 'v'], '+OK'],
      [['lmpop', '2', 's', 'b', 'left'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['lmpop', '2', 'b', 's', 'left'], ['b', ['x']]],
      [['lmpop', '2', 'nx', 's', 'left'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
    ]));
});

describe('list keys in the keyspace', () => {
  function listAt(ctx: TestContext, key: string): ListValue {
    const value = ctx.keyspace.peek(0, key);
    if (!(value instanceof ListValue)) throw new Error(`${key} is not a list`);
    return value;
  }

  it('keeps memory accounting current after in-place mutations', () => {
    const ctx = makeContext();
    run(ctx, 'rpush', 'l', 'a');
    const before = ctx.engine.usedMemory();
    run(ctx, 'rpush', 'l', 'x'.repeat(1000));
    expect(ctx.engine.usedMemory() - before).toBeGreaterThanOrEqual(1000);
    run(ctx, 'rpop', 'l');
    expect(ctx.engine.usedMemory()).toBe(before);
    run(ctx, 'lset', 'l', '0', 'y'.repeat(500));
    expect(ctx.engine.usedMemory() - before).toBeGreaterThanOrEqual(499);
  });

  it('works with the key commands: TYPE, DEL, EXPIRE, RENAME, SCAN TYPE, OBJECT ENCODING', () => {
    const ctx = makeContext();
    run(ctx, 'rpush', 'l', 'a', 'b');
    run(ctx, 'set', 's', 'v');
    expect(run(ctx, 'type', 'l')).toBe('+list');
    expect(run(ctx, 'object', 'encoding', 'l')).toBe('quicklist');
    expect(run(ctx, 'scan', '0', 'type', 'list')).toEqual(['0', ['l']]);
    expect(run(ctx, 'rename', 'l', 'm')).toBe('+OK');
    expect(run(ctx, 'lrange', 'm', '0', '-1')).toEqual(['a', 'b']);
    expect(run(ctx, 'expire', 'm', '10')).toBe(1);
    ctx.clock.advance(10_001);
    expect(run(ctx, 'llen', 'm')).toBe(0);
    run(ctx, 'rpush', 'l', 'a');
    expect(run(ctx, 'del', 'l')).toBe(1);
    expect(run(ctx, 'exists', 'l')).toBe(0);
  });

  it('a long list wraps its ring and keeps order through pops at both ends', () => {
    const ctx = makeContext();
    for (let i = 0; i < 100; i++) run(ctx, i % 2 === 0 ? 'lpush' : 'rpush', 'l', String(i));
    expect(run(ctx, 'llen', 'l')).toBe(100);
    expect(run(ctx, 'lindex', 'l', '0')).toBe('98');
    expect(run(ctx, 'lindex', 'l', '-1')).toBe('99');
    expect(run(ctx, 'lpop', 'l', '49')).toHaveLength(49);
    expect(run(ctx, 'rpop', 'l', '49')).toHaveLength(49);
    expect(run(ctx, 'lrange', 'l', '0', '-1')).toEqual(['0', '1']);
    expect(listAt(ctx, 'l').length).toBe(2);
  });
});
