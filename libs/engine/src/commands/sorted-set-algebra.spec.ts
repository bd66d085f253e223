import { describe, expect, it } from '@jest/globals';
import { makeContext, run, type Step, type TestContext } from './test-kit.js';
import { ValueReply } from './value-reply.js';

function resp3Context(): TestContext {
  return { ...makeContext(), reply: new ValueReply(3) };
}

/**
 * Recorded from redis-server 7.0.15 with HELLO 3 (doubles as numbers, -0 kept). The 0.1/0.2/0.3 sums check
 * that inputs are added smallest first, as Redis sorts them (in the order given the sum would be 0.6000000000000001).
 */
const session: Step[] = [
  [["zadd","z1","1","a","2","b","3","c"], 3],
  [["zadd","z2","inf","a","-inf","b","5","d"], 3],
  [["sadd","s1","a","d","x"], 3],
  [["set","str","v"], "+OK"],
  [["zunion","2","z1","z2","withscores"], [["b",-Infinity],["c",3],["d",5],["a",Infinity]]],
  [["zunion","2","z1","s1","withscores"], [["d",1],["x",1],["a",2],["b",2],["c",3]]],
  [["zinter","2","z1","z2","withscores"], [["b",-Infinity],["a",Infinity]]],
  [["zinter","3","z1","z2","s1","withscores"], [["a",Infinity]]],
  [["zunion","2","z1","z2","weights","0","1","withscores"], [["b",-Infinity],["c",0],["d",5],["a",Infinity]]],
  [["zunion","2","z1","z2","weights","2","nan"], "-ERR weight value is not a float"],
  [["zunion","2","z1","z2","weights","2"], "-ERR syntax error"],
  [["zunion","2","z1","z2","aggregate","foo"], "-ERR syntax error"],
  [["zunion","2","z1","str","foo"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zunion","0","z1"], "-ERR at least 1 input key is needed for 'zunion' command"],
  [["zunionstore","d","0","z1"], "-ERR at least 1 input key is needed for 'zunionstore' command"],
  [["zunion","3","z1","z2"], "-ERR syntax error"],
  [["zunion","-1","z1"], "-ERR at least 1 input key is needed for 'zunion' command"],
  [["zunion","x","z1"], "-ERR value is not an integer or out of range"],
  [["zdiff","2","z1","z2","weights","1","1"], "-ERR syntax error"],
  [["zdiff","2","z1","z2","aggregate","min"], "-ERR syntax error"],
  [["zdiff","2","z1","s1","withscores"], [["b",2],["c",3]]],
  [["zdiff","1","z1","withscores"], [["a",1],["b",2],["c",3]]],
  [["zdiff","2","z1","z2"], ["c"]],
  [["zunion","2","z1","z2","aggregate","max","withscores"], [["b",2],["c",3],["d",5],["a",Infinity]]],
  [["zunion","2","z1","z2","aggregate","min","withscores"], [["b",-Infinity],["a",1],["c",3],["d",5]]],
  [["zinter","2","z1","z2","aggregate","max"], ["b","a"]],
  [["zunionstore","out","2","z1","z2"], 4],
  [["zrange","out","0","-1","withscores"], [["b",-Infinity],["c",3],["d",5],["a",Infinity]]],
  [["zunionstore","out","2","z1","z2","withscores"], "-ERR syntax error"],
  [["zinterstore","out","2","z1","nokey"], 0],
  [["exists","out"], 0],
  [["zunion","2","z1","z2","weights","1","1","weights","2","2","withscores"], [["b",-Infinity],["c",6],["d",10],["a",Infinity]]],
  [["zunion","2","z1","z2","aggregate","min","aggregate","sum","withscores"], [["b",-Infinity],["c",3],["d",5],["a",Infinity]]],
  [["zunion","2","z1","z2","withscores","withscores"], [["b",-Infinity],["c",3],["d",5],["a",Infinity]]],
  [["zunion","1","nokey"], []],
  [["zunion","1","nokey","withscores"], []],
  [["zinter","2","str","z1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zinter","2","nokey","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zunion","1","z1","weights","1","weights"], "-ERR syntax error"],
  [["zunion","2","z1","z2","weights","a","b"], "-ERR weight value is not a float"],
  [["zunion","2","z1","z2","weights","1","2","aggregate"], "-ERR syntax error"],
  [["zadd","p","1","a","inf","b","-inf","c","0","d"], 4],
  [["zadd","q","2","a","-inf","b","inf","c","3","d"], 4],
  [["sadd","s","a","b"], 2],
  [["zunion","2","p","q","withscores"], [["b",0],["c",0],["a",3],["d",3]]],
  [["zinter","2","p","q","weights","0","1","withscores"], [["b",-Infinity],["a",2],["d",3],["c",Infinity]]],
  [["zinter","2","p","q","weights","1","-1","aggregate","sum","withscores"], [["c",-Infinity],["d",-3],["a",-1],["b",Infinity]]],
  [["zinter","2","p","q","aggregate","min","withscores"], [["b",-Infinity],["c",-Infinity],["d",0],["a",1]]],
  [["zunion","2","p","s","weights","1","inf","withscores"], [["c",-Infinity],["d",0],["a",Infinity],["b",Infinity]]],
  [["zunion","1","p","weights","-1","withscores"], [["b",-Infinity],["a",-1],["d",-0],["c",Infinity]]],
  [["zunionstore","o","1","p","weights","-1"], 4],
  [["zrange","o","0","-1","withscores"], [["b",-Infinity],["a",-1],["d",0],["c",Infinity]]],
  [["object","encoding","o"], "listpack"],
  [["zadd","za","0.1","m","1","x","1","y"], 3],
  [["zadd","zb","0.2","m"], 1],
  [["zadd","zc","0.3","m","1","u"], 2],
  [["zunion","3","za","zb","zc","withscores"], [["m",0.6],["u",1],["x",1],["y",1]]],
  [["zinter","3","za","zb","zc","withscores"], [["m",0.6]]],
  [["zinterstore","zi","3","za","zc","zb"], 1],
  [["zscore","zi","m"], 0.6],
  [["zintercard","0","p"], "-ERR at least 1 input key is needed for 'zintercard' command"],
  [["zintercard","3","p","q"], "-ERR syntax error"],
  [["zintercard","2","p","q","limit","-1"], "-ERR LIMIT can't be negative"],
  [["zintercard","2","p","q","limit","1"], 1],
  [["zintercard","2","p","q","limit","0"], 4],
  [["zintercard","2","p","s"], 2],
  [["zintercard","2","p","q","foo"], "-ERR syntax error"],
  [["zintercard","2","p","q","limit"], "-ERR syntax error"],
  [["zintercard","x","p"], "-ERR value is not an integer or out of range"],
  [["zintercard","1","nokey"], 0],
  [["zintercard","2","p","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zintercard","2","nokey","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zintercard","2","p","q","limit","x"], "-ERR LIMIT can't be negative"],
  [["zintercard","2","p","str","limit","-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zintercard","1","p","weights","1"], "-ERR syntax error"],
  [["zintercard","1","p","limit","1","limit","0"], 4],
  [["zintercard","2","p","nokey"], 0],
  [["zdiffstore","o2","2","p","q"], 0],
  [["exists","o2"], 0],
  [["zdiffstore","o2","2","p","s"], 2],
  [["zrange","o2","0","-1","withscores"], [["c",-Infinity],["d",0]]],
  [["zdiffstore","o2","2","p","p"], 0],
  [["exists","o2"], 0],
  [["zdiff","2","nokey","p"], []],
  [["expire","z1","100"], 1],
  [["zunionstore","z1","2","z1","z2"], 4],
  [["zrange","z1","0","-1","withscores"], [["b",-Infinity],["c",3],["d",5],["a",Infinity]]],
  [["ttl","z1"], -1],
  [["zunionstore","str","1","s1"], 3],
  [["type","str"], "+zset"],
  [["zrange","str","0","-1","withscores"], [["a",1],["d",1],["x",1]]],
];

describe('sorted set algebra', () => {
  it('replies as redis-server 7.0.15 to a recorded session', () => {
    const ctx = resp3Context();
    expect(session.map(([command]): Step => [command, run(ctx, ...command)])).toEqual(session);
  });

  it('replies flat in RESP2 with WITHSCORES', () => {
    const ctx = makeContext();
    run(ctx, 'zadd', 'a', '1', 'x', '2', 'y');
    run(ctx, 'sadd', 's', 'y');
    expect(run(ctx, 'zunion', '2', 'a', 's', 'withscores')).toEqual(['x', 1, 'y', 3]);
    expect(run(ctx, 'zinter', '2', 'a', 's', 'aggregate', 'max', 'withscores')).toEqual(['y', 2]);
  });

  it('stores a skiplist when the result is large, keeping -0 there as Redis does', () => {
    const ctx = makeContext();
    const args = ['zadd', 'big'];
    for (let i = 0; i < 200; i++) args.push('0', 'm' + i);
    run(ctx, ...args);
    expect(run(ctx, 'zunionstore', 'out', '1', 'big', 'weights', '-1')).toBe(200);
    expect(run(ctx, 'object', 'encoding', 'out')).toBe('skiplist');
    expect(Object.is(run(ctx, 'zscore', 'out', 'm0'), -0)).toBe(true);
  });

  it('ZINTERCARD stops at LIMIT', () => {
    const ctx = makeContext();
    run(ctx, 'zadd', 'a', '1', 'x', '2', 'y', '3', 'z');
    run(ctx, 'sadd', 's', 'x', 'y', 'z', 'w');
    expect(run(ctx, 'zintercard', '2', 'a', 's')).toBe(3);
    expect(run(ctx, 'zintercard', '2', 'a', 's', 'limit', '2')).toBe(2);
  });
});
