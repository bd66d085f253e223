import { randomBytes } from 'node:crypto';
import { BlockingRegistry } from './blocking.js';
import { PubSubRegistry } from '../pubsub-registry.js';
import type { ClusterGate } from './cluster-gate.js';
import type { ClientSession } from './command.js';
import type { ConfigStore } from './config-store.js';
import type { ReplicationHooks } from './replication-hooks.js';
import type { ReplicationSink } from './replication.js';

/** What BGREWRITEAOF and INFO persistence need from the node's append-only file (libs/persistence AofRuntime). */
export interface PersistenceHooks {
  /** The AOF is on (appending, or being written for CONFIG SET appendonly yes). */
  readonly enabled: boolean;
  /** Starts a rewrite; false when one is already in progress. */
  bgRewrite(): boolean;
  /** INFO persistence fields from `aof_enabled` on, as Redis 7 prints them. */
  infoFields(): [string, string | number][];
  /** loading_* fields while the AOF loads. */
  loadingFields(): [string, string | number][];
}

const MULTI: readonly string[] = ['MULTI'];
const EXEC: readonly string[] = ['EXEC'];

/** Per-command counters for INFO commandstats and the ringcache_commands_* metrics. */
export class CommandStats {
  calls = 0;
  /** Total microseconds spent in the handler. */
  usec = 0;
  /** Calls rejected before running (arity, auth, OOM...) */
  rejectedCalls = 0;
  /** Calls that ran and replied with an error. */
  failedCalls = 0;
}

/**
 * Node-wide state the server commands read and change: config, connected clients, counters.
 * Plain fields only: the hot path bumps them, INFO and /metrics read them.
 */
export class ServerState {
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = Date.now();
  readonly clients = new Map<number, ClientSession>();
  /** lower-case command name (or "container|sub") → stats */
  readonly commandStats = new Map<string, CommandStats>();
  totalCommandsProcessed = 0;
  totalConnectionsReceived = 0;
  rejectedConnections = 0;
  totalErrorReplies = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Command latency histogram: counts per upper bound in LATENCY_BUCKETS_US (last bucket is +Inf). */
  readonly latencyBuckets = new Float64Array(LATENCY_BUCKETS_US.length + 1);
  latencySumUs = 0;
  private nextId = 1;
  /** Ports the node listens on (0 if a transport is off), for INFO server and CLUSTER later. */
  ports = { resp: 0, tcp: 0, http: 0 };
  /** Address of the RESP listener. */
  bind = '127.0.0.1';
  /** Path of the config file the node was started with, "" if none (INFO server config_file). */
  configFile = '';
  executable = process.argv[1] ?? '';

  /** Cached `requirepass` (read per command, so kept out of the config map). */
  requirePass = '';
  /** Cluster mode (SELECT is limited to db 0). */
  clusterEnabled = false;
  /** Set in cluster mode: routes each command with keys (MOVED, CROSSSLOT, CLUSTERDOWN). */
  cluster: ClusterGate | undefined = undefined;
  /** Set in cluster mode: relays a client's PUBLISH to the other members, as Redis Cluster's bus does. */
  publishToPeers: ((channel: string, message: string) => void) | undefined = undefined;
  /** Clients parked by blocking commands. */
  readonly blocking = new BlockingRegistry();
  /** Pub/sub channel and pattern subscriptions; `pubsub.publish(channel, message)` also serves node code. */
  readonly pubsub = new PubSubRegistry();
  /** Above 0 while EXEC runs its queue: blocking commands then reply at once instead of blocking. */
  execDepth = 0;
  /** Where effective writes go (replication.ts); undefined = nothing is captured. */
  replication: ReplicationSink | undefined = undefined;
  /** The node's replication runtime as the engine sees it (WAIT, INFO replication, READONLY); undefined without replication. */
  replicationHooks: ReplicationHooks | undefined = undefined;
  /** The running command propagated its own rewrite: the command table does not propagate its arguments. */
  propagationRewritten = false;
  /**
   * Loading the append-only file at start: commands without Redis's `loading` flag get -LOADING
   * (libs/persistence). Set before the listeners open, cleared when the load is done.
   */
  loading = false;
  /** The AOF cannot be written (disk full, ...): write commands get -MISCONF with this reason. */
  persistenceError: (() => string | undefined) | undefined = undefined;
  /**
   * Called before a write command runs with each key it may modify (an AOF rewrite is in progress: the key's
   * pre-write value goes into the rewritten file first). Undefined otherwise, so the write path tests one field.
   */
  beforeWrite: ((db: number, key: string) => void) | undefined = undefined;
  /**
   * Called before replies are sent (once per event-loop turn by the RESP connections, after each command by
   * the other transports): the AOF hands the turn's writes to the OS first, so no acknowledged write is lost
   * to a process crash. Undefined without an AOF.
   */
  beforeReply: (() => void) | undefined = undefined;
  /** The node's append-only file as commands see it (BGREWRITEAOF, INFO persistence); undefined in bare engines. */
  persistence: PersistenceHooks | undefined = undefined;
  /** A MULTI went out for the running EXEC: EXEC follows when it ends. */
  private propagatedMulti = false;
  private propagatedDb = 0;

