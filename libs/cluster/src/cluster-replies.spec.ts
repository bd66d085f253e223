import { describe, it, expect } from '@jest/globals';
import { RespWriter } from '../../protocol/src/resp-writer.js';
import { ValueReply } from '../../engine/src/commands/value-reply.js';
import type { Reply } from '../../engine/src/commands/reply.js';
import { clusterInfoText, clusterNodesText, replyClusterShards, replyClusterSlots } from './cluster-replies.js';
import { Topology, type ClusterNode, type SlotRange } from './topology.js';

/*
 * Expectations recorded from redis-server 7.0.15 (cluster-enabled, --save '' --appendonly no):
 * a one-node cluster on 17110 (CLUSTER ADDSLOTSRANGE 0 16383; it has not learnt its own ip, hence the
 * empty host), and a three-node cluster on 17101-17103 made by `redis-cli --cluster create`.
 */
const SOLO: ClusterNode = { id: '91adeb89c0882ccf63ad3b2f9207802f01970ad7', host: '', port: 17110, busPort: 27110 };
const N1: ClusterNode = { id: '859d1c426dc50a80f670fa2ed6545678af7135f4', host: '127.0.0.1', port: 17101, busPort: 27101 };
const N2: ClusterNode = { id: 'bcb562ffc0263d759359f7afde080d5d164b5153', host: '127.0.0.1', port: 17102, busPort: 27102 };
const N3: ClusterNode = { id: 'ebd09306edbfa4b99949eed4ed1d608d9a4a1e10', host: '127.0.0.1', port: 17103, busPort: 27103 };

const SOLO_SLOTS_RESP2 = '*1\r\n*3\r\n:0\r\n:16383\r\n*4\r\n$0\r\n\r\n:17110\r\n$40\r\n91adeb89c0882ccf63ad3b2f9207802f01970ad7\r\n*0\r\n';
const SOLO_SHARDS_RESP2 =
  '*1\r\n*4\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n*1\r\n*14\r\n$2\r\nid\r\n$40\r\n91adeb89c0882ccf63ad3b2f9207802f01970ad7\r\n' +
  '$4\r\nport\r\n:17110\r\n$2\r\nip\r\n$0\r\n\r\n$8\r\nendpoint\r\n$0\r\n\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$18\r\nreplication-offset\r\n:0\r\n$6\r\nhealth\r\n$6\r\nonline\r\n';
const SOLO_NODES = '91adeb89c0882ccf63ad3b2f9207802f01970ad7 :17110@27110 myself,master - 0 0 0 connected 0-16383\n';
const SOLO_INFO =
  'cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:0\r\n' +
  'cluster_known_nodes:1\r\ncluster_size:1\r\ncluster_current_epoch:0\r\ncluster_my_epoch:0\r\ncluster_stats_messages_sent:0\r\n' +
  'cluster_stats_messages_received:0\r\ntotal_cluster_links_buffer_limit_exceeded:0\r\n';

/** One CLUSTER SLOTS entry of the 3-node cluster, RESP3 (the metadata is %0 there, *0 in RESP2). */
const TRIO_SLOTS_ENTRY_RESP3 = '*3\r\n:0\r\n:5460\r\n*4\r\n$9\r\n127.0.0.1\r\n:17101\r\n$40\r\n859d1c426dc50a80f670fa2ed6545678af7135f4\r\n%0\r\n';
/** One CLUSTER SHARDS shard of the 3-node cluster, RESP3. */
const TRIO_SHARD_RESP3 =
  '%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:5460\r\n$5\r\nnodes\r\n*1\r\n%7\r\n$2\r\nid\r\n$40\r\n859d1c426dc50a80f670fa2ed6545678af7135f4\r\n' +
  '$4\r\nport\r\n:17101\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$8\r\nendpoint\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n' +
  '$18\r\nreplication-offset\r\n:0\r\n$6\r\nhealth\r\n$6\r\nonline\r\n';
