/**
 * Fault: pause a node (a replica of the others' slots) for 3 s, shorter than the node timeout so no failover
 * happens, but longer than --repl-timeout 2, so its primaries drop its links meanwhile (as Redis's repl-timeout)
 * and it has to resync when it wakes. Targets (issue 5): it catches up by partial resync when the backlog covers
 * the pause, and by full sync when heavy writes overran a small --repl-backlog-size meanwhile. Sync counts are
 * summed over all links of all nodes, so it does not matter which primary served the resync.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster } from 'ioredis';
import { startChecker, summarize } from '../support/checker.js';
import { waitFor } from '../support/clusters.js';
import { emit, faultCluster, replicationArgs, sleep, step, sumInfoFields, waitForAcks } from './fault-kit.js';

// ringcache's replica side prints one `primaryN:...,full_syncs=F,partial_syncs=P` line per link under
// `INFO replication` (libs/engine/src/commands/info.ts), summed over every link of every node here.
const SYNC_INFO_SECTION = 'replication';
/** Seconds without an ACK before a primary drops a replica link (shorter than the pause). */
const REPL_TIMEOUT_S = 2;
const PARTIAL_SYNC_FIELD = 'partial_syncs';
const FULL_SYNC_FIELD = 'full_syncs';
/** Per-link fields of the replica: bytes behind its primary, and 1 while a sync runs. */
const LAG_FIELD = 'lag_bytes';
const SYNCING_FIELD = 'sync_in_progress';

/** Long enough that a 3 s pause is never a failure. */
const NODE_TIMEOUT_MS = 10000;
const BACKLOG_BYTES = 256 * 1024;
const PAUSE_MS = 3000;
/** Written while the replica is paused in the full-sync case: several times the backlog on every primary. */
const FILLER_KEYS = 600;
const FILLER_BYTES = 8 * 1024;

describe('a paused replica resyncs: partially within the backlog, fully past it', () => {
  const run = faultCluster(3, 1, { nodeTimeoutMs: NODE_TIMEOUT_MS, extraArgs: [...replicationArgs(1, BACKLOG_BYTES), '--repl-timeout', String(REPL_TIMEOUT_S)] });
  const syncCounts = async (): Promise<Record<string, number>> =>
    sumInfoFields(run.cluster.nodes.map((node) => node.port), SYNC_INFO_SECTION, [PARTIAL_SYNC_FIELD, FULL_SYNC_FIELD]);

  beforeAll(async () => {
    run.checker = await startChecker({ seeds: run.cluster.seeds, rate: 300, wait: { replicas: 1, timeoutMs: 500 } });
    await waitForAcks(run.checker, 500, 20000);
  }, 30000);

  it('catches up by partial resync, without a full sync, after a 3 s pause under light load', async () => {
    const failures: string[] = [];
    const replica = run.cluster.nodes[2]!;
    const before = await syncCounts();
    replica.pause();
    await sleep(PAUSE_MS);
    replica.resume();
    const resumedAt = Date.now();
    await step(failures, 'caught up', () =>
      waitFor(
        async () => {
          const links = await sumInfoFields([replica.port], SYNC_INFO_SECTION, [LAG_FIELD, SYNCING_FIELD]);
          return links[LAG_FIELD] === 0 && links[SYNCING_FIELD] === 0;
        },
        10000,
        `the paused replica's links to show ${LAG_FIELD}=0 and ${SYNCING_FIELD}=0`,
      ));
    const catchUpMs = Date.now() - resumedAt;
    const after = await syncCounts();
    const partialResyncs = after[PARTIAL_SYNC_FIELD]! - before[PARTIAL_SYNC_FIELD]!;
    emit('replica-resync-partial', { before, after, partialResyncs, catchUpMs, failures });
    expect(failures).toEqual([]);
    expect(partialResyncs).toBeGreaterThan(0);
    expect(after[FULL_SYNC_FIELD]).toBe(before[FULL_SYNC_FIELD]);
  }, 60000);

  it('catches up by full sync when heavy writes overran the backlog during the pause', async () => {
    const failures: string[] = [];
    const replica = run.cluster.nodes[2]!;
    const filler = new Cluster(run.cluster.seeds.map((seed) => ({ host: '127.0.0.1', port: Number(seed.split(':')[1]) })), {
      redisOptions: { commandTimeout: 15000 },
    });
    run.closers.push(() => filler.disconnect());
    const value = 'f'.repeat(FILLER_BYTES);
    const before = await syncCounts();
    const pausedAt = Date.now();
    replica.pause();
    // Writes to the paused node's own slots wait for it; the others overrun their backlogs at once.
    const writes = Promise.allSettled(Array.from({ length: FILLER_KEYS }, (_, i) => filler.set(`filler:{${i}}`, value)));
    await sleep(Math.max(0, PAUSE_MS - (Date.now() - pausedAt)));
    replica.resume();
    const settled = await writes;
    await step(failures, 'full sync', () =>
      waitFor(async () => (await syncCounts())[FULL_SYNC_FIELD]! > before[FULL_SYNC_FIELD]!, 20000, `${FULL_SYNC_FIELD} to grow`));
    const after = await syncCounts();
    const report = await run.checker!.stop({ settleMs: 2000 });
    emit('replica-resync-full', {
      before, after, fillerFailed: settled.filter((result) => result.status === 'rejected').length, ...summarize(report), failures,
    });
    expect(after[FULL_SYNC_FIELD]).toBeGreaterThan(before[FULL_SYNC_FIELD]!);
    // No failover happened, so nothing acknowledged may be missing, WAIT or not.
    expect(report.lost).toEqual({ plain: 0, wait: 0 });
    expect(report.unreadable).toBe(0);
    expect(report.phantom).toBe(0);
  }, 90000);
});
