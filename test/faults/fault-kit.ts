/**
 * What the fault scenarios (test/faults/*.faults.ts) share: the cluster flags, one JSON line of numbers per
 * scenario, waiting for a failover or for the checker's writes to flow again, and where the checker's keys live.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { Redis } from 'ioredis';
import { keySlot } from '../../libs/cluster/src/slots.js';
import { checkerKey, type CheckerHandle } from '../support/checker.js';
import {
  clusterInfo, clusterSlots, command, slotOwnerPorts, startTestCluster, waitFor, type TestCluster, type TestClusterOptions,
} from '../support/clusters.js';

/** cluster-node-timeout of the scenarios: short, so a failover takes seconds and the suite minutes. */
export const NODE_TIMEOUT_MS = 3000;

/** Flags every scenario's nodes get: replication with `replicas` copies (the issue 5 flags). */
export function replicationArgs(replicas: 0 | 1 | 2, backlogBytes?: number): string[] {
  const args = ['--replicas', String(replicas)];
  if (backlogBytes !== undefined) args.push('--repl-backlog-size', String(backlogBytes));
  return args;
}

/** A scenario's cluster and what to tear down with it; `cluster` is set once beforeAll has run. */
export interface FaultRun {
  cluster: TestCluster;
  checker?: CheckerHandle;
  /** Closes the scenario's own connections (direct clients, fillers) in afterAll. */
  readonly closers: Array<() => void>;
}

/**
 * Registers beforeAll/afterAll for a describe block: a ringcache cluster of `size` nodes with `replicas`
 * copies and the short node timeout (`options` overrides), then in afterAll the checker killed, connections
 * closed, paused nodes resumed and every process stopped, whatever the test left behind.
 */
export function faultCluster(size: number, replicas: 0 | 1 | 2, options: Partial<TestClusterOptions> = {}): FaultRun {
  const run: FaultRun = { cluster: undefined as unknown as TestCluster, closers: [] };
  beforeAll(async () => {
    run.cluster = await startTestCluster({
      kind: 'ringcache', size, nodeTimeoutMs: NODE_TIMEOUT_MS, extraArgs: replicationArgs(replicas), ...options,
    });
  }, 60000);
  afterAll(async () => {
    run.checker?.kill();
    run.closers.forEach((close) => close());
    run.cluster?.nodes.forEach((node) => node.resume());
    await run.cluster?.stop();
  });
  return run;
}

