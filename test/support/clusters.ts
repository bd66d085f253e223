/**
 * A real N-node cluster on loopback for integration specs, of either kind behind one interface: ringcache nodes
 * (dist/.../main.js, what `ringcache node --cluster-enabled yes` runs, started directly so signals reach the node
 * and not the CLI wrapper; every node seeded with every bus address) or Redis 7 masters (Debian's redis-server,
 * node i owning the i-th even share of the slots). Free ports, no persistence; a restarted node keeps its ports,
 * flags and so its node id.
 *
 *   const cluster = await startTestCluster({ kind: 'ringcache', size: 3 }); // every node ok, all known, one epoch
 *   await clusterInfo(cluster.nodes[0].port);                 // { cluster_state: 'ok', cluster_current_epoch: '2', ... }
 *   slotOwnerPorts(await clusterSlots(port))[slot];           // RESP port of the slot's owner
 *   cluster.nodes[2].kill('SIGKILL'); await cluster.nodes[2].exited();
 *   await waitFor(async () => (await clusterNodes(p)).some((n) => n.flags.includes('fail')), 10000);
 *   await cluster.nodes[2].restart();
 *   await cluster.stop();                                     // in afterAll: kills every process, stopped ones too
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { splitAddress } from '../../libs/cluster/src/address.js';
import { SLOT_COUNT } from '../../libs/cluster/src/slots.js';
import { freePort, waitForPort } from './ports.js';
import { ROOT } from './processes.js';

export type ClusterKind = 'redis' | 'ringcache';

const HOST = '127.0.0.1';
const NODE_MAIN = path.join(ROOT, 'dist/apps/cache-node/src/main.js');

export interface ClusterNodeHandle {
  readonly host: string;
  /** RESP port. */
  readonly port: number;
  /** Cluster bus port (UDP gossip for ringcache, TCP for Redis). */
  readonly busPort: number;
  /** ringcache's Nest TCP and HTTP ports (0 for Redis). */
  readonly tcpPort: number;
  readonly httpPort: number;
  /** Node id (CLUSTER MYID), read at start; a restart keeps it. */
  readonly id: string;
  /** Pid of the current process (changes on restart). */
  readonly pid: number;
  /** Sends a signal (default SIGKILL) to the current process; pair with exited() for the ones that end it. */
  kill(signal?: NodeJS.Signals): void;
  /** SIGSTOPs the current process: it keeps its sockets but answers nothing, as a node in a long GC pause or a frozen VM. */
  pause(): void;
  /** SIGCONTs a paused process. */
  resume(): void;
  /** Resolves when the current process has exited (at once if it already has). */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Starts the node again with the same ports and flags (after it exited), once its RESP port accepts connections. */
  restart(): Promise<void>;
  /** What the current process printed so far (stdout + stderr). */
  output(): string;
}

export interface TestCluster {
  readonly kind: ClusterKind;
  /** Grows when addNode() is called. */
  readonly nodes: readonly ClusterNodeHandle[];
  /** `"host:port"` (RESP) of every node started by startTestCluster, for cluster clients. */
  readonly seeds: readonly string[];
  /** Index in `nodes` of the slot's owner, as node 0 sees it (-1 when unowned). */
  ownerOf(slot: number): Promise<number>;
  /**
   * Delivers a message to every subscriber of `channel` in the cluster: PUBLISH on the first live node, which
   * relays it to the others (Redis over its bus, ringcache over its peer connections).
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Starts one more node and waits until every live node is ok and agrees on it: a ringcache node joins through
   * the seeds and takes its share of the slots; a Redis node is MEET as a master without slots.
   */
  addNode(): Promise<ClusterNodeHandle>;
  /** SIGKILLs every process still running (stopped ones included), waits for them and removes the working directory. */
  stop(): Promise<void>;
}

export interface TestClusterOptions {
  readonly kind: ClusterKind;
  /** Number of nodes (default 3). */
  readonly size?: number;
  /** cluster-node-timeout in ms (default: 5000; ringcache needs at least 2000). */
  readonly nodeTimeoutMs?: number;
  /** More `--name value` flags for every node. */
  readonly extraArgs?: readonly string[];
  /** Flags for node `index` only (e.g. its own `--dir`), after extraArgs; asked again at each (re)start. */
  readonly perNodeArgs?: (index: number) => readonly string[];
  /** How long to wait for the cluster to be ready (default 20000 ms). */
  readonly readyTimeoutMs?: number;
}

/** The kind the environment asks for: RINGCACHE_TEST_CLUSTER=redis|ringcache, else `fallback`. */
export function clusterKindFromEnv(fallback: ClusterKind): ClusterKind {
  const kind = process.env.RINGCACHE_TEST_CLUSTER;
  return kind === 'redis' || kind === 'ringcache' ? kind : fallback;
}