  constructor(readonly config: ConfigStore) {
    // Tests may build a ServerState over a config without these parameters.
    if (config.has('requirepass')) this.requirePass = config.get('requirepass');
    if (config.has('cluster-enabled')) this.clusterEnabled = config.getBool('cluster-enabled');
    config.onChange((name, value) => {
      if (name === 'requirepass') this.requirePass = value;
    });
  }

  // Instantaneous ops/sec, as Redis's trackInstantaneousMetric: 16 samples taken every 100 ms.
  private readonly opsSamples = new Float64Array(16);
  private opsSampleIdx = 0;
  private lastSampleOps = 0;
  private lastSampleAt = 0;
  private sampler: NodeJS.Timeout | undefined;

  /** Start the 100 ms sampler behind instantaneous_ops_per_sec (unref'd: never keeps the process alive). */
  startSampling(): void {
    if (this.sampler) return;
    this.lastSampleAt = performance.now();
    this.lastSampleOps = this.totalCommandsProcessed;
    this.sampler = setInterval(() => this.sample(), 100);
    this.sampler.unref();
  }

  stopSampling(): void {
    clearInterval(this.sampler);
    this.sampler = undefined;
  }

  private sample(): void {
    const now = performance.now();
    const ops = this.totalCommandsProcessed - this.lastSampleOps;
    const elapsed = now - this.lastSampleAt;
    this.opsSamples[this.opsSampleIdx] = elapsed > 0 ? (ops * 1000) / elapsed : 0;
    this.opsSampleIdx = (this.opsSampleIdx + 1) % this.opsSamples.length;
    this.lastSampleAt = now;
    this.lastSampleOps = this.totalCommandsProcessed;
  }

  instantaneousOpsPerSec(): number {
    let sum = 0;
    for (const v of this.opsSamples) sum += v;
    return Math.round(sum / this.opsSamples.length);
  }

  /** Send one effective write to the replication sink; the first inside an EXEC is preceded by MULTI. */
  propagate(db: number, args: readonly string[]): void {
    const sink = this.replication;
    if (sink === undefined) return;
    if (this.execDepth !== 0 && !this.propagatedMulti) {
      this.propagatedMulti = true;
      sink.propagate(db, MULTI);
    }
    this.propagatedDb = db;
    sink.propagate(db, args);
  }

  /** Propagate `args` in place of the running command's own arguments (replication.ts propagateRewrite). */
  propagateRewrite(db: number, args: readonly string[]): void {
    this.propagationRewritten = true;
    this.propagate(db, args);
  }

  /** The outermost EXEC ended: close the transaction propagated for it, if any. */
  closePropagatedTransaction(): void {
    if (!this.propagatedMulti) return;
    this.propagatedMulti = false;
    this.replication?.propagate(this.propagatedDb, EXEC);
  }

  /** Stats of a command, created on first use. */
  statsFor(name: string): CommandStats {
    let stats = this.commandStats.get(name);
    if (stats === undefined) {
      stats = new CommandStats();
      this.commandStats.set(name, stats);
    }
    return stats;
  }

  nextClientId(): number {
    return this.nextId++;
  }

  resetStats(): void {
    for (const stats of this.commandStats.values()) {
      stats.calls = stats.usec = stats.rejectedCalls = stats.failedCalls = 0;
    }
    this.totalCommandsProcessed = 0;
    this.totalConnectionsReceived = 0;
    this.rejectedConnections = 0;
    this.totalErrorReplies = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.latencyBuckets.fill(0);
    this.latencySumUs = 0;
  }
}

/** Upper bounds (microseconds) of the command latency histogram buckets. */
export const LATENCY_BUCKETS_US = [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000, 100000] as const;
