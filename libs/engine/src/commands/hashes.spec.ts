import { describe, expect, it } from '@jest/globals';
import { makeContext, replay, run, type Step } from './test-kit.js';
import { ValueReply } from './value-reply.js';

// Scripted sessions whose replies were recorded from redis-server 7.0.15 (FLUSHALL before each).

function check(steps: Step[]): void {
  expect(replay(makeContext(), steps)).toEqual(steps);
}

/** A map reply (HGETALL) from the flat field-value list redis-cli shows in RESP2. */
function pairs(...items: string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
  return map;
}

/** HSET key f0 v f1 v ... f{n-1} v */
function hsetMany(key: string, n: number): string[] {
  const args = ['hset', key];
  for (let i = 0; i < n; i++) args.push(`f${i}`, 'v');
  return args;
}

describe('hash commands', () => {
  it("HSET, HGET, HMSET, HSETNX", () =>
    check([
      [["hset","h","a","1","b","2"],2],
      [["hset","h","a","3","c","4"],1],
      [["hget","h","a"],"3"],
      [["hget","h","zz"],null],
      [["hget","nokey","a"],null],
      [["hset","h","a"],"-ERR wrong number of arguments for 'hset' command"],
      [["hset","h","a","1","b"],"-ERR wrong number of arguments for 'hset' command"],
      [["hmset","h","a"],"-ERR wrong number of arguments for 'hmset' command"],
      [["hmset","h","d","5","e",""],"+OK"],
      [["hget","h","e"],""],
      [["hsetnx","h","a","9"],0],
      [["hsetnx","h","f","6"],1],
      [["hsetnx","new","f","6"],1],
      [["hget","new","f"],"6"],
      [["hset","bin","\u0000ÿ","\r\n"],1],
      [["hget","bin","\u0000ÿ"],"\r\n"],
      [["hset","","",""],1],
      [["hget","",""],""],
      [["hlen",""],1],
    ]));

  it("HMGET, HLEN, HEXISTS, HSTRLEN", () =>
    check([
      [["hset","h","a","1","b","hello"],2],
      [["hmget","h","a","zz","b"],["1",null,"hello"]],
      [["hmget","nokey","a","b"],[null,null]],
      [["hlen","h"],2],
      [["hlen","nokey"],0],
      [["hexists","h","a"],1],
      [["hexists","h","zz"],0],
      [["hexists","nokey","a"],0],
      [["hstrlen","h","b"],5],
      [["hstrlen","h","zz"],0],
      [["hstrlen","nokey","b"],0],
      [["hset","n","f","12345"],1],
      [["hstrlen","n","f"],5],
    ]));

  it("HGETALL, HKEYS, HVALS keep listpack order", () =>
    check([
      [["hset","h","c","3","a","1","b","2"],3],
      [["hdel","h","a"],1],
      [["hset","h","a","x","c","y"],1],
      [["hgetall","h"],pairs("c","y","b","2","a","x")],
      [["hkeys","h"],["c","b","a"]],
      [["hvals","h"],["y","2","x"]],
      [["hgetall","nokey"],pairs()],
      [["hkeys","nokey"],[]],
      [["hvals","nokey"],[]],
    ]));

  it("HDEL deletes the key when the hash empties", () =>
    check([
      [["hset","h","a","1","b","2"],2],
      [["hdel","h","a","a","zz"],1],
      [["exists","h"],1],
      [["hdel","h","b","c"],1],
      [["exists","h"],0],
      [["hdel","h","b"],0],
      [["hdel","nokey","a"],0],
      [["hset","h","a","1"],1],
      [["hdel","h","a","b","a"],1],
      [["type","h"],"+none"],
    ]));

  it("WRONGTYPE", () =>
    check([
      [["set","s","v"],"+OK"],
      [["hset","s","a","1"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hmset","s","a","1"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hsetnx","s","a","1"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hget","s","a"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hmget","s","a"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hdel","s","a"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hlen","s"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hexists","s","a"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hstrlen","s","a"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hgetall","s"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hkeys","s"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hvals","s"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hincrby","s","a","1"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hincrbyfloat","s","a","1"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hrandfield","s"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hrandfield","s","1"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hscan","s","0"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["hset","h","a","1"],1],
      [["get","h"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["append","h","x"],"-WRONGTYPE Operation against a key holding the wrong kind of value"],
      [["type","h"],"+hash"],
    ]));

  it("HINCRBY", () =>
    check([
      [["hincrby","h","a","5"],5],
      [["hincrby","h","a","-7"],-2],
      [["hget","h","a"],"-2"],
      [["hincrby","h","a","x"],"-ERR value is not an integer or out of range"],
      [["hincrby","h","a","1.5"],"-ERR value is not an integer or out of range"],
      [["hset","h","s","abc","sp"," 1","big","9223372036854775807"],3],
      [["hincrby","h","s","1"],"-ERR hash value is not an integer"],
      [["hincrby","h","sp","1"],"-ERR hash value is not an integer"],
      [["hincrby","h","big","1"],"-ERR increment or decrement would overflow"],
      [["hincrby","h","big","0"],9223372036854775807n],
      [["hincrby","h","big","-9223372036854775807"],0],
      [["hincrby","h","neg","-9223372036854775808"],-9223372036854775808n],
      [["hincrby","h","neg","-1"],"-ERR increment or decrement would overflow"],
      [["hincrby","h","z","9223372036854775808"],"-ERR value is not an integer or out of range"],
      [["hincrby","nokey","a","x"],"-ERR value is not an integer or out of range"],
      [["exists","nokey"],0],
      [["hincrby","h2","f","-0"],"-ERR value is not an integer or out of range"],
      [["hincrby","h","big","0"],0],
    ]));

  it("HINCRBYFLOAT", () =>
    check([
      [["hincrbyfloat","h","a","10.5"],"10.5"],
      [["hincrbyfloat","h","a","0.1"],"10.6"],
      [["hincrbyfloat","h","a","-5.6"],"5"],
      [["hincrbyfloat","h","a","5.0e3"],"5005"],
      [["hincrbyfloat","h","b","3"],"3"],
      [["hset","h","c","abc","i","7"],2],
      [["hincrbyfloat","h","c","1"],"-ERR hash value is not a float"],
      [["hincrbyfloat","h","i","1.5"],"8.5"],
      [["hincrbyfloat","h","a","abc"],"-ERR value is not a valid float"],
      [["hincrbyfloat","h","a","inf"],"-ERR value is NaN or Infinity"],
      [["hincrbyfloat","h","a","-inf"],"-ERR value is NaN or Infinity"],
      [["hincrbyfloat","h","a","nan"],"-ERR value is not a valid float"],
      [["hincrbyfloat","h","a",""],"-ERR value is not a valid float"],
      [["hincrbyfloat","h","d","1.23456789012345678"],"1.23456789012345678"],
      [["hincrbyfloat","h","e","0x10"],"16"],
      [["hincrbyfloat","nokey","a","inf"],"-ERR value is NaN or Infinity"],
      [["exists","nokey"],0],
      [["hgetall","h"],pairs("a","5005","b","3","c","abc","i","8.5","d","1.23456789012345678","e","16")],
    ]));

  it("HRANDFIELD arguments and errors", () =>
    check([
      [["hrandfield","nokey"],null],
      [["hrandfield","nokey","3"],[]],
      [["hrandfield","nokey","-3","withvalues"],[]],
      [["hrandfield","nokey","x"],"-ERR value is not an integer or out of range"],
      [["hset","h","a","1"],1],
      [["hrandfield","h"],"a"],
      [["hrandfield","h","1"],["a"]],
      [["hrandfield","h","-3"],["a","a","a"]],
      [["hrandfield","h","-2","withvalues"],["a","1","a","1"]],
      [["hrandfield","h","5","WITHVALUES"],["a","1"]],
      [["hrandfield","h","0"],[]],
      [["hrandfield","h","0","withvalues"],[]],
      [["hrandfield","h","1","withvalue"],"-ERR syntax error"],
      [["hrandfield","h","1","withvalues","x"],"-ERR syntax error"],
      [["hrandfield","h","x"],"-ERR value is not an integer or out of range"],
      [["hrandfield","h","1.5"],"-ERR value is not an integer or out of range"],
      [["hrandfield","h","-9223372036854775808"],"-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"],
      [["hrandfield","h","9223372036854775807","withvalues"],"-ERR value is out of range"],
      [["hrandfield","h","-4611686018427387904","withvalues"],"-ERR value is out of range"],
      [["hrandfield","nokey","x","withvalues"],"-ERR value is not an integer or out of range"],
      [["hrandfield","nokey","9223372036854775807","withvalues"],"-ERR value is out of range"],
      [["hrandfield","nokey","1","foo"],"-ERR syntax error"],
    ]));

  it("HSCAN", () =>
    check([
      [["hset","h","a","1","b","2","ab","3"],3],
      [["hscan","h","0"],["0",["a","1","b","2","ab","3"]]],
      [["hscan","h","0","match","a*"],["0",["a","1","ab","3"]]],
      [["hscan","h","0","MATCH","*","COUNT","1"],["0",["a","1","b","2","ab","3"]]],
      [["hscan","h","123"],["0",["a","1","b","2","ab","3"]]],
      [["hscan","h","-1"],["0",["a","1","b","2","ab","3"]]],
      [["hscan","h","abc"],"-ERR invalid cursor"],
      [["hscan","h"," 0"],"-ERR invalid cursor"],
      [["hscan","h","18446744073709551616"],"-ERR invalid cursor"],
      [["hscan","h","0","count","0"],"-ERR syntax error"],
      [["hscan","h","0","count","x"],"-ERR value is not an integer or out of range"],
      [["hscan","h","0","match"],"-ERR syntax error"],
      [["hscan","h","0","type","hash"],"-ERR syntax error"],
      [["hscan","h","0","foo","bar"],"-ERR syntax error"],
      [["hscan","nokey","0"],["0",[]]],
      [["hscan","nokey","0","foo"],["0",[]]],
      [["hscan","nokey","x"],"-ERR invalid cursor"],
    ]));

  it("OBJECT ENCODING listpack then hashtable", () =>
    check([
      [["hset","h","f","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],1],
      [["object","encoding","h"],"listpack"],
      [["hset","h","g","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],1],
      [["object","encoding","h"],"hashtable"],
      [["hdel","h","g"],1],
      [["object","encoding","h"],"hashtable"],
      [["hset","k","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","1"],1],
      [["object","encoding","k"],"hashtable"],
      [["hset","s","a","1"],1],
      [["hsetnx","s","a","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],0],
      [["object","encoding","s"],"listpack"],
      [["hsetnx","s","b","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],1],
      [["object","encoding","s"],"hashtable"],
      [["hset","i","a","1"],1],
      [["hincrby","i","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","1"],1],
      [["object","encoding","i"],"hashtable"],
      [["hset","j","a","1"],1],
      [["hincrbyfloat","j","xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","1"],"1"],
      [["object","encoding","j"],"hashtable"],
      [["object","encoding","nokey"],null],
    ]));

  it("keys commands on a hash", () =>
    check([
      [["hset","h","a","1"],1],
      [["type","h"],"+hash"],
      [["expire","h","100"],1],
      [["ttl","h"],100],
      [["rename","h","h2"],"+OK"],
      [["hget","h2","a"],"1"],
      [["scan","0","type","hash"],["0",["h2"]]],
      [["del","h2"],1],
      [["exists","h2"],0],
    ]));

  it('listpack up to 512 fields, then hashtable for good', () =>
    check([
      [hsetMany('big', 512), 512],
      [['object', 'encoding', 'big'], 'listpack'],
      [['hset', 'big', 'f512', 'v'], 1],
      [['object', 'encoding', 'big'], 'hashtable'],
      [['hdel', 'big', 'f512', 'f511'], 2],
      [['object', 'encoding', 'big'], 'hashtable'],
      [['hlen', 'big'], 511],
    ]));
});

describe('HRANDFIELD counts', () => {
  const ctx = makeContext();
  run(ctx, 'hset', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  const fields = ['a', 'b', 'c', 'd'];

  it('a positive count gives distinct fields, at most the whole hash', () => {
    for (let i = 0; i < 50; i++) {
      const two = run(ctx, 'hrandfield', 'h', '2') as string[];
      expect(two).toHaveLength(2);
      expect(new Set(two).size).toBe(2);
      for (const f of two) expect(fields).toContain(f);
    }
    expect(run(ctx, 'hrandfield', 'h', '10')).toEqual(fields);
    expect(run(ctx, 'hrandfield', 'h', '4', 'withvalues')).toEqual(['a', '1', 'b', '2', 'c', '3', 'd', '4']);
  });

  it('a negative count may repeat fields; WITHVALUES pairs each field with its value', () => {
    const many = run(ctx, 'hrandfield', 'h', '-20', 'withvalues') as string[];
    expect(many).toHaveLength(40);
    for (let i = 0; i < 40; i += 2) expect(many[i + 1]).toBe(String(fields.indexOf(many[i]) + 1));
  });

  it('distinct picks from a hashtable cover every field', () => {
    const big = makeContext();
    run(big, ...hsetMany('h', 600));
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const f of run(big, 'hrandfield', 'h', '100') as string[]) seen.add(f);
    expect(seen.size).toBe(600);
    const some = run(big, 'hrandfield', 'h', '599') as string[];
    expect(new Set(some).size).toBe(599);
  });
});

describe('RESP3 shapes', () => {
  it('HGETALL is a map, HRANDFIELD WITHVALUES nests pairs, HSCAN stays an array', () => {
    const ctx = makeContext();
    const reply = new ValueReply(3);
    const ctx3 = { ...ctx, reply };
    run(ctx, 'hset', 'h', 'a', '1');
    expect(run(ctx3, 'hgetall', 'h')).toEqual(new Map([['a', '1']]));
    expect(run(ctx3, 'hgetall', 'nokey')).toEqual(new Map());
    expect(run(ctx3, 'hrandfield', 'h', '-2', 'withvalues')).toEqual([['a', '1'], ['a', '1']]);
    expect(run(ctx3, 'hrandfield', 'h', '1', 'withvalues')).toEqual([['a', '1']]);
    expect(run(ctx3, 'hrandfield', 'h', '5')).toEqual(['a']);
    expect(run(ctx3, 'hscan', 'h', '0')).toEqual(['0', ['a', '1']]);
  });
});

describe('HSCAN on a hashtable', () => {
  it('iterates with a cursor, COUNT at a time, MATCH filtering fields', () => {
    const ctx = makeContext();
    run(ctx, ...hsetMany('h', 1000));
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = run(ctx, 'hscan', 'h', cursor, 'count', '100') as [string, string[]];
      expect(items.length).toBeLessThanOrEqual(200);
      for (let i = 0; i < items.length; i += 2) seen.set(items[i], items[i + 1]);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    expect(seen.size).toBe(1000);
    expect(calls).toBe(10);
    const [, matched] = run(ctx, 'hscan', 'h', '0', 'match', 'f99*', 'count', '1000') as [string, string[]];
    expect(matched.filter((_, i) => i % 2 === 0).sort()).toEqual(['f99', 'f990', 'f991', 'f992', 'f993', 'f994', 'f995', 'f996', 'f997', 'f998', 'f999']);
  });
});

describe('memory accounting', () => {
  it('keeps the used memory current as a hash grows and shrinks', () => {
    const ctx = makeContext();
    run(ctx, 'hset', 'h', 'a', '1');
    const small = ctx.engine.usedMemory();
    run(ctx, 'hset', 'h', 'b', 'x'.repeat(1000));
    expect(ctx.engine.usedMemory()).toBeGreaterThanOrEqual(small + 1000);
    run(ctx, 'hdel', 'h', 'b');
    expect(ctx.engine.usedMemory()).toBe(small);
  });
});
