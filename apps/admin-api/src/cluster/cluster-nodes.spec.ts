import { describe, expect, it } from '@jest/globals';
import { keysOf, parseClusterNodes, parseClusterSlots, parseInfo } from './cluster-nodes.js';

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
    expect(nodes.map((n) => n.syncing)).toEqual([false, false, false, false]);
  });

  it('reads ringcache\'s syncing flag (a member without slots yet)', () => {
    const [node] = parseClusterNodes('e5 127.0.0.1:30005@40005 master,syncing - 0 0 4 connected\n');
    expect(node).toMatchObject({ id: 'e5', state: 'alive', syncing: true, slots: 0, ranges: [] });
  });
});

describe('parseClusterSlots', () => {
  it('reads each range with its primary then its replicas, ascending', () => {
    const reply = [
      [8192, 16383, ['127.0.0.1', 30002, 'b2', []], ['127.0.0.1', 30001, 'a1', []]],
      [0, 8191, ['127.0.0.1', 30001, 'a1', []], ['127.0.0.1', 30002, 'b2', []]],
      [9000, 9000, ['127.0.0.1', 30003, 'c3']],
    ];
    expect(parseClusterSlots(reply)).toEqual([
      { start: 0, end: 8191, primary: { id: 'a1', host: '127.0.0.1', port: 30001 }, replicas: [{ id: 'b2', host: '127.0.0.1', port: 30002 }] },
      { start: 8192, end: 16383, primary: { id: 'b2', host: '127.0.0.1', port: 30002 }, replicas: [{ id: 'a1', host: '127.0.0.1', port: 30001 }] },
      { start: 9000, end: 9000, primary: { id: 'c3', host: '127.0.0.1', port: 30003 }, replicas: [] },
    ]);
    expect(parseClusterSlots(null)).toEqual([]);
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
