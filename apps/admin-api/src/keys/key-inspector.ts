/**
 * Key inspection and cluster-wide SCAN, straight against the owning node (not through the client): the
 * admin wants to see where a key lives, and SCAN is per node anyway.
 */
import { BadRequestException, Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { keySlot } from '../../../../libs/cluster/src/slots.js';
import { utf8ToBinary } from '../../../cache-node/src/binary-text.js';
import { ClusterView, ownerOf } from '../cluster/cluster-view.js';
import { NodePool, isReplyError } from '../cluster/node-pool.js';
import { decodeScanCursor, encodeScanCursor } from './scan-cursor.js';

export interface KeyView {
  key: string;
  slot: number;
  owner: { id: string; address: string };
  type: string;
  /** Milliseconds left; -1 when the key has no TTL. */
  ttlMs: number;
  /** MEMORY USAGE; null when the node does not have that command. */
  sizeBytes: number | null;
  /** OBJECT IDLETIME; null when the node does not track it (an LFU policy is set). */
  idleSeconds: number | null;
  /** OBJECT FREQ; null unless an LFU maxmemory-policy is set. */
  frequency: number | null;
}

export interface KeyPage {
  cursor: string;
  keys: string[];
}

/** SCAN calls one page may make before handing back a cursor (members with few matches are skipped quickly). */
const MAX_SCANS_PER_PAGE = 32;

const numberOrNull = (reply: unknown): number | null => (typeof reply === 'number' ? reply : null);

@Injectable()
export class KeyInspector {
  constructor(
    @Inject(ClusterView) private readonly cluster: ClusterView,
    @Inject(NodePool) private readonly pool: NodePool,
  ) {}

  async inspect(key: string): Promise<KeyView> {
    const slot = keySlot(utf8ToBinary(key));
    // A MOVED reply means our topology is stale (a slot just moved): refresh once and ask the new owner.
    for (let attempt = 0; ; attempt++) {
      const topology = await this.cluster.topology();
      const owner = ownerOf(topology, slot);
      if (owner === undefined) throw new ServiceUnavailableException(`slot ${slot} has no owner`);
      if (owner.state === 'failed') throw new ServiceUnavailableException(`slot ${slot}'s owner ${owner.id} (${owner.address}) has failed`);
      const [type, pttl, size, idle, freq] = await this.pool.batch(owner.address, [
        ['TYPE', key],
        ['PTTL', key],
        ['MEMORY', 'USAGE', key],
        ['OBJECT', 'IDLETIME', key],
        ['OBJECT', 'FREQ', key],
      ]);
      if (isReplyError(type) && /^(MOVED|ASK) /.test(type.message) && attempt === 0) {
        this.cluster.invalidate();
        continue;
      }
      if (isReplyError(type)) throw new ServiceUnavailableException(`${owner.address}: ${type.message}`);
      if (type === 'none' || pttl === -2) throw new NotFoundException('key not found');
      return {
        key,
        slot,
        owner: { id: owner.id, address: owner.address },
        type: String(type),
        ttlMs: typeof pttl === 'number' ? pttl : -1,
        sizeBytes: numberOrNull(size),
        idleSeconds: numberOrNull(idle),
        frequency: numberOrNull(freq),
      };
    }
  }

  /**
   * One page of a SCAN over every member that owns slots, member by member in id order. Failed members are
   * skipped (their keys are unreachable); a page ends when `count` keys are found, the scan ends, or after
   * MAX_SCANS_PER_PAGE node calls.
   */
  async scan(cursorText: string, match: string | undefined, count: number): Promise<KeyPage> {
    const position = decodeScanCursor(cursorText);
    const { members } = await this.cluster.topology();
    if (position === undefined || (position.member >= members.length && cursorText !== '0')) {
      throw new BadRequestException(`invalid cursor "${cursorText}": start with "0" and pass back the cursor of the previous page`);
    }
    let { member, cursor } = position;
    const keys: string[] = [];
    for (let calls = 0; member < members.length && keys.length < count && calls < MAX_SCANS_PER_PAGE; calls++) {
      const node = members[member]!;
      if (node.slots === 0 || node.state === 'failed' || node.address === '') {
        member++;
        cursor = '0';
        continue;
      }
      const args = ['SCAN', cursor, 'COUNT', String(count), ...(match === undefined ? [] : ['MATCH', match])];
      const [next, found] = (await this.pool.command(node.address, args)) as [string, string[]];
      keys.push(...found);
      if (next === '0') {
        member++;
        cursor = '0';
      } else {
        cursor = next;
      }
    }
    return { cursor: encodeScanCursor({ member, cursor }, members.length), keys };
  }
}