/** After DELSLOTSRANGE 100 199 201 201 on the one-node cluster: several ranges in one shard, a single slot alone. */
const SPLIT_SHARD_SLOTS_RESP2 = '*6\r\n:0\r\n:99\r\n:200\r\n:200\r\n:202\r\n:16383\r\n';
const SPLIT_NODES = '91adeb89c0882ccf63ad3b2f9207802f01970ad7 :17110@27110 myself,master - 0 0 0 connected 0-99 200 202-16383\n';
/** CLUSTER NODES lines of the 3-node cluster, healthy, then N3 declared failed (22 s after its shutdown). */
const TRIO_NODES_LINE_PEER = 'bcb562ffc0263d759359f7afde080d5d164b5153 127.0.0.1:17102@27102 master - 0 1795372262336 2 connected 5461-10922\n';
const TRIO_NODES_LINE_FAILED = 'ebd09306edbfa4b99949eed4ed1d608d9a4a1e10 127.0.0.1:17103@27103 master,fail - 1795372328978 1795372325944 3 disconnected 10923-16383\n';
const TRIO_INFO_FAILED =
  'cluster_state:fail\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:10923\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:5461\r\n' +
  'cluster_known_nodes:3\r\ncluster_size:3\r\ncluster_current_epoch:3\r\ncluster_my_epoch:1\r\ncluster_stats_messages_ping_sent:92\r\n' +
  'cluster_stats_messages_pong_sent:88\r\ncluster_stats_messages_sent:180\r\ncluster_stats_messages_ping_received:86\r\n' +
  'cluster_stats_messages_pong_received:91\r\ncluster_stats_messages_meet_received:2\r\ncluster_stats_messages_fail_received:1\r\n' +
  'cluster_stats_messages_received:180\r\ntotal_cluster_links_buffer_limit_exceeded:0\r\n';

function resp(protocol: 2 | 3, write: (reply: Reply) => void): string {
  const writer = new RespWriter(64);
  writer.setProtocol(protocol);
  write(writer);
  return writer.take()?.latin1Slice() ?? '';
}

const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;

/** The recorded entry formats, parameterised (each checked against its recording below). */
function slotsEntry({ start, end, node }: SlotRange, protocol: 2 | 3): string {
  return `*3\r\n:${start}\r\n:${end}\r\n*4\r\n${bulk(node.host)}:${node.port}\r\n${bulk(node.id)}${protocol === 3 ? '%0' : '*0'}\r\n`;
}
function shard(node: ClusterNode, ranges: readonly SlotRange[], protocol: 2 | 3, health = 'online'): string {
  const [map2, map7] = protocol === 3 ? ['%2', '%7'] : ['*4', '*14'];
  return `${map2}\r\n${bulk('slots')}*${ranges.length * 2}\r\n${ranges.map((r) => `:${r.start}\r\n:${r.end}\r\n`).join('')}${bulk('nodes')}*1\r\n${map7}\r\n` +
    `${bulk('id')}${bulk(node.id)}${bulk('port')}:${node.port}\r\n${bulk('ip')}${bulk(node.host)}${bulk('endpoint')}${bulk(node.host)}` +
    `${bulk('role')}${bulk('master')}${bulk('replication-offset')}:0\r\n${bulk('health')}${bulk(health)}`;
}

