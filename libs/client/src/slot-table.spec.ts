import { describe, it, expect } from '@jest/globals';
import { groupBySlot, clientKeySlot } from './slot-groups.js';
import { parseTopologyMessage, rangesFromSlotArray, sameSlotTable, splitAddress } from './slot-table.js';

describe('rangesFromSlotArray', () => {
  it('compresses per-slot owners into ranges, skipping unserved slots', () => {
    const slots: (string[] | undefined)[] = new Array(16384);
    slots.fill(['10.0.0.1:7001', '10.0.0.9:7009'], 0, 100);
    slots.fill(['10.0.0.2:7002'], 100, 101);
    slots.fill(['10.0.0.1:7001'], 101, 16000);
    const ids: Record<string, string> = { '10.0.0.1:7001': 'a', '10.0.0.2:7002': 'b' };
    expect(rangesFromSlotArray(slots, (address) => ids[address] ?? '')).toEqual([
      { start: 0, end: 99, node: { id: 'a', host: '10.0.0.1', port: 7001 } },
      { start: 100, end: 100, node: { id: 'b', host: '10.0.0.2', port: 7002 } },
      { start: 101, end: 15999, node: { id: 'a', host: '10.0.0.1', port: 7001 } },
    ]);
    expect(rangesFromSlotArray([], () => '')).toEqual([]);
  });

  it('splits IPv6 addresses at the last colon', () => {
    expect(splitAddress('::1:7001')).toEqual({ host: '::1', port: 7001 });
  });
});

describe('parseTopologyMessage', () => {
  it('reads epoch and ranges, sorted by start', () => {
    const text = JSON.stringify({ epoch: 7, slots: [[8192, 16383, '127.0.0.1:7002', 'n2'], [0, 8191, '127.0.0.1:7001', 'n1']] });
    const parsed = parseTopologyMessage(text)!;
    expect(parsed.epoch).toBe(7);
    expect(parsed.ranges).toEqual([
      { start: 0, end: 8191, node: { id: 'n1', host: '127.0.0.1', port: 7001 } },
      { start: 8192, end: 16383, node: { id: 'n2', host: '127.0.0.1', port: 7002 } },
    ]);
    expect(parseTopologyMessage('{"epoch":1,"slots":[[0,5,"h:1"]]}')!.ranges[0]!.node.id).toBe('');
  });

  it.each(['', 'nope', '[]', 'null', '{"slots":[]}', '{"epoch":-1,"slots":[]}', '{"epoch":1}', '{"epoch":1,"slots":[[5,4,"h:1","x"]]}',
    '{"epoch":1,"slots":[[0,16384,"h:1","x"]]}', '{"epoch":1,"slots":[[0,1,"nohost","x"]]}', '{"epoch":1,"slots":[[0,1,"h:p","x"]]}', '{"epoch":1,"slots":[7]}'])(
    'rejects %j', (text) => {
      expect(parseTopologyMessage(text)).toBeUndefined();
    },
  );
});

describe('sameSlotTable', () => {
  const range = { start: 0, end: 1, node: { id: 'a', host: 'h', port: 1 } };
  it('compares epoch, bounds and owners', () => {
    expect(sameSlotTable({ epoch: 1, ranges: [range] }, { epoch: 1, ranges: [{ ...range }] })).toBe(true);
    expect(sameSlotTable({ epoch: 1, ranges: [range] }, { epoch: 2, ranges: [range] })).toBe(false);
    expect(sameSlotTable({ epoch: 1, ranges: [range] }, { epoch: 1, ranges: [{ ...range, end: 2 }] })).toBe(false);
    expect(sameSlotTable({ epoch: 1, ranges: [range] }, { epoch: 1, ranges: [{ ...range, node: { ...range.node, id: 'b' } }] })).toBe(false);
    expect(sameSlotTable({ epoch: 1, ranges: [range] }, { epoch: 1, ranges: [] })).toBe(false);
  });
});

describe('groupBySlot', () => {
  it('keeps caller positions per slot, hash tags together, prefix included', () => {
    const keys = ['{u1}a', 'x', '{u1}b', 'x'];
    const groups = groupBySlot(keys);
    expect(groups.get(4574)).toEqual([0, 2]); // CLUSTER KEYSLOT {u1}a on Redis 7.0
    expect(groups.get(clientKeySlot('x'))).toEqual([1, 3]);
    expect([...groupBySlot(['x'], 'p:').keys()]).toEqual([clientKeySlot('p:x')]);
  });

  it('hashes non-ASCII keys by their UTF-8 bytes (values from CLUSTER KEYSLOT of Redis 7.0)', () => {
    expect(clientKeySlot('foo')).toBe(12182);
    expect(clientKeySlot('é')).toBe(10180);
  });
});
