import { describe, it, expect } from '@jest/globals';
import { createCommandTable } from '../../engine/src/commands/command-table.js';
import type { CommandSpec } from '../../engine/src/commands/command.js';
import { CROSSSLOT_ERROR, movedError, route, routeError } from './routing.js';
import { Topology, type ClusterNode } from './topology.js';
import { keySlot } from './slots.js';

const table = createCommandTable();
const testNodes = (count: number): ClusterNode[] =>
  Array.from({ length: count }, (_, i) => ({ id: String(i + 1).repeat(40), host: '127.0.0.1', port: 7001 + i, busPort: 17001 + i }));
const spec = (name: string): CommandSpec => table.lookup(name)!;
const topology = new Topology(testNodes(3), 1);
const ownerOf = (key: string): ClusterNode => topology.ownerOfSlot(keySlot(key));
const otherThan = (node: ClusterNode): ClusterNode => topology.nodes.find((n) => n.id !== node.id)!;

describe('route', () => {
  it('runs a key this node owns here', () => {
    expect(route(spec('get'), ['GET', 'a'], topology, ownerOf('a').id)).toEqual({ kind: 'local' });
  });

  it('redirects a key owned elsewhere with its slot and owner', () => {
    const owner = ownerOf('a');
    const result = route(spec('set'), ['SET', 'a', '1'], topology, otherThan(owner).id);
    expect(result).toEqual({ kind: 'moved', slot: 15495, node: owner });
    expect(routeError(result)).toBe(`MOVED 15495 127.0.0.1:${owner.port}`);
  });

  it('refuses keys in two slots with CROSSSLOT, even when neither is here (as Redis: slot check first)', () => {
    expect(keySlot('a')).not.toBe(keySlot('b'));
    for (const self of topology.nodes) {
      expect(route(spec('mset'), ['MSET', 'a', '1', 'b', '2'], topology, self.id)).toEqual({ kind: 'crossslot' });
      expect(route(spec('mget'), ['MGET', 'b', 'a'], topology, self.id)).toEqual({ kind: 'crossslot' });
    }
    expect(routeError({ kind: 'crossslot' })).toBe(CROSSSLOT_ERROR);
  });

  it('routes keys sharing a hash tag as one slot', () => {
    const owner = ownerOf('{user1}');
    expect(route(spec('mset'), ['MSET', '{user1}:a', '1', '{user1}:b', '2'], topology, owner.id)).toEqual({ kind: 'local' });
    expect(route(spec('mget'), ['MGET', '{user1}:a', '{user1}:b'], topology, otherThan(owner).id)).toMatchObject({ kind: 'moved', node: owner });
  });

  it('finds movable keys through the spec (ZUNIONSTORE destination and numkeys)', () => {
    const self = topology.nodes[0]!.id;
    expect(route(spec('zunionstore'), ['ZUNIONSTORE', '{t}d', '2', '{t}a', '{t}b'], topology, self).kind).not.toBe('crossslot');
    expect(route(spec('zunionstore'), ['ZUNIONSTORE', '{t}d', '2', '{t}a', 'b'], topology, self)).toEqual({ kind: 'crossslot' });
  });

  it('runs keyless commands and unparsable key positions here (the handler replies with its own error)', () => {
    const self = topology.nodes[0]!.id;
    expect(route(spec('ping'), ['PING'], topology, self)).toEqual({ kind: 'nokeys' });
    expect(route(spec('zunion'), ['ZUNION', '5', 'a'], topology, self)).toEqual({ kind: 'nokeys' });
    expect(routeError({ kind: 'nokeys' })).toBeUndefined();
    expect(routeError({ kind: 'local' })).toBeUndefined();
  });

  it('writes error texts byte for byte as Redis 7.0.15 (recorded from a 3-node cluster)', () => {
    // redis-cli -p 17101 GET a  →  -MOVED 15495 127.0.0.1:17103
    // redis-cli -p 17110 MSET a 1 b 2  →  -CROSSSLOT Keys in request don't hash to the same slot
    expect(movedError(15495, { id: 'e'.repeat(40), host: '127.0.0.1', port: 17103, busPort: 27103 })).toBe('MOVED 15495 127.0.0.1:17103');
    expect(CROSSSLOT_ERROR).toBe("CROSSSLOT Keys in request don't hash to the same slot");
  });
});
