/**
 * Fault: SIGSTOP a primary for longer than the node timeout (its replicas take its slots over), then SIGCONT.
 * Targets (issue 5): the old primary never accepts a write for a slot it lost (no two primaries for a slot in one
 * epoch): a write sent straight to it (plain connection, not cluster mode) is refused with MOVED, never OK; and
 * no acknowledged write is lost.
 *
 * Two stale writes are sent: one while it is stopped (it waits in the socket and is the first thing the node
 * reads when it wakes, before any timer of its own has run: the hardest case) and then one every 50 ms after
 * SIGCONT until the node answers MOVED. Errors meanwhile (CLUSTERDOWN while it learns the new table) are
 * refusals too; only OK fails the test.
 *
 * A ringcache member that wakes up after being failed over resyncs: it copies its slots back from their new
 * owners and serves them again at a new epoch, which on a small data set takes well under a second (and a write
 * it then accepts is not stale). So the survivors pause slot syncs (slot-sync-paused) while the old primary
 * wakes: it cannot finish copying, and every write it gets must be refused; then syncs resume.
 */
import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { keySlot } from '../../libs/cluster/src/slots.js';
import { classifyError, startChecker, summarize } from '../support/checker.js';
import { command } from '../support/clusters.js';
import { emit, faultCluster, sleep, slotsOwnedBy, step, waitForAcks, waitForTakeover, waitForWritesFlowing } from './fault-kit.js';

/** How long after SIGCONT the old primary may take to answer MOVED for a slot it lost. */
const MOVED_WITHIN_MS = 10000;

/** The reply kind of a direct write: 'OK', or the error's kind (see classifyError). */
async function replyKind(reply: Promise<unknown>): Promise<string> {
  try {
    return String(await reply);
  } catch (err) {
    const kind = classifyError(err instanceof Error ? err.message : String(err));
    return kind === 'redirect' ? (err as Error).message.split(' ')[0]! : kind;
  }
}

describe('SIGSTOP of a primary past the node timeout, then SIGCONT', () => {
  const run = faultCluster(3, 1);

  it('refuses stale writes on the old primary with MOVED and loses no acknowledged write', async () => {
    const { cluster } = run;
    const failures: string[] = [];
    const [survivor, victim] = [cluster.nodes[0]!, cluster.nodes[2]!];
    const checker = (run.checker = await startChecker({ seeds: cluster.seeds, rate: 1000, wait: { replicas: 1, timeoutMs: 500 } }));
    await waitForAcks(checker, 1000, 20000);
    const lost = await slotsOwnedBy(survivor.port, victim.port);
    let staleKey = '';
    for (let i = 0; !staleKey; i++) if (lost.has(keySlot(`stale:{${i}}`))) staleKey = `stale:{${i}}`;
    const direct = new Redis({ host: victim.host, port: victim.port, commandTimeout: 15000, maxRetriesPerRequest: 0 });
    direct.on('error', () => undefined);
    run.closers.push(() => direct.disconnect());
    expect(await direct.set(staleKey, 'before')).toBe('OK');

    const pausedAt = Date.now();
    victim.pause();
    const live = cluster.nodes.filter((node) => node !== victim).map((node) => node.port);
    await step(failures, 'takeover while paused', () => waitForTakeover(live, 20000));
    const takeoverMs = Date.now() - pausedAt;
    const buffered = replyKind(direct.set(staleKey, 'written-while-stopped'));
    await sleep(200); // the write reaches the stopped node's socket
    for (const port of live) await command(port, ['CONFIG', 'SET', 'slot-sync-paused', 'yes']);
    victim.resume();
    const resumedAt = Date.now();

    const replies: Record<string, number> = {};
    const bufferedReply = await buffered;
    replies[bufferedReply] = 1;
    let movedAfterMs = -1;
    while (Date.now() - resumedAt < MOVED_WITHIN_MS) {
      const kind = await replyKind(direct.set(staleKey, 'written-after-resume'));
      replies[kind] = (replies[kind] ?? 0) + 1;
      if (kind === 'MOVED') {
        movedAfterMs = Date.now() - resumedAt;
        break;
      }
      await sleep(50);
    }
    // Every direct write for a while after it woke was refused; now let it copy its slots back.
    await sleep(1000);
    for (let i = 0; i < 5; i++) {
      const kind = await replyKind(direct.set(staleKey, 'written-while-syncing'));
      replies[kind] = (replies[kind] ?? 0) + 1;
    }
    for (const port of live) await command(port, ['CONFIG', 'SET', 'slot-sync-paused', 'no']);
    await step(failures, 'writes resume', () => waitForWritesFlowing(checker, resumedAt, 20000));
    await sleep(2000);

    const report = await checker.stop({ settleMs: 2000 });
    emit('pause-primary', { ...summarize(report), takeoverMs, bufferedReply, directReplies: replies, movedAfterMs, failures });

    expect(failures).toEqual([]);
    expect(replies.OK ?? 0).toBe(0);
    expect(movedAfterMs).toBeGreaterThanOrEqual(0);
    expect(report.writes.wait.durable).toBeGreaterThan(0);
    expect(report.lost.wait).toBe(0);
    expect(report.unreadable).toBe(0);
    expect(report.phantom).toBe(0);
  }, 120000);
});
