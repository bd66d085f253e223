import { describe, it, expect } from '@jest/globals';
import { Topology, type ClusterNode } from './topology.js';
import { HashRing } from './ring.js';
import { SLOT_COUNT } from './slots.js';

function testNodes(count: number, basePort = 7001): ClusterNode[] {
  return Array.from({ length: count }, (_, i) => ({
    id: (i + 1).toString(16).padStart(2, '0').repeat(20),
    host: '127.0.0.1',
    port: basePort + i,
    busPort: basePort + i + 10000,
  }));
}

describe('Topology', () => {
  it('takes slot ownership from the hash ring over the node ids, whatever the input order', () => {
    const nodes = testNodes(5);
    const topology = new Topology([...nodes].reverse(), 7);
    const ring = new HashRing(nodes.map((node) => node.id));
    expect(topology.epoch).toBe(7);
    for (let slot = 0; slot < SLOT_COUNT; slot += 97) {
      expect(topology.ownerOfSlot(slot).id).toBe(ring.members[ring.owners[slot]!]);
    }
    expect(topology.nodes.map((node) => node.id)).toEqual(ring.members);
  });

  it('groups slots into maximal contiguous runs that cover 0..16383 in order', () => {
    const topology = new Topology(testNodes(3), 1);
    const ranges = topology.slotRanges();
    expect(ranges[0]!.start).toBe(0);
    expect(ranges[ranges.length - 1]!.end).toBe(SLOT_COUNT - 1);
    for (let r = 0; r < ranges.length; r++) {
      const { start, end, node } = ranges[r]!;
      expect(end).toBeGreaterThanOrEqual(start);
      for (let slot = start; slot <= end; slot++) expect(topology.ownerOfSlot(slot)).toBe(node);
      if (r > 0) {
        expect(start).toBe(ranges[r - 1]!.end + 1);
        expect(node).not.toBe(ranges[r - 1]!.node);
      }
    }
  });

  it('gives one range 0-16383 for a single node', () => {
    const [node] = testNodes(1);
    expect(new Topology([node!], 0).slotRanges()).toEqual([{ start: 0, end: 16383, node }]);
  });

  it('lists the ranges of one node', () => {
    const topology = new Topology(testNodes(3), 1);
    const id = topology.nodes[1]!.id;
    const mine = topology.rangesOf(id);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((range) => range.node.id === id)).toBe(true);
    expect(mine.reduce((sum, range) => sum + range.end - range.start + 1, 0)).toBe(topology.ring.loads[1]);
  });

  it('rejects ids that are not 40 hex chars, bad epochs and bad slots', () => {
    const node = testNodes(1)[0]!;
    expect(() => new Topology([{ ...node, id: 'abc' }], 0)).toThrow(RangeError);
    expect(() => new Topology([{ ...node, id: node.id.toUpperCase().replace(/1/g, 'A') }], 0)).toThrow(RangeError);
    expect(() => new Topology([node], -1)).toThrow(RangeError);
    expect(() => new Topology([node, node], 0)).toThrow(RangeError);
    expect(() => new Topology([node], 0).ownerOfSlot(SLOT_COUNT)).toThrow(RangeError);
  });
});