/** Prints one `{"scenario": ..., ...}` line on stdout, for docs/benchmarks.md and for a reader of the run. */
export function emit(scenario: string, numbers: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ scenario, ...numbers })}\n`);
}

/**
 * Runs a step that may time out (a failover that never comes) without ending the test there: the failure is
 * recorded and the test goes on to stop the checker and print its numbers, then asserts `failures` is empty.
 */
export async function step(failures: string[], what: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    failures.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The slots the node at `ownerPort` owns, as the node at `askPort` sees them. */
export async function slotsOwnedBy(askPort: number, ownerPort: number): Promise<Set<number>> {
  const owners = slotOwnerPorts(await clusterSlots(askPort));
  const slots = new Set<number>();
  owners.forEach((port, slot) => port === ownerPort && slots.add(slot));
  return slots;
}

/**
 * Waits until every node in `live` is ok and serves one slot table that covers every slot with owners among
 * `live` only: the failover (or leave) that removed the other nodes has completed everywhere.
 */
export async function waitForTakeover(live: readonly number[], timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      try {
        const infos = await Promise.all(live.map((port) => clusterInfo(port)));
        if (infos.some((info) => info.cluster_state !== 'ok')) return false;
        const tables = await Promise.all(live.map(async (port) => slotOwnerPorts(await clusterSlots(port))));
        return tables.every((owners) => owners.every((port, slot) => port !== undefined && live.includes(port) && port === tables[0]![slot]));
      } catch {
        return false;
      }
    },
    timeoutMs,
    `nodes ${live.join(', ')} to own every slot between them`,
  );
}

/** Waits until the checker has acknowledged `count` more writes than now. */
export async function waitForAcks(checker: CheckerHandle, count: number, timeoutMs: number): Promise<void> {
  const acked = async (): Promise<number> => {
    const { writes } = await checker.progress();
    return writes.plain.acked + writes.wait.acked;
  };
  const target = (await acked()) + count;
  await waitFor(async () => (await acked()) >= target, timeoutMs, `the checker to acknowledge ${count} writes`);
}

/** Waits until no slot's last checker write failed and some write succeeded after `since`. */
export async function waitForWritesFlowing(checker: CheckerHandle, since: number, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const { openOutages, lastSuccessAt } = await checker.progress();
      return openOutages === 0 && lastSuccessAt > since;
    },
    timeoutMs,
    'the checker to write to every slot again',
  );
}

/** The distinct slots of the checker's keys `chk:{0..keyCount-1}`. */
export function checkerSlots(keyCount: number): number[] {
  return [...new Set(Array.from({ length: keyCount }, (_, n) => keySlot(checkerKey(n))))];
}

/** Where the checker's keys live: each node's key count (CLUSTER COUNTKEYSINSLOT on each slot's owner) and the owner per slot. */
export interface KeyPlacement {
  /** RESP port → keys in the checker's slots that node owns. */
  perNode: Record<string, number>;
  /** Owner port per slot (index 0..16383). */
  owners: Array<number | undefined>;
}

/** Counts the keys of the checker's slots on their owners (as the node at `askPort` sees the table). */
export async function keyPlacement(askPort: number, keyCount: number): Promise<KeyPlacement> {
  const owners = slotOwnerPorts(await clusterSlots(askPort));
  const perNode: Record<string, number> = {};
  const connections = new Map<number, Redis>();
  try {
    await Promise.all(
      checkerSlots(keyCount).map(async (slot) => {
        const port = owners[slot];
        if (port === undefined) return;
        let redis = connections.get(port);
        if (!redis) connections.set(port, (redis = new Redis({ port, host: '127.0.0.1', commandTimeout: 5000 })));
        const count = Number(await redis.call('CLUSTER', 'COUNTKEYSINSLOT', String(slot)));
        perNode[String(port)] = (perNode[String(port)] ?? 0) + count;
      }),
    );
  } finally {
    for (const redis of connections.values()) redis.disconnect();
  }
  return { perNode, owners };
}

/** The fraction of the checker's keys whose slot changed owner between two placements. */
export function movedFraction(before: KeyPlacement, after: KeyPlacement, keyCount: number): number {
  let moved = 0;
  for (let n = 0; n < keyCount; n++) {
    const slot = keySlot(checkerKey(n));
    if (before.owners[slot] !== after.owners[slot]) moved++;
  }
  return moved / keyCount;
}

/**
 * Sums an INFO section's numeric `fields` over `ports`, found either as a line of their own (`field:3`, as
 * Redis prints sync_full) or inside a line's comma-separated `field=3` list (as ringcache prints per-link
 * counters, `primary0:id=...,full_syncs=1,partial_syncs=2`); a field a node does not print counts 0.
 */
export async function sumInfoFields(ports: readonly number[], section: string, fields: readonly string[]): Promise<Record<string, number>> {
  const sums: Record<string, number> = Object.fromEntries(fields.map((field) => [field, 0]));
  for (const port of ports) {
    const text = String(await command(port, ['INFO', section]));
    for (const line of text.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const [field, value] = [line.slice(0, colon), line.slice(colon + 1)];
      if (field in sums) sums[field]! += Number(value) || 0;
      else {
        for (const pair of value.split(',')) {
          const equals = pair.indexOf('=');
          const name = pair.slice(0, equals);
          if (equals > 0 && name in sums) sums[name]! += Number(pair.slice(equals + 1)) || 0;
        }
      }
    }
  }
  return sums;
}
