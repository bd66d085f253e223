/** SORT and SORT_RO: every expected reply was checked against redis-server 7.0.15. */
import { describe, expect, it } from '@jest/globals';
import { makeContext, replay, run, type Step } from './test-kit.js';

describe('SORT', () => {
  it('sorts numerically with element tie-breaks, LIMIT windows and strtod weights', () => {
    const steps: Step[] = [
      [['rpush', 'l', '3', '1', '2', '10', '-1.5', '1e2'], 6],
      [['sort', 'l'], ['-1.5', '1', '2', '3', '10', '1e2']],
      [['sort', 'l', 'desc'], ['1e2', '10', '3', '2', '1', '-1.5']],
      [['sort', 'l', 'limit', '1', '2'], ['1', '2']],
      [['sort', 'l', 'limit', '-5', '2'], ['-1.5', '1']],
      [['sort', 'l', 'limit', '4', '100'], ['10', '1e2']],
      [['sort', 'l', 'limit', '6', '1'], []],
      [['sort', 'l', 'limit', '0', '0'], []],
      [['sort', 'l', 'limit', '2', '-1'], ['2', '3', '10', '1e2']],
      [['sort', 'l', 'desc', 'limit', '1', '3'], ['10', '3', '2']],
      [['rpush', 'm', 'b', 'a', '10', '2'], 4],
      [['sort', 'm'], "-ERR One or more scores can't be converted into double"],
      [['sort', 'm', 'alpha'], ['10', '2', 'a', 'b']],
      [['sort', 'm', 'alpha', 'desc'], ['b', 'a', '2', '10']],
      [['rpush', 'w', ' 2', '', '0x10', '+inF', 'infinity', '-INF'], 6],
      [['sort', 'w'], ['-INF', '', ' 2', '0x10', '+inF', 'infinity']],
      [['rpush', 'bad', '1', 'nan'], 2],
      [['sort', 'bad'], "-ERR One or more scores can't be converted into double"],
      [['rpush', 'tiny', '4e-320'], 1],
      [['sort', 'tiny'], "-ERR One or more scores can't be converted into double"],
      [['rpush', 'big', '1e400'], 1],
      [['sort', 'big'], "-ERR One or more scores can't be converted into double"],
      [['rpush', 'sp', '  '], 1],
      [['sort', 'sp'], "-ERR One or more scores can't be converted into double"],
      [['sort', 'missing'], []],
      [['sort', 'missing', 'store', 'dst'], 0],
    ];
    expect(replay(makeContext(), steps)).toEqual(steps);
  });

  it('weighs by string keys and hash fields and GETs patterns', () => {
    const steps: Step[] = [
      [['rpush', 'l', 'a', 'b', 'c', 'd'], 4],
      [['mset', 'w_a', '3', 'w_b', '1', 'w_c', '2'], '+OK'],
      [['sort', 'l', 'by', 'w_*'], ['d', 'b', 'c', 'a']],
      [['sort', 'l', 'by', 'w_*', 'desc'], ['a', 'c', 'b', 'd']],
      [['sort', 'l', 'by', 'w_*', 'get', '#', 'get', 'w_*'], ['d', null, 'b', '1', 'c', '2', 'a', '3']],
      [['sort', 'l', 'by', 'w_*', 'alpha'], ['d', 'b', 'c', 'a']],
      [['set', 'w_d', 'x'], '+OK'],
      [['sort', 'l', 'by', 'w_*'], "-ERR One or more scores can't be converted into double"],
      [['sort', 'l', 'by', 'w_*', 'alpha'], ['b', 'c', 'a', 'd']],
      [['hset', 'h_a', 'f', '9'], 1],
      [['hset', 'h_b', 'f', '1'], 1],
      [['hset', 'h_c', 'g', '5'], 1],
      [['sort', 'l', 'by', 'h_*->f'], ['c', 'd', 'b', 'a']],
      [['sort', 'l', 'by', 'h_*->f', 'get', 'h_*->f', 'get', '#'], [null, 'c', null, 'd', '1', 'b', '9', 'a']],
      [['sort', 'l', 'by', 'nosort', 'get', 'nosuch'], [null, null, null, null]],
      [['sort', 'l', 'get', 'w_*->'], "-ERR One or more scores can't be converted into double"],
      [['set', 'w_a->', 'arrow'], '+OK'],
      [['sort', 'l', 'alpha', 'get', 'w_*->'], ['arrow', null, null, null]],
      [['rpush', 'pre_a_post', 'list'], 1],
      [['sort', 'l', 'alpha', 'get', 'pre_*_post'], [null, null, null, null]],
      [['sort', 'l', 'alpha', 'get', '*'], [null, null, null, null]],
      [['sort', 'l', 'alpha', 'get', '**'], [null, null, null, null]],
      [['sort', 'l', 'alpha', 'by', 'w_*', 'get', 'w_*', 'limit', '1', '2'], ['2', '3']],
    ];
    expect(replay(makeContext(), steps)).toEqual(steps);
  });

  it('keeps list and sorted set order with a constant BY, sorting a STOREd set ALPHA', () => {
    const steps: Step[] = [
      [['rpush', 'l', 'c', 'a', 'b', 'd'], 4],
      [['sort', 'l', 'by', 'nosort'], ['c', 'a', 'b', 'd']],
      [['sort', 'l', 'by', 'nosort', 'desc'], ['d', 'b', 'a', 'c']],
      [['sort', 'l', 'by', 'nosort', 'limit', '1', '2'], ['a', 'b']],
      [['sort', 'l', 'by', 'nosort', 'desc', 'limit', '1', '2'], ['b', 'a']],
      [['sort', 'l', 'by', 'nosort', 'limit', '10', '2'], []],
      [['zadd', 'z', '3', 'c', '1', 'z', '2', 'a'], 3],
      [['sort', 'z', 'by', 'nosort'], ['z', 'a', 'c']],
      [['sort', 'z', 'by', 'nosort', 'desc'], ['c', 'a', 'z']],
      [['sort', 'z', 'by', 'nosort', 'limit', '1', '5'], ['a', 'c']],
      [['sort', 'z', 'by', 'nosort', 'desc', 'limit', '1', '1'], ['a']],
      [['sort', 'z', 'alpha'], ['a', 'c', 'z']],
      [['sort', 'z', 'by', 'nosort', 'alpha', 'desc'], ['c', 'a', 'z']],
      [['sadd', 's', 'c', 'a', 'b'], 3],
      [['sort', 's', 'by', 'nosort', 'store', 'out'], 3],
      [['lrange', 'out', '0', '-1'], ['a', 'b', 'c']],
      [['sort', 's', 'by', 'nosort', 'desc', 'store', 'out'], 3],
      [['lrange', 'out', '0', '-1'], ['c', 'b', 'a']],
      [['sort', 'l', 'by', 'nosort', 'by', 'w_*'], ['c', 'a', 'b', 'd']],
      [['sort', 'l', 'by', 'w_*', 'by', 'nosort'], ['c', 'a', 'b', 'd']],
    ];
    expect(replay(makeContext(), steps)).toEqual(steps);
  });

  it('STOREs a list replacing the destination, deleting it when empty; SORT_RO refuses STORE', () => {
    const steps: Step[] = [
      [['rpush', 'l', '3', '1', '2'], 3],
      [['set', 'dst', 'string'], '+OK'],
      [['expire', 'dst', '100'], 1],
      [['sort', 'l', 'store', 'dst'], 3],
      [['type', 'dst'], '+list'],
      [['ttl', 'dst'], -1],
      [['lrange', 'dst', '0', '-1'], ['1', '2', '3']],
      [['sort', 'l', 'get', 'nope_*', 'get', '#', 'store', 'dst'], 6],
      [['lrange', 'dst', '0', '-1'], ['', '1', '', '2', '', '3']],
      [['sort', 'l', 'limit', '5', '5', 'store', 'dst'], 0],
      [['exists', 'dst'], 0],
      [['sort', 'l', 'desc', 'store', 'l'], 3],
      [['lrange', 'l', '0', '-1'], ['3', '2', '1']],
      [['sort_ro', 'l', 'store', 'dst'], '-ERR syntax error'],
      [['sort_ro', 'l', 'desc'], ['3', '2', '1']],
    ];
    expect(replay(makeContext(), steps)).toEqual(steps);
  });

  it('checks options before the key type, as Redis', () => {
    const steps: Step[] = [
      [['set', 'str', 'x'], '+OK'],
      [['sort', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['sort_ro', 'str'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['sort', 'str', 'foo'], '-ERR syntax error'],
      [['rpush', 'l', '1'], 1],
      [['sort', 'l', 'limit', '1'], '-ERR syntax error'],
      [['sort', 'l', 'limit', 'a', '1'], '-ERR value is not an integer or out of range'],
      [['sort', 'l', 'limit', '1', 'b'], '-ERR value is not an integer or out of range'],
      [['sort', 'l', 'by'], '-ERR syntax error'],
      [['sort', 'l', 'get'], '-ERR syntax error'],
      [['sort', 'l', 'store'], '-ERR syntax error'],
      [['sort', 'l', 'bogus'], '-ERR syntax error'],
      [['hset', 'h', 'f', 'v'], 1],
      [['sort', 'h'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['sort', 'l', 'ASC', 'Alpha', 'DESC', 'asc'], ['1']],
      [['sort', 'l', 'limit', '99999999999999999999', '1'], '-ERR value is not an integer or out of range'],
      [['sort'], "-ERR wrong number of arguments for 'sort' command"],
    ];
    expect(replay(makeContext(), steps)).toEqual(steps);
  });

  it('keeps equal ALPHA weights in load order and breaks numeric ties by element', () => {
    const steps: Step[] = [
      [['rpush', 'l', 'b', 'a', 'd', 'c', 'a'], 5],
      [['mset', 'w_a', '1', 'w_b', '1', 'w_c', '1', 'w_d', '1'], '+OK'],
      [['sort', 'l', 'by', 'w_*', 'alpha'], ['b', 'a', 'd', 'c', 'a']],
      [['sort', 'l', 'by', 'w_*', 'alpha', 'desc'], ['b', 'a', 'd', 'c', 'a']],
      [['sort', 'l', 'by', 'missing_*', 'alpha', 'desc'], ['b', 'a', 'd', 'c', 'a']],
      [['sort', 'l', 'by', 'w_*'], ['a', 'a', 'b', 'c', 'd']],
      [['sort', 'l', 'by', 'w_*', 'desc'], ['d', 'c', 'b', 'a', 'a']],
      [['set', 'w_c', '0'], '+OK'],
      [['sort', 'l', 'by', 'w_*', 'alpha', 'limit', '0', '2'], ['c', 'b']],
      [['sadd', 's', '5', '3', 'x'], 3],
      [['sort', 's', 'by', 'w_*'], ['3', '5', 'x']],
      [['sort', 's', 'alpha', 'desc', 'get', '#'], ['x', '5', '3']],
    ];
    expect(replay(makeContext(), steps)).toEqual(steps);
  });

  it('refuses a BY pattern with * and any GET in cluster mode', () => {
    const ctx = makeContext();
    ctx.server.clusterEnabled = true;
    run(ctx, 'rpush', 'l', '2', '1');
    expect(run(ctx, 'sort', 'l', 'by', 'w_*')).toBe('-ERR BY option of SORT denied in Cluster mode.');
    expect(run(ctx, 'sort', 'l', 'get', '#')).toBe('-ERR GET option of SORT denied in Cluster mode.');
    expect(run(ctx, 'sort', 'l', 'by', 'nosort')).toEqual(['2', '1']);
  });
});