describe('cluster replies match Redis 7.0.15 byte for byte', () => {
  const solo = new Topology([SOLO], 0);
  const trio = new Topology([N1, N2, N3], 3);

  it('CLUSTER SLOTS of one node (RESP2)', () => {
    expect(resp(2, (r) => replyClusterSlots(r, solo))).toBe(SOLO_SLOTS_RESP2);
  });

  it('CLUSTER SLOTS of three nodes, each run as Redis writes one (RESP2 and RESP3)', () => {
    expect(slotsEntry({ start: 0, end: 5460, node: N1 }, 3)).toBe(TRIO_SLOTS_ENTRY_RESP3);
    const ranges = trio.slotRanges();
    for (const protocol of [2, 3] as const) {
      expect(resp(protocol, (r) => replyClusterSlots(r, trio))).toBe(`*${ranges.length}\r\n${ranges.map((range) => slotsEntry(range, protocol)).join('')}`);
    }
  });

  it('CLUSTER SHARDS of one node (RESP2), and of three nodes with all their runs (RESP2 and RESP3)', () => {
    expect(resp(2, (r) => replyClusterShards(r, solo))).toBe(SOLO_SHARDS_RESP2);
    expect(shard(N1, [{ start: 0, end: 5460, node: N1 }], 3)).toBe(TRIO_SHARD_RESP3);
    expect(shard(SOLO, [{ start: 0, end: 99, node: SOLO }, { start: 200, end: 200, node: SOLO }, { start: 202, end: 16383, node: SOLO }], 2))
      .toContain(SPLIT_SHARD_SLOTS_RESP2);
    for (const protocol of [2, 3] as const) {
      const expected = trio.nodes.map((node) => shard(node, trio.rangesOf(node.id), protocol)).join('');
      expect(resp(protocol, (r) => replyClusterShards(r, trio))).toBe(`*3\r\n${expected}`);
    }
  });

  it('CLUSTER SHARDS marks a failed node "fail"', () => {
    const out = resp(2, (r) => replyClusterShards(r, trio, { failed: new Set([N3.id]) }));
    expect(out).toContain(shard(N3, trio.rangesOf(N3.id), 2, 'fail'));
    expect(out).toContain(shard(N1, trio.rangesOf(N1.id), 2, 'online'));
  });

  it('CLUSTER NODES lines, LF-terminated, single slots without a dash', () => {
    expect(clusterNodesText(solo, SOLO.id, 0)).toBe(SOLO_NODES);
    expect(SPLIT_NODES).toMatch(/ 0-99 200 202-16383\n$/);
    const text = clusterNodesText(trio, N1.id, 1795372262336);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    const slotsOf = (node: ClusterNode): string =>
      trio.rangesOf(node.id).map((r) => (r.start === r.end ? ` ${r.start}` : ` ${r.start}-${r.end}`)).join('');
    // The recorded peer line, with our epoch (one per topology) and our slots.
    const peer = TRIO_NODES_LINE_PEER.replace(' 2 connected 5461-10922\n', ` 3 connected${slotsOf(N2)}`);
    expect(lines).toContain(peer);
    expect(lines).toContain(`${N1.id} 127.0.0.1:17101@27101 myself,master - 0 1795372262336 3 connected${slotsOf(N1)}`);
  });

  it('CLUSTER NODES flags suspects "fail?" and failed nodes "fail", disconnected', () => {
    const text = clusterNodesText(trio, N1.id, 5, { suspect: new Set([N2.id]), failed: new Set([N3.id]) });
    expect(text).toContain(`${N2.id} 127.0.0.1:17102@27102 master,fail? - 0 5 3 connected`);
    expect(TRIO_NODES_LINE_FAILED).toContain(' master,fail - ');
    expect(text).toContain(`${N3.id} 127.0.0.1:17103@27103 master,fail - 0 5 3 disconnected`);
  });

  it('CLUSTER INFO of one node, and of three with one failed and message counters', () => {
    expect(clusterInfoText(solo, 'ok')).toBe(SOLO_INFO);
    const fixed = Object.assign(Object.create(Topology.prototype) as Topology, {
      epoch: 3,
      nodes: [N1, N2, N3],
      slotRanges: () => [
        { start: 0, end: 5460, node: N1 },
        { start: 5461, end: 10922, node: N2 },
        { start: 10923, end: 16383, node: N3 },
      ],
    });
    const info = clusterInfoText(fixed, 'fail', {
      failed: new Set([N3.id]),
      myEpoch: 1,
      messagesSent: { ping: 92, pong: 88, meet: 0 },
      messagesReceived: { ping: 86, pong: 91, meet: 2, fail: 1 },
    });
    expect(info).toBe(TRIO_INFO_FAILED);
  });

  it('CLUSTER INFO counts slots of suspect nodes as pfail', () => {
    const info = clusterInfoText(trio, 'ok', { suspect: new Set([N2.id]) });
    const load = trio.ring.loads[trio.nodes.indexOf(N2)]!;
    expect(info).toContain(`cluster_slots_ok:${16384 - load}\r\ncluster_slots_pfail:${load}\r\ncluster_slots_fail:0\r\n`);
  });
});

describe('cluster replies as values (ValueReply)', () => {
  it('CLUSTER SLOTS in RESP3 gives an empty metadata map', () => {
    const reply = new ValueReply(3);
    replyClusterSlots(reply, new Topology([N1], 9));
    expect(reply.take()).toEqual([[0, 16383, ['127.0.0.1', 17101, N1.id, new Map()]]]);
  });
});