/** Polls `predicate` every 50 ms until it returns true; throws (naming `what`) after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Sends one command on a fresh connection and returns the reply; rejects with the server's error (message as
 * sent, e.g. `CLUSTERDOWN The cluster is down`), or after `timeoutMs` (a SIGSTOPped node never answers).
 */
export async function command(port: number, args: Array<string | number>, timeoutMs = 2000): Promise<unknown> {
  const client = new Redis({
    host: HOST, port, lazyConnect: true, connectTimeout: timeoutMs, commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    client.disconnect();
  }
}

/**
 * An ioredis Cluster client seeded with every node of `cluster` (errors swallowed: a test reads them from the
 * commands), retrying the slot table every 100 ms while the cluster changes.
 */
export function clusterClient(cluster: TestCluster): Cluster {
  const client = new Cluster(cluster.seeds.map((seed) => splitAddress(seed)), {
    clusterRetryStrategy: () => 100,
    redisOptions: { maxRetriesPerRequest: 3 },
  });
  client.on('error', () => undefined);
  return client;
}

/** CLUSTER INFO of the node at `port` as a field → value record (cluster_state, cluster_current_epoch, ...). */
export async function clusterInfo(port: number): Promise<Record<string, string>> {
  const text = String(await command(port, ['CLUSTER', 'INFO']));
  const info: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) info[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return info;
}

/** One line of CLUSTER NODES: `<id> <ip:port@cport> <flags> <master> <ping> <pong> <config-epoch> <link> <slot>...`. */
export interface ClusterNodesEntry {
  id: string;
  host: string;
  port: number;
  busPort: number;
  /** e.g. ['myself', 'master'], ['master', 'fail?'], ['master', 'fail']. */
  flags: string[];
  configEpoch: number;
  linkState: string;
  /** Slot ranges as printed: '0-5460', '5461'. */
  slots: string[];
}

/** CLUSTER NODES of the node at `port`, parsed. */
export async function clusterNodes(port: number): Promise<ClusterNodesEntry[]> {
  const text = String(await command(port, ['CLUSTER', 'NODES']));
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id, address, flags, , , , configEpoch, linkState, ...slots] = line.trim().split(' ');
      const [hostPort, bus] = address!.split(',')[0]!.split('@');
      const colon = hostPort!.lastIndexOf(':');
      return {
        id: id!, host: hostPort!.slice(0, colon), port: Number(hostPort!.slice(colon + 1)), busPort: Number(bus),
        flags: flags!.split(','), configEpoch: Number(configEpoch), linkState: linkState!, slots,
      };
    });
}

/** One range of a CLUSTER SLOTS reply: [start, end, [host, port, id], ...replicas]. */
export type SlotRange = [number, number, [string, number, string], ...unknown[]];

/** CLUSTER SLOTS of the node at `port`, as sent. */
export async function clusterSlots(port: number): Promise<SlotRange[]> {
  return (await command(port, ['CLUSTER', 'SLOTS'])) as SlotRange[];
}

/** The RESP port owning each slot (index 0..16383) in a CLUSTER SLOTS reply; undefined where no range covers it. */
export function slotOwnerPorts(slots: SlotRange[]): Array<number | undefined> {
  const owners = new Array<number | undefined>(SLOT_COUNT).fill(undefined);
  for (const [start, end, [, port]] of slots) owners.fill(port, start, end + 1);
  return owners;
}

/**
 * Moves a slot (and its keys) of a Redis cluster to `nodes[to]`, as `redis-cli --cluster reshard` does, and waits
 * until every node agrees. ringcache has no CLUSTER SETSLOT/MIGRATE: its slots move when members join or leave.
 */
export async function moveRedisSlot(cluster: TestCluster, slot: number, to: number): Promise<void> {
  if (cluster.kind !== 'redis') throw new Error('moveRedisSlot needs a Redis cluster');
  const { nodes } = cluster;
  const from = await cluster.ownerOf(slot);
  if (from === to) return;
  const [source, target] = [nodes[from]!.port, nodes[to]!.port];
  await command(target, ['CLUSTER', 'SETSLOT', slot, 'IMPORTING', nodes[from]!.id]);
  await command(source, ['CLUSTER', 'SETSLOT', slot, 'MIGRATING', nodes[to]!.id]);
  for (;;) {
    const keys = (await command(source, ['CLUSTER', 'GETKEYSINSLOT', slot, 100])) as string[];
    if (keys.length === 0) break;
    await command(source, ['MIGRATE', HOST, target, '', 0, 5000, 'KEYS', ...keys]);
  }
  // Target first: it bumps its config epoch, which makes its claim win on every node.
  await command(target, ['CLUSTER', 'SETSLOT', slot, 'NODE', nodes[to]!.id]);
  await command(source, ['CLUSTER', 'SETSLOT', slot, 'NODE', nodes[to]!.id]);
  await waitFor(
    async () => (await Promise.all(nodes.map(async (node) => slotOwnerPorts(await clusterSlots(node.port))[slot]))).every((port) => port === target),
    10000,
    `every node to see slot ${slot} on node ${to}`,
  );
}

