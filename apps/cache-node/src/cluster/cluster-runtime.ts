/**
 * Cluster mode of a node: its identity, the SWIM membership on the UDP bus, and the ClusterState the command
 * table routes by. startNode builds one when `cluster-enabled` is yes, starts it before the RESP port opens
 * and stops it (announcing the leave) when the node shuts down.
 */
import { createHash } from 'node:crypto';
import type { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import type { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import type { Engine } from '../../../../libs/engine/src/engine.js';
import { ClusterState } from '../../../../libs/cluster/src/cluster-state.js';
import { GossipBus } from '../../../../libs/cluster/src/gossip-bus.js';
import { Membership, type BusAddress } from '../../../../libs/cluster/src/membership.js';
import { splitAddress } from '../../../../libs/cluster/src/address.js';
import { SLOT_COUNT, keySlot } from '../../../../libs/cluster/src/slots.js';
import type { Topology } from '../../../../libs/cluster/src/topology.js';
import { TOPOLOGY_CHANNEL, topologyMessage } from '../../../../libs/cluster/src/topology-push.js';

/** One SWIM protocol period: a probe a second, as the heartbeat. */
const PROBE_INTERVAL_MS = 1000;

/**
 * A node's id: the SHA-1 of the address it announces, so a node restarted at the same address rejoins as
 * the same member (with a higher incarnation) and gets its slots back instead of joining as a stranger.
 */
export function nodeIdOf(host: string, port: number): string {
  return createHash('sha1').update(`${host}:${port}`).digest('hex');
}

/** The host this node announces: cluster-announce-ip, else the bind address (127.0.0.1 for 0.0.0.0). */
export function announcedHost(config: ConfigStore): string {
  const announced = config.get('cluster-announce-ip');
  if (announced !== '') return announced;
  const bind = config.get('bind');
  return bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind;
}

export function parseSeeds(value: string): BusAddress[] {
  if (value === '') return [];
  return value.split(',').map((seed) => {
    const { host, port } = splitAddress(seed); // checked by the seeds parameter's validation
    return { host, busPort: port };
  });
}

export class ClusterRuntime {
  readonly state: ClusterState;
  readonly membership: Membership;
  readonly bus: GossipBus;
  private readonly seeds: BusAddress[];
  /** Keys deleted because their slot moved to another member. */
  droppedKeys = 0;

  constructor(config: ConfigStore, ports: { resp: number; bus: number }) {
    const host = announcedHost(config);
    const self = { id: nodeIdOf(host, ports.resp), host, port: ports.resp, busPort: ports.bus };
    this.seeds = parseSeeds(config.get('seeds'));
    this.bus = new GossipBus({ host: config.get('bind'), busPort: ports.bus });
    this.membership = new Membership(
      { ...self, incarnation: Date.now(), state: 'alive' },
      {
        transport: this.bus,
        clock: Date,
        probeIntervalMs: PROBE_INTERVAL_MS,
        suspicionTimeoutMs: config.getNumber('cluster-node-timeout') - PROBE_INTERVAL_MS,
      },
    );
    this.state = new ClusterState(this.membership, self, {
      ring: { virtualPoints: config.getNumber('cluster-virtual-points') },
      allowReadsWhenDown: config.getBool('cluster-allow-reads-when-down'),
      joining: this.seeds.length > 0,
    });
  }

  /** Routes the node's commands by this cluster, counts keys per slot, binds the bus and joins through the seeds. */
  async start(engine: Engine, server: ServerState): Promise<void> {
    engine.keyspace.countKeysByHashSlot(keySlot, SLOT_COUNT);
    server.cluster = this.state;
    let owned = this.state.ownedSlots;
    this.state.onTopology((topology) => {
      const now = this.state.ownedSlots;
      this.dropLostSlots(engine, owned, now);
      owned = now;
      server.pubsub.publish(TOPOLOGY_CHANNEL, topologyMessage(topology));
    });
    await this.bus.start(this.membership);
    if (this.seeds.length > 0) this.membership.join(this.seeds);
  }

  /**
   * Keys of slots this node just lost are dropped: their new owner serves them now (empty: slots are not
   * migrated yet, issue #5), and keeping them would let stale values resurface if the slot came back.
   */
  private dropLostSlots(engine: Engine, before: Readonly<Uint8Array>, after: Readonly<Uint8Array>): void {
    const lost = new Uint8Array(SLOT_COUNT);
    let any = false;
    for (let slot = 0; slot < SLOT_COUNT; slot++) {
      if (before[slot] === 1 && after[slot] === 0 && engine.keyspace.keysInHashSlot(slot) > 0) {
        lost[slot] = 1;
        any = true;
      }
    }
    if (any) this.droppedKeys += engine.keyspace.deleteHashSlots(lost);
  }

  onTopology(listener: (topology: Topology) => void): () => void {
    return this.state.onTopology(listener);
  }

  /** Announces the leave to every member (their next epoch drops this node's slots), then closes the bus. */
  async stop(): Promise<void> {
    this.membership.leave();
    await this.bus.stop();
  }
}

