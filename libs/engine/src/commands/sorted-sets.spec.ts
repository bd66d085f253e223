import { describe, expect, it } from '@jest/globals';
import { makeContext, run, type Step, type TestContext } from './test-kit.js';
import { ValueReply } from './value-reply.js';
import { MAX_LISTPACK_ENTRIES } from '../types/zset.js';

/** A context replying in RESP3, so doubles (numbers) and integers are told apart from bulk strings. */
function resp3Context(): TestContext {
  return { ...makeContext(), reply: new ValueReply(3) };
}

/**
 * A session recorded from redis-server 7.0.15 with HELLO 3 (doubles as numbers, nil as null, errors as
 * "-ERR ...", status replies as "+OK"). RESP2 shapes and double formatting are checked on the wire.
 */
const session: Step[] = [
  [["zadd", "z", "1", "a", "2", "b", "3", "c"], 3],
  [["zadd", "z", "1", "a"], 0],
  [["zadd", "z", "ch", "5", "a", "2", "b", "7", "d"], 2],
  [["zrange", "z", "0", "-1", "withscores"], [["b", 2], ["c", 3], ["a", 5], ["d", 7]]],
  [["zadd", "z", "nx", "10", "a", "11", "e"], 1],
  [["zadd", "z", "xx", "10", "a", "12", "f"], 0],
  [["zadd", "z", "xx", "ch", "10", "a", "12", "f"], 0],
  [["zadd", "z", "gt", "ch", "1", "a", "20", "b"], 1],
  [["zadd", "z", "lt", "ch", "30", "c", "0", "c"], 1],
  [["zadd", "z", "incr", "1.5", "c"], 1.5],
  [["zadd", "z", "nx", "incr", "1", "c"], null],
  [["zadd", "z", "xx", "incr", "1", "nokeymember"], null],
  [["zadd", "z", "gt", "incr", "-1", "c"], null],
  [["zadd", "z", "incr", "1", "a", "2", "b"], "-ERR INCR option supports a single increment-element pair"],
  [["zadd", "z", "nx", "xx", "1", "a"], "-ERR XX and NX options at the same time are not compatible"],
  [["zadd", "z", "gt", "lt", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible"],
  [["zadd", "z", "nx", "gt", "1", "a"], "-ERR GT, LT, and/or NX options at the same time are not compatible"],
  [["zadd", "z", "1"], "-ERR wrong number of arguments for 'zadd' command"],
  [["zadd", "z", "1", "a", "2"], "-ERR syntax error"],
  [["zadd", "z", "abc", "a"], "-ERR value is not a valid float"],
  [["zadd", "z", "nan", "a"], "-ERR value is not a valid float"],
  [["zadd", "z", "ch"], "-ERR wrong number of arguments for 'zadd' command"],
  [["zadd", "z", "1", "a", "foo", "b"], "-ERR value is not a valid float"],
  [["zadd", "new", "xx", "1", "a"], 0],
  [["exists", "new"], 0],
  [["zadd", "new", "xx", "incr", "1", "a"], null],
  [["zadd", "z", "inf", "inf", "-inf", "ninf"], 2],
  [["zadd", "z", "incr", "-inf", "inf"], "-ERR resulting score is not a number (NaN)"],
  [["zscore", "z", "inf"], Infinity],
  [["zscore", "z", "nope"], null],
  [["zscore", "nokey", "a"], null],
  [["zrange", "z", "0", "-1", "withscores"], [["ninf", -Infinity], ["c", 1.5], ["d", 7], ["a", 10], ["e", 11], ["b", 20], ["inf", Infinity]]],
  [["zcard", "z"], 7],
  [["zcard", "nokey"], 0],
  [["zmscore", "z", "a", "nope", "b"], [10, null, 20]],
  [["zmscore", "nokey", "a", "b"], [null, null]],
  [["zincrby", "z", "2.5", "a"], 12.5],
  [["zincrby", "z", "abc", "a"], "-ERR value is not a valid float"],
  [["zincrby", "z", "1", "newm"], 1],
  [["zincrby", "zz", "0.1", "x"], 0.1],
  [["zincrby", "zz", "0.2", "x"], 0.30000000000000004],
  [["zincrby", "z", "-inf", "inf"], "-ERR resulting score is not a number (NaN)"],
  [["zrank", "z", "a"], 5],
  [["zrevrank", "z", "a"], 2],
  [["zrank", "z", "nope"], null],
  [["zrank", "nokey", "a"], null],
  [["zrank", "z", "a", "withscore"], "-ERR wrong number of arguments for 'zrank' command"],
  [["zcount", "z", "-inf", "+inf"], 8],
  [["zcount", "z", "(1", "5"], 1],
  [["zcount", "z", "1", "(5"], 2],
  [["zcount", "z", "(5", "(5"], 0],
  [["zcount", "z", "5", "5"], 0],
  [["zcount", "z", "x", "1"], "-ERR min or max is not a float"],
  [["zcount", "z", "(", "1"], 1],
  [["zcount", "z", "", "1"], 1],
  [["zcount", "nokey", "0", "1"], 0],
  [["zrange", "z", "0", "2"], ["ninf", "newm", "c"]],
  [["zrange", "z", "-2", "-1", "withscores"], [["b", 20], ["inf", Infinity]]],
  [["zrange", "z", "5", "1"], []],
  [["zrange", "z", "1", "100"], ["newm", "c", "d", "e", "a", "b", "inf"]],
  [["zrange", "z", "-100", "1"], ["ninf", "newm"]],
  [["zrange", "z", "0", "-1", "rev", "withscores"], [["inf", Infinity], ["b", 20], ["a", 12.5], ["e", 11], ["d", 7], ["c", 1.5], ["newm", 1], ["ninf", -Infinity]]],
  [["zrange", "z", "a", "1"], "-ERR value is not an integer or out of range"],
  [["zrange", "z", "0", "1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"],
  [["zrange", "z", "0", "1", "limit", "0", "-1"], ["ninf", "newm"]],
  [["zrange", "z", "(1", "10", "byscore", "withscores"], [["c", 1.5], ["d", 7]]],
  [["zrange", "z", "10", "(1", "byscore", "rev", "withscores"], [["d", 7], ["c", 1.5]]],
  [["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "2"], ["newm", "c"]],
  [["zrange", "z", "-inf", "+inf", "byscore", "limit", "1", "-1"], ["newm", "c", "d", "e", "a", "b", "inf"]],
  [["zrange", "z", "-inf", "+inf", "byscore", "limit", "-1", "2"], []],
  [["zrange", "z", "-inf", "+inf", "byscore", "limit", "100", "2"], []],
  [["zrange", "z", "-inf", "+inf", "byscore", "limit", "0", "0"], []],
  [["zrange", "z", "+inf", "-inf", "byscore", "rev", "limit", "1", "2", "withscores"], [["b", 20], ["a", 12.5]]],
  [["zrange", "z", "x", "1", "byscore"], "-ERR min or max is not a float"],
  [["zrange", "z", "0", "1", "bylex", "withscores"], "-ERR syntax error, WITHSCORES not supported in combination with BYLEX"],
  [["zrange", "z", "0", "1", "byscore", "bylex"], "-ERR syntax error"],
  [["zrange", "z", "0", "1", "rev", "rev"], "-ERR syntax error"],
  [["zrange", "z", "0", "1", "foo"], "-ERR syntax error"],
  [["zrange", "z", "0", "1", "limit", "1"], "-ERR syntax error"],
  [["zrange", "nokey", "0", "-1", "withscores"], []],
  [["zrangebyscore", "z", "2", "10", "withscores", "limit", "1", "1"], []],
  [["zrangebyscore", "z", "2", "10", "rev"], "-ERR syntax error"],
  [["zrangebyscore", "z", "(2", "+inf"], ["d", "e", "a", "b", "inf"]],
  [["zrevrangebyscore", "z", "+inf", "2", "withscores"], [["inf", Infinity], ["b", 20], ["a", 12.5], ["e", 11], ["d", 7]]],
  [["zrevrangebyscore", "z", "2", "+inf"], []],
  [["zrevrange", "z", "0", "1", "withscores"], [["inf", Infinity], ["b", 20]]],
  [["zrevrange", "z", "0", "1", "limit", "0", "1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"],
  [["zadd", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f", "0", "g"], 7],
  [["zrangebylex", "l", "-", "+"], ["a", "b", "c", "d", "e", "f", "g"]],
  [["zrangebylex", "l", "[b", "(e"], ["b", "c", "d"]],
  [["zrangebylex", "l", "(b", "[e", "limit", "1", "2"], ["d", "e"]],
  [["zrangebylex", "l", "-", "+", "withscores"], "-ERR syntax error, WITHSCORES not supported in combination with BYLEX"],
  [["zrangebylex", "l", "b", "e"], "-ERR min or max not valid string range item"],
  [["zrangebylex", "l", "+", "-"], []],
  [["zrangebylex", "l", "--", "+"], "-ERR min or max not valid string range item"],
  [["zrevrangebylex", "l", "+", "-"], ["g", "f", "e", "d", "c", "b", "a"]],
  [["zrevrangebylex", "l", "[e", "(b"], ["e", "d", "c"]],
  [["zrevrangebylex", "l", "+", "-", "limit", "2", "3"], ["e", "d", "c"]],
  [["zrange", "l", "[c", "+", "bylex", "rev"], []],
  [["zrange", "l", "+", "[c", "bylex", "rev", "limit", "0", "2"], ["g", "f"]],
  [["zlexcount", "l", "-", "+"], 7],
  [["zlexcount", "l", "[b", "[d"], 3],
  [["zlexcount", "l", "(b", "(b"], 0],
  [["zlexcount", "l", "[d", "[b"], 0],
  [["zlexcount", "l", "x", "+"], "-ERR min or max not valid string range item"],
  [["zlexcount", "nokey", "-", "+"], 0],
  [["zpopmin", "l"], ["a", 0]],
  [["zpopmax", "l"], ["g", 0]],
  [["zpopmin", "l", "2"], [["b", 0], ["c", 0]]],
  [["zpopmax", "l", "0"], []],
  [["zpopmax", "l", "-1"], "-ERR value is out of range, must be positive"],
  [["zpopmax", "l", "x"], "-ERR value is out of range, must be positive"],
  [["zpopmin", "l", "1", "2"], "-ERR syntax error"],
  [["zpopmin", "nokey"], []],
  [["zpopmin", "nokey", "3"], []],
  [["zpopmax", "l", "100"], [["f", 0], ["e", 0], ["d", 0]]],
  [["exists", "l"], 0],
  [["zremrangebyrank", "z", "0", "0"], 1],
  [["zremrangebyrank", "z", "-1", "-1"], 1],
  [["zremrangebyrank", "z", "5", "1"], 0],
  [["zremrangebyrank", "z", "x", "1"], "-ERR value is not an integer or out of range"],
  [["zrange", "z", "0", "-1", "withscores"], [["newm", 1], ["c", 1.5], ["d", 7], ["e", 11], ["a", 12.5], ["b", 20]]],
  [["zremrangebyscore", "z", "(3", "5"], 0],
  [["zremrangebyscore", "z", "x", "5"], "-ERR min or max is not a float"],
  [["zremrangebyscore", "nokey", "0", "1"], 0],
  [["zrange", "z", "0", "-1", "withscores"], [["newm", 1], ["c", 1.5], ["d", 7], ["e", 11], ["a", 12.5], ["b", 20]]],
  [["zadd", "m", "0", "aa", "0", "bb", "0", "cc"], 3],
  [["zremrangebylex", "m", "[bb", "+"], 2],
  [["zremrangebylex", "m", "foo", "+"], "-ERR min or max not valid string range item"],
  [["zremrangebylex", "m", "-", "+"], 1],
  [["exists", "m"], 0],
  [["zremrangebyrank", "z", "0", "-1"], 6],
  [["exists", "z"], 0],
  [["zadd", "z", "1", "a"], 1],
  [["zrem", "z", "a", "b"], 1],
  [["exists", "z"], 0],
  [["zrem", "nokey", "a"], 0],
  [["set", "s", "v"], "+OK"],
  [["zadd", "s", "1", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zscore", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zrange", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zrem", "s", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zpopmin", "s"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zcount", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zremrangebyscore", "s", "0", "1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zincrby", "s", "1", "a"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zadd", "s", "1"], "-ERR wrong number of arguments for 'zadd' command"],
  [["zadd", "s", "abc", "a"], "-ERR value is not a valid float"],
  [["type", "s"], "+string"],
  [["zadd", "t", "1", "a"], 1],
  [["type", "t"], "+zset"],
  [["object", "encoding", "t"], "listpack"],
  [["zadd", "neg", "-0", "a"], 1],
  [["zscore", "neg", "a"], 0],
  [["zadd", "big", "1e300", "a", "0.1", "b", "1.23456789012345678", "c", "100000000000000000000", "d", "1e-5", "e", "0x10", "f"], 6],
  [["zrange", "big", "0", "-1", "withscores"], [["e", 1e-05], ["b", 0.1], ["c", 1.2345678901234567], ["f", 16], ["d", 100000000000000000000], ["a", 1e+300]]],
];

/** ZRANGESTORE, ZMPOP, ZRANDMEMBER (its deterministic cases) and ZSCAN of a listpack, recorded as `session`. */
const moreSession: Step[] = [
  [["zadd","z","1","a","2","b","3","c","4","d"], 4],
  [["set","str","v"], "+OK"],
  [["zrangestore","d","z","0","-1"], 4],
  [["zrange","d","0","-1","withscores"], [["a",1],["b",2],["c",3],["d",4]]],
  [["zrangestore","d","z","1","2","rev"], 2],
  [["zrange","d","0","-1"], ["b","c"]],
  [["zrangestore","d","z","(1","3","byscore","limit","1","5"], 1],
  [["zrange","d","0","-1"], ["c"]],
  [["zrangestore","d","z","[c","-","bylex","rev"], 3],
  [["zrange","d","0","-1"], ["a","b","c"]],
  [["zrangestore","d","z","+inf","-inf","byscore","rev","limit","1","2"], 2],
  [["zrange","d","0","-1","withscores"], [["b",2],["c",3]]],
  [["zrangestore","d","z","0","-1","withscores"], "-ERR syntax error"],
  [["zrangestore","d","z","5","6"], 0],
  [["exists","d"], 0],
  [["zrangestore","d","z","0","0"], 1],
  [["zrangestore","d","nokey","0","-1"], 0],
  [["exists","d"], 0],
  [["zrangestore","d","str","0","-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zrangestore","d","z","0","-1","limit","0","1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"],
  [["zrangestore","d","z","a","b"], "-ERR value is not an integer or out of range"],
  [["zrangestore","d","z","a","b","byscore"], "-ERR min or max is not a float"],
  [["zrangestore","d","z","a","b","bylex"], "-ERR min or max not valid string range item"],
  [["zrangestore","d","z","0","1","byscore","limit","0","-1"], 1],
  [["zrangestore","d","z","0","1","byscore","limit","-1","1"], 0],
  [["exists","d"], 0],
  [["zrangestore","str","z","0","0"], 1],
  [["type","str"], "+zset"],
  [["zrangestore","d","z","0"], "-ERR wrong number of arguments for 'zrangestore' command"],
  [["zadd","neg","-0","a"], 1],
  [["zrangestore","d2","neg","0","-1"], 1],
  [["zscore","d2","a"], 0],
  [["zmpop","1","z"], "-ERR wrong number of arguments for 'zmpop' command"],
  [["zmpop","0","z","min"], "-ERR numkeys should be greater than 0"],
  [["zmpop","2","z","min"], "-ERR syntax error"],
  [["zmpop","1","z","min","count","0"], "-ERR count should be greater than 0"],
  [["zmpop","1","z","min","count","-1"], "-ERR count should be greater than 0"],
  [["zmpop","1","z","min","count"], "-ERR syntax error"],
  [["zmpop","1","z","min","count","2","count","1"], "-ERR syntax error"],
  [["zmpop","1","z","mix"], "-ERR syntax error"],
  [["zmpop","x","z","min"], "-ERR numkeys should be greater than 0"],
  [["zmpop","-1","z","min"], "-ERR numkeys should be greater than 0"],
  [["zmpop","1","z","min","foo"], "-ERR syntax error"],
  [["zmpop","1","z","min","count","x"], "-ERR count should be greater than 0"],
  [["zmpop","3","a","b","min"], "-ERR syntax error"],
  [["zmpop","2","nokey","z","max","count","2"], ["z",[["d",4],["c",3]]]],
  [["zmpop","1","nokey","min"], null],
  [["set","str","v"], "+OK"],
  [["zmpop","2","str","z","min"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zmpop","2","z","str","min"], ["z",[["a",1]]]],
  [["zmpop","2","nokey","str","min"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zmpop","1","z","MIN","COUNT","10"], ["z",[["b",2]]]],
  [["exists","z"], 0],
  [["zmpop","1","z","min"], null],
  [["zadd","z","1.5","a","2","b"], 2],
  [["zpopmin","z"], ["a",1.5]],
  [["zpopmin","z","1"], [["b",2]]],
  [["zpopmin","nokey"], []],
  [["zpopmax","nokey","2"], []],
  [["zrandmember","nokey"], null],
  [["zrandmember","nokey","2"], []],
  [["zrandmember","nokey","-2","withscores"], []],
  [["zadd","r","5","e","1","a","3","c","2","b","4","d"], 5],
  [["zrandmember","r","5","withscores"], [["e",5],["d",4],["c",3],["b",2],["a",1]]],
  [["zrandmember","r","10"], ["e","d","c","b","a"]],
  [["zrandmember","r","0"], []],
  [["zrandmember","r","2","foo"], "-ERR syntax error"],
  [["zrandmember","r","2","withscores","foo"], "-ERR syntax error"],
  [["zrandmember","r","x"], "-ERR value is not an integer or out of range"],
  [["zrandmember","r","-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"],
  [["zrandmember","r","-9223372036854775807","withscores"], "-ERR value is out of range"],
  [["zrandmember","r","4611686018427387904","withscores"], "-ERR value is out of range"],
  [["zrandmember","r","4611686018427387903","WITHSCORES"], [["e",5],["d",4],["c",3],["b",2],["a",1]]],
  [["zrandmember","r","-4611686018427387904","withscores"], "-ERR value is out of range"],
  [["zrandmember","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zrandmember","str","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zrandmember","str","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zrandmember","nokey","-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"],
  [["zrandmember","nokey","1","foo"], "-ERR syntax error"],
  [["zadd","sc","1.1","a","2","b","-0","c","1e17","d","inf","e","0.5","f","1e20","g","-inf","h","5e18","i","4611686018427387904","j","0.0001","k","0.00001","l"], 12],
  [["zscan","sc","0"], ["0",["h","-inf","c","0","l","1.0000000000000001e-05","k","0.0001","f","0.5","a","1.1000000000000001","b","2","d","100000000000000000","j","4611686018427387904","i","5e+18","g","1e+20","e","inf"]]],
  [["zscan","sc","0","match","[a-d]","count","1"], ["0",["c","0","a","1.1000000000000001","b","2","d","100000000000000000"]]],
  [["zscan","sc","x"], "-ERR invalid cursor"],
  [["zscan","str","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value"],
  [["zscan","nokey","0","count","0"], ["0",[]]],
  [["zscan","sc","0","count","0"], "-ERR syntax error"],
  [["zscan","sc","0","type","x"], "-ERR syntax error"],
  [["zscan","sc","0","count"], "-ERR syntax error"],
  [["zscan","sc","-1"], ["0",["h","-inf","c","0","l","1.0000000000000001e-05","k","0.0001","f","0.5","a","1.1000000000000001","b","2","d","100000000000000000","j","4611686018427387904","i","5e+18","g","1e+20","e","inf"]]],
];

describe('sorted set commands', () => {
  it('replies as redis-server 7.0.15 to a recorded session', () => {
    const ctx = resp3Context();
    expect(session.map(([command]): Step => [command, run(ctx, ...command)])).toEqual(session);
  });

  it('replies as redis-server 7.0.15 to ZRANGESTORE, ZMPOP, ZRANDMEMBER and ZSCAN', () => {
    const ctx = resp3Context();
    expect(moreSession.map(([command]): Step => [command, run(ctx, ...command)])).toEqual(moreSession);
  });

  it('replies ZMPOP pairs nested and ZRANDMEMBER WITHSCORES flat in RESP2', () => {
    const ctx = makeContext();
    run(ctx, 'zadd', 'z', '1', 'a', '2', 'b');
    expect(run(ctx, 'zrandmember', 'z', '2', 'withscores')).toEqual(['b', 2, 'a', 1]);
    expect(run(ctx, 'zmpop', '1', 'z', 'max', 'count', '5')).toEqual(['z', [['b', 2], ['a', 1]]]);
    expect(run(ctx, 'zmpop', '1', 'z', 'max')).toBeNull();
  });

  it('ZRANDMEMBER picks distinct members for a positive count, any members for a negative one', () => {
    const ctx = makeContext();
    const args = ['zadd', 'z'];
    for (let i = 0; i < 300; i++) args.push(String(i), 'm' + i);
    run(ctx, ...args);
    for (const count of [1, 5, 150, 299]) {
      const picked = run(ctx, 'zrandmember', 'z', String(count)) as string[];
      expect(picked).toHaveLength(count);
      expect(new Set(picked).size).toBe(count);
    }
    const pairs = run(ctx, 'zrandmember', 'z', '-1000', 'withscores') as (string | number)[];
    expect(pairs).toHaveLength(2000);
    for (let i = 0; i < pairs.length; i += 2) expect(pairs[i]).toBe('m' + pairs[i + 1]);
    expect(typeof run(ctx, 'zrandmember', 'z')).toBe('string');
    expect(run(ctx, 'zrandmember', 'z', '-100000001')).toMatch(/^-ERR count is out of range/);
  });

  it('ZSCAN walks a skiplist in pages, scores as %.17g, every member once when nothing changes', () => {
    const ctx = makeContext();
    const args = ['zadd', 'z', '1e17', 'big', '0.1', 'tenth'];
    for (let i = 0; i < 200; i++) args.push(String(i), 'm' + i);
    run(ctx, ...args);
    run(ctx, 'zadd', 'z', '-0', 'negzero'); // a skiplist keeps -0 (a listpack reads it back as 0)
    expect(run(ctx, 'object', 'encoding', 'z')).toBe('skiplist');
    const seen = new Map<string, string>();
    let cursor = '0';
    let pages = 0;
    do {
      const [next, items] = run(ctx, 'zscan', 'z', cursor, 'count', '7') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) {
        expect(seen.has(items[i])).toBe(false);
        seen.set(items[i], items[i + 1]);
      }
      cursor = next;
      pages++;
    } while (cursor !== '0');
    expect(seen.size).toBe(203);
    expect(pages).toBe(Math.ceil(203 / 7));
    expect([seen.get('big'), seen.get('tenth'), seen.get('negzero'), seen.get('m5')]).toEqual(['1e+17', '0.10000000000000001', '-0', '5']);
    const [, matched] = run(ctx, 'zscan', 'z', '0', 'match', 'm1?', 'count', '1000') as [string, string[]];
    expect(matched).toHaveLength(20);
  });

  it('ZSCAN still returns members present throughout when others are removed mid-scan', () => {
    const ctx = makeContext();
    const args = ['zadd', 'z'];
    for (let i = 0; i < 200; i++) args.push(String(i), 'm' + i);
    run(ctx, ...args);
    const seen = new Set<string>();
    let cursor = '0';
    do {
      const [next, items] = run(ctx, 'zscan', 'z', cursor, 'count', '10') as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.add(items[i]);
      run(ctx, 'zrem', 'z', 'm' + (2 * seen.size) % 200, 'm' + ((2 * seen.size + 1) % 200));
      cursor = next;
    } while (cursor !== '0');
    for (const m of run(ctx, 'zrange', 'z', '0', '-1') as string[]) expect(seen.has(m)).toBe(true);
  });

  it('replies flat in RESP2: WITHSCORES and ZPOPMIN pairs', () => {
    const ctx = makeContext();
    run(ctx, 'zadd', 'z', '1', 'a', '2.5', 'b', '3', 'c');
    expect(run(ctx, 'zrange', 'z', '0', '-1', 'withscores')).toEqual(['a', 1, 'b', 2.5, 'c', 3]);
    expect(run(ctx, 'zpopmin', 'z')).toEqual(['a', 1]);
    expect(run(ctx, 'zpopmax', 'z', '5')).toEqual(['c', 3, 'b', 2.5]);
    expect(run(ctx, 'exists', 'z')).toBe(0);
  });

  it('is a listpack up to 128 members of at most 64 bytes, then a skiplist', () => {
    const ctx = makeContext();
    for (let i = 0; i < MAX_LISTPACK_ENTRIES; i++) run(ctx, 'zadd', 'z', String(i), 'm' + i);
    expect(run(ctx, 'object', 'encoding', 'z')).toBe('listpack');
    run(ctx, 'zadd', 'z', '0', 'one-more');
    expect(run(ctx, 'object', 'encoding', 'z')).toBe('skiplist');
    run(ctx, 'zremrangebyrank', 'z', '0', '100');
    expect(run(ctx, 'object', 'encoding', 'z')).toBe('skiplist');
    run(ctx, 'zadd', 'long', '1', 'x'.repeat(65));
    expect(run(ctx, 'object', 'encoding', 'long')).toBe('skiplist');
  });

  it('keeps memory accounting current and TTLs through in-place changes', () => {
    const ctx = makeContext();
    run(ctx, 'zadd', 'z', '1', 'a');
    expect(run(ctx, 'expire', 'z', '100')).toBe(1);
    const before = ctx.engine.keyspace.peek(0, 'z');
    run(ctx, 'zadd', 'z', '2', 'b'.repeat(100));
    expect(ctx.engine.keyspace.peek(0, 'z')).toBe(before);
    expect(run(ctx, 'ttl', 'z')).toBe(100);
    expect(run(ctx, 'type', 'z')).toBe('+zset');
    expect(run(ctx, 'rename', 'z', 'y')).toBe('+OK');
    expect(run(ctx, 'zcard', 'y')).toBe(2);
  });
});
