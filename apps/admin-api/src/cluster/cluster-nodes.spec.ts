import { describe, expect, it } from '@jest/globals';
import { keysOf, parseClusterNodes, parseInfo } from './cluster-nodes.js';

const NODES = [
  'a1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460',
  'b2 127.0.0.1:30002@40002,host-b master,fail? - 1 2 2 connected 5461 5462-10922 [5463->-c3]',
  'c3 127.0.0.1:30003@40003 master,fail - 1 2 3 disconnected 10923-16383',
  'd4 :0@0 master,noaddr - 0 0 0 disconnected',
  '',
].join('\n');

describe('parseClusterNodes', () => {
  it('reads ids, RESP addresses, states from the fail flags, and owned ranges', () => {
    const nodes = parseClusterNodes(NODES);
    expect(nodes.map((n) => [n.id, n.address, n.state, n.slots])).toEqual([
      ['a1', '127.0.0.1:30001', 'alive', 5461],
      ['b2', '127.0.0.1:30002', 'suspect', 5462],
      ['c3', '127.0.0.1:30003', 'failed', 5461],
      ['d4', '', 'alive', 0],
    ]);
    expect(nodes[1]!.ranges).toEqual([[5461, 5461], [5462, 10922]]);
  });
});

describe('parseInfo', () => {
  it('reads key:value lines and the keys of db0', () => {
    const info = parseInfo('# Keyspace\r\ndb0:keys=12,expires=1,avg_ttl=0\r\n\r\ncluster_state:ok\r\n');
    expect(info.get('cluster_state')).toBe('ok');
    expect(keysOf(info)).toBe(12);
    expect(keysOf(parseInfo('# Keyspace\r\n'))).toBe(0);
  });
});
