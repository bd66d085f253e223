/**
 * Cluster mode of a node: its identity, the SWIM membership on the UDP bus, and the ClusterState the command
 * table routes by. startNode builds one when `cluster-enabled` is yes, starts it before the RESP port opens
 * and stops it (announcing the leave) when the node shuts down.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ConfigStore } from '../../../../libs/engine/src/commands/config-store.js';
import type { ServerState } from '../../../../libs/engine/src/commands/server-state.js';
import type { CommandTable } from '../../../../libs/engine/src/commands/command-table.js';
import type { Engine } from '../../../../libs/engine/src/engine.js';
import { ClusterState } from '../../../../libs/cluster/src/cluster-state.js';
import { GossipBus } from '../../../../libs/cluster/src/gossip-bus.js';
import { Membership, type BusAddress } from '../../../../libs/cluster/src/membership.js';
import { splitAddress } from '../../../../libs/cluster/src/address.js';
import { SLOT_COUNT, keySlot } from '../../../../libs/cluster/src/slots.js';
import type { Topology } from '../../../../libs/cluster/src/topology.js';
import { TOPOLOGY_CHANNEL, topologyMessage } from '../../../../libs/cluster/src/topology-push.js';
import { readSavedRing, writeSavedRing } from './nodes-file.js';
import { ReplicationRuntime } from './replication-runtime.js';

/** Most time a graceful leave waits for the next owners to copy this node's slots. */
const LEAVE_HANDOVER_TIMEOUT_MS = 30_000;

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
  replication: ReplicationRuntime | undefined;
  private leaving: Promise<void> | undefined;
  /** Epoch and members of the ring saved last (saveRing writes only when they change). */
  private savedKey: string | undefined;

  constructor(
    private readonly config: ConfigStore,
    ports: { resp: number; bus: number },
  ) {
    const host = announcedHost(config);
    const self = { id: nodeIdOf(host, ports.resp), host, port: ports.resp, busPort: ports.bus };
    this.seeds = parseSeeds(config.get('seeds'));
    this.bus = new GossipBus({ host: config.get('bind'), busPort: ports.bus });
    this.membership = new Membership(
      // A member joining through seeds copies the slots it is to own before it serves them (syncing).
      this.seeds.length > 0 ? { ...self, incarnation: Date.now(), state: 'alive', syncing: true } : { ...self, incarnation: Date.now(), state: 'alive' },
      {
        transport: this.bus,
        clock: Date,
        probeIntervalMs: PROBE_INTERVAL_MS,
        suspicionTimeoutMs: config.getNumber('cluster-node-timeout') - PROBE_INTERVAL_MS,
        // Stopped for longer than the suspicion timeout, the others may have failed it over (a failure takes a
        // missed probe round plus that timeout): it comes back syncing.
        freezeMs: config.getNumber('cluster-node-timeout') - PROBE_INTERVAL_MS,
      },
    );
    this.state = new ClusterState(this.membership, self, {
      ring: { virtualPoints: config.getNumber('cluster-virtual-points') },
      allowReadsWhenDown: config.getBool('cluster-allow-reads-when-down'),
      joining: this.seeds.length > 0,
      replicas: config.getNumber('replicas'),
    });
  }

  /**
   * Routes the node's commands by this cluster, counts keys per slot, starts replication (which also drops the
   * keys of slots this node neither owns nor copies), binds the bus and joins through the seeds.
   */
  async start(engine: Engine, server: ServerState, table: CommandTable): Promise<void> {
    engine.keyspace.countKeysByHashSlot(keySlot, SLOT_COUNT);
    server.cluster = this.state;
    this.replication = new ReplicationRuntime(this.config, this.state, this.membership, engine, server, table);
    const joinThrough = [...this.seeds, ...this.prepareRestore(engine, server, this.replication)];
    this.replication.start();
    let published = this.state.topology;
    this.state.onTopology((topology) => {
      if (topology === published) return; // only the target changed: clients route by the current table
      published = topology;
      server.pubsub.publish(TOPOLOGY_CHANNEL, topologyMessage(topology));
    });
    this.state.onTopology((topology) => this.saveRing(server, topology));
    // Also when a cold start ends (no new table then): the file then carries the epoch the cluster is at; and
    // when CONFIG SET turns the AOF on.
    this.membership.onChange(() => this.saveRing(server, this.state.topology));
    this.config.onChange((name) => {
      if (name === 'appendonly') this.saveRing(server, this.state.topology, true);
    });
    this.state.leaveHandler = () => void this.leave();
    await this.bus.start(this.membership);
    if (joinThrough.length > 0) this.membership.join(joinThrough);
  }

  /** `<dir>/<cluster-config-file>`: the ring this member last belonged to (nodes-file.ts). */
  private get savedRingPath(): string {
    return join(this.config.get('dir'), this.config.get('cluster-config-file'));
  }

  /**
   * With the append-only file on: epochs go on from the saved ring's, and if this node loaded keys and the
   * saved ring lists it, it restores (libs/cluster/src/restore.ts) and joins through the saved members too.
   * Returns their bus addresses (none when not restoring).
   */
  private prepareRestore(engine: Engine, server: ServerState, replication: ReplicationRuntime): BusAddress[] {
    if (server.persistence?.enabled !== true) return [];
    const saved = readSavedRing(this.savedRingPath);
    const self = this.state.self;
    if (saved === undefined || saved.self !== self.id) return [];
    this.membership.adoptEpoch(saved.epoch);
    if (!saved.members.some((member) => member.id === self.id) || engine.keyspace.totalKeys() === 0) return [];
    const others = saved.members.filter((member) => member.id !== self.id);
    this.membership.restoreFrom(saved.epoch);
    replication.restoreFrom(saved.epoch, new Set(others.map((member) => member.id)), this.config.getNumber('cluster-restore-timeout'));
    if (others.length > 0) this.state.awaitPeers();
    return others.map(({ host, busPort }) => ({ host, busPort }));
  }

  /**
   * Saves the ring at each change while the append-only file is on, except during a cold start (its rings are
   * partial while members enter one by one: the saved ring stays the one being restored) and once leaving.
   */
  private saveRing(server: ServerState, topology: Topology, always = false): void {
    // Leaving (a graceful stop): the saved ring stays the last one with this member in it, so a whole cluster
    // stopped with SIGTERM restores too. Members that stay save the rings after it, with later epochs.
    if (server.persistence?.enabled !== true || this.replication?.followsRing === false) return;
    const key = `${topology.epoch} ${topology.nodes.map((node) => node.id).join(' ')}`;
    if (key === this.savedKey && !always) return;
    this.savedKey = key;
    try {
      writeSavedRing(this.savedRingPath, { self: this.state.self.id, epoch: topology.epoch, members: topology.nodes });
    } catch (err) {
      process.stderr.write(`ringcache: cannot save the cluster config file ${this.savedRingPath}: ${(err as Error).message}\n`);
    }
  }

  /** Keys deleted because this node neither owns nor copies their slot any more. */
  get droppedKeys(): number {
    return this.replication?.droppedKeys ?? 0;
  }

  onTopology(listener: (topology: Topology) => void): () => void {
    return this.state.onTopology(listener);
  }

  /**
   * A graceful leave: waits for the replicas to hold every acknowledged write, announces the leave to every
   * member (their next epoch gives this node's slots to those replicas), lets the last writes reach them, then
   * closes the links and the bus.
   */
  async stop(): Promise<void> {
    await this.leave();
    this.replication?.stop();
    await this.bus.stop();
  }

  /** The graceful leave itself (also CLUSTER LEAVE's, which leaves the process running); once. */
  leave(): Promise<void> {
    this.replication?.freeze(); // before the IIFE runs: its first steps already notify saveRing
    this.leaving ??= (async () => {
      // The members the table without this node gives its slots to copy them first, and catch up on every
      // write this node acknowledged; then the leave hands the slots over.
      const handedOver = (await this.replication?.handOver(LEAVE_HANDOVER_TIMEOUT_MS)) ?? true;
      if (!handedOver) process.stderr.write(`ringcache: leaving before every slot was copied to its next owner (${LEAVE_HANDOVER_TIMEOUT_MS} ms timeout)\n`);
      this.membership.leave();
      await this.replication?.waitForAcks(1000);
    })();
    return this.leaving;
  }

}