/** Every node process started and not yet exited: killed when the test process exits, even without afterAll. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((proc) => proc.kill('SIGKILL')));

interface NodeProcess {
  proc: ChildProcess;
  output: () => string;
}

function spawnTracked(file: string, args: string[]): NodeProcess {
  const proc = spawn(file, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.once('exit', () => running.delete(proc));
  let out = '';
  proc.on('error', (err) => (out += `${file} could not start (is it installed?): ${err.message}\n`));
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { proc, output: () => out };
}

function hasExited(proc: ChildProcess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}

function exitOf(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (hasExited(proc)) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Waits until the RESP port accepts connections, or throws with the process's output if it exits (or fails to spawn) first. */
async function untilListening({ proc, output }: NodeProcess, port: number): Promise<void> {
  const died = new Promise<never>((_, reject) => {
    const fail = (why: string): void => reject(new Error(`cluster node on port ${port} ${why} while starting:\n${output()}`));
    proc.once('error', (err) => fail(`failed (${err.message})`));
    void exitOf(proc).then(({ code, signal }) => fail(`exited (${code ?? signal})`));
  });
  died.catch(() => undefined);
  await Promise.race([waitForPort(port, 15000), died]);
}

/** Each node's command line: how to start it, given its ports; the kind's cluster set-up after they listen. */
interface Kind {
  argv(port: number, busPort: number, index: number): [string, string[]];
  /** Makes the listening nodes one cluster (ringcache nodes do that themselves). */
  form(ports: readonly number[], busPorts: readonly number[]): Promise<void>;
  /** Makes a newly listening node part of the cluster formed of `ports`. */
  join(port: number, busPort: number, ports: readonly number[]): Promise<void>;
}

function ringcacheKind(seeds: () => string, flags: string[], transportPorts: (index: number) => { tcp: number; http: number }): Kind {
  return {
    argv: (port, busPort, index) => [
      process.execPath,
      [
        NODE_MAIN, '--port', String(port), '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
        '--tcp-port', String(transportPorts(index).tcp), '--http-port', String(transportPorts(index).http),
        '--seeds', seeds(), '--loglevel', 'warning', ...flags,
      ],
    ],
    form: async () => undefined,
    join: async () => undefined,
  };
}

function redisKind(dir: string, flags: string[]): Kind {
  return {
    argv: (port, busPort, index) => [
      'redis-server',
      [
        '--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir,
        '--cluster-enabled', 'yes', '--cluster-port', String(busPort), '--cluster-config-file', `nodes-${index}.conf`,
        ...flags,
      ],
    ],
    async form(ports, busPorts) {
      await Promise.all(
        ports.map(async (port, i) => {
          const start = Math.floor((SLOT_COUNT * i) / ports.length);
          const end = Math.floor((SLOT_COUNT * (i + 1)) / ports.length) - 1;
          await command(port, ['CLUSTER', 'ADDSLOTSRANGE', start, end]);
          await command(port, ['CLUSTER', 'SET-CONFIG-EPOCH', i + 1]);
        }),
      );
      for (let i = 1; i < ports.length; i++) await command(ports[0]!, ['CLUSTER', 'MEET', HOST, ports[i]!, busPorts[i]!]);
    },
    async join(port, busPort, ports) {
      await command(ports[0]!, ['CLUSTER', 'MEET', HOST, port, busPort]);
    },
  };
}

/**
 * CLUSTER MYID of a node that has just started listening: retried for 10 s, since a node still booting (several
 * on two cores) can hold its first connections past the 2 s command deadline.
 */
async function nodeId(port: number): Promise<unknown> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await command(port, ['CLUSTER', 'MYID']);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Every node in `ports` is ok, knows exactly `ports.length` nodes and reports the same current epoch. */
async function agreed(ports: readonly number[], kind: ClusterKind): Promise<boolean> {
  try {
    const infos = await Promise.all(ports.map((port) => clusterInfo(port)));
    const settled = infos.every(
      (info) => info.cluster_state === 'ok' && info.cluster_known_nodes === String(ports.length)
        && info.cluster_current_epoch === infos[0]!.cluster_current_epoch
        // A ringcache member that joins copies its slots first (syncing): ready once every member owns slots.
        && (kind === 'redis' || info.cluster_size === String(ports.length)),
    );
    if (!settled) return false;
    const tables = await Promise.all(ports.map(async (port) => slotOwnerPorts(await clusterSlots(port)).join()));
    return tables.every((table) => table === tables[0]);
  } catch {
    return false;
  }
}

