/**
 * Fault: SIGTERM one node of four (--replicas 1) under write load: a graceful leave, which drains every slot it
 * owns before it exits. Target (issue 5): 0 acknowledged writes lost, WAIT or not (nothing failed), and a clean
 * exit.
 */
import { describe, expect, it } from '@jest/globals';
import { startChecker, summarize } from '../support/checker.js';
import { emit, faultCluster, keyPlacement, sleep, step, waitForAcks, waitForTakeover, waitForWritesFlowing } from './fault-kit.js';

const KEY_COUNT = 2000;
/** How long the leaving node may take to drain its slots and exit. */
const DRAIN_MS = 30000;

describe('graceful leave (SIGTERM) under load', () => {
  const run = faultCluster(4, 1);

  it('loses no acknowledged write', async () => {
    const { cluster } = run;
    const failures: string[] = [];
    const leaving = cluster.nodes[3]!;
    const checker = (run.checker = await startChecker({ seeds: cluster.seeds, keyCount: KEY_COUNT, rate: 1000, wait: { replicas: 1, timeoutMs: 500 } }));
    await waitForAcks(checker, 2 * KEY_COUNT, 30000);
    const before = await keyPlacement(cluster.nodes[0]!.port, KEY_COUNT);

    const termAt = Date.now();
    leaving.kill('SIGTERM');
    const exit = await Promise.race([leaving.exited(), sleep(DRAIN_MS).then(() => undefined)]);
    const drainMs = Date.now() - termAt;
    if (!exit) failures.push(`the leaving node did not exit within ${DRAIN_MS} ms`);
    const stay = cluster.nodes.filter((node) => node !== leaving).map((node) => node.port);
    await step(failures, 'the others own every slot', () => waitForTakeover(stay, 20000));
    await step(failures, 'writes flowing', () => waitForWritesFlowing(checker, termAt, 10000));
    await sleep(2000);
    const after = await keyPlacement(stay[0]!, KEY_COUNT);

    const report = await checker.stop({ settleMs: 2000 });
    emit('graceful-leave', {
      ...summarize(report), drainMs, exit, keysPerNodeBefore: before.perNode, keysPerNodeAfter: after.perNode, failures,
    });

    expect(failures).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(report.lost).toEqual({ plain: 0, wait: 0 });
    expect(report.unreadable).toBe(0);
    expect(report.phantom).toBe(0);
  }, 120000);
});