/**
 * Starts `options.size` nodes of `options.kind` on free loopback ports and waits until every node reports
 * cluster_state:ok with all of them known, on one epoch. On failure every process is killed before the error
 * is thrown.
 */
export async function startTestCluster(options: TestClusterOptions): Promise<TestCluster> {
  const { kind, size = 3, nodeTimeoutMs = 5000, readyTimeoutMs = 20000 } = options;
  const dir = await mkdtemp(path.join(tmpdir(), `ringcache-test-${kind}-cluster-`));
  const flags = ['--cluster-node-timeout', String(nodeTimeoutMs), ...(options.extraArgs ?? [])];
  const ports: number[] = [];
  const busPorts: number[] = [];
  for (let i = 0; i < size; i++) {
    ports.push(await freePort());
    busPorts.push(await freePort());
  }
  /** ringcache's Nest TCP and HTTP ports, chosen free too (0 would derive them from the RESP port, unchecked). */
  const transportPorts: { tcp: number; http: number }[] = [];
  const addTransportPorts = async (): Promise<void> => {
    if (kind === 'ringcache') transportPorts.push({ tcp: await freePort(), http: await freePort() });
  };
  for (let i = 0; i < size; i++) await addTransportPorts();
  const seedList = busPorts.map((busPort) => `${HOST}:${busPort}`).join(',');
  const spec = kind === 'ringcache' ? ringcacheKind(() => seedList, flags, (i) => transportPorts[i]!) : redisKind(dir, flags);
  const procs: NodeProcess[] = [];
  const nodes: ClusterNodeHandle[] = [];

  const start = (i: number): NodeProcess => {
    const [file, args] = spec.argv(ports[i]!, busPorts[i]!, i);
    return (procs[i] = spawnTracked(file, [...args, ...(options.perNodeArgs?.(i) ?? [])]));
  };
  const stop = async (): Promise<void> => {
    await Promise.all(
      procs.map(async ({ proc }) => {
        if (hasExited(proc)) return;
        const exit = exitOf(proc);
        proc.kill('SIGKILL');
        await exit;
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  const livePorts = (): number[] => ports.filter((_, i) => !hasExited(procs[i]!.proc));
  const handle = async (i: number): Promise<ClusterNodeHandle> => ({
    host: HOST, port: ports[i]!, busPort: busPorts[i]!, id: String(await nodeId(ports[i]!)),
    tcpPort: transportPorts[i]?.tcp ?? 0,
    httpPort: transportPorts[i]?.http ?? 0,
    get pid() {
      return procs[i]!.proc.pid!;
    },
    kill: (signal = 'SIGKILL') => void procs[i]!.proc.kill(signal),
    pause: () => void procs[i]!.proc.kill('SIGSTOP'),
    resume: () => void procs[i]!.proc.kill('SIGCONT'),
    exited: () => exitOf(procs[i]!.proc),
    output: () => procs[i]!.output(),
    async restart() {
      if (!hasExited(procs[i]!.proc)) throw new Error(`node ${ports[i]} is still running`);
      await untilListening(start(i), ports[i]!);
    },
  });

  try {
    for (let i = 0; i < size; i++) start(i);
    await Promise.all(procs.map((proc, i) => untilListening(proc, ports[i]!)));
    for (let i = 0; i < size; i++) nodes.push(await handle(i));
    await spec.form(ports, busPorts);
    await waitFor(() => agreed(ports, kind), readyTimeoutMs, `${size} ${kind} cluster nodes to be ok on one epoch`);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    kind,
    nodes,
    seeds: ports.map((port) => `${HOST}:${port}`),
    stop,
    async ownerOf(slot) {
      const owner = slotOwnerPorts(await clusterSlots(ports[0]!))[slot];
      return ports.indexOf(owner ?? -1);
    },
    async publish(channel, message) {
      await command(livePorts()[0]!, ['PUBLISH', channel, message]);
    },
    async addNode() {
      const i = ports.length;
      ports.push(await freePort());
      busPorts.push(await freePort());
      await addTransportPorts();
      await untilListening(start(i), ports[i]!);
      nodes.push(await handle(i));
      await spec.join(ports[i]!, busPorts[i]!, livePorts());
      await waitFor(() => agreed(livePorts(), kind), readyTimeoutMs, `node ${ports[i]} to join the ${kind} cluster`);
      return nodes[i]!;
    },
  };
}
