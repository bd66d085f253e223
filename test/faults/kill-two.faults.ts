/**
 * Fault: with --replicas 2 on 5 nodes, kill -9 one node, wait for the failover, kill -9 another. Target (issue
 * 5): writes acknowledged with WAIT 2 lost: 0. Five nodes so that three of five known members, a majority,
 * survive both kills.
 */
import { describe, expect, it } from '@jest/globals';
import { startChecker, summarize } from '../support/checker.js';
import { emit, faultCluster, sleep, step, waitForAcks, waitForTakeover, waitForWritesFlowing } from './fault-kit.js';

describe('two kills one after the other, replicas 2', () => {
  const run = faultCluster(5, 2);

  it('loses no WAIT 2 write', async () => {
    const { cluster } = run;
    const failures: string[] = [];
    const checker = (run.checker = await startChecker({ seeds: cluster.seeds, rate: 1000, wait: { replicas: 2, timeoutMs: 500 } }));
    await waitForAcks(checker, 1000, 20000);
    const failoverMs: number[] = [];
    const dead = new Set<number>();

    for (const victim of [cluster.nodes[1]!, cluster.nodes[3]!]) {
      const killedAt = Date.now();
      victim.kill('SIGKILL');
      await victim.exited();
      dead.add(victim.port);
      const live = cluster.nodes.map((node) => node.port).filter((port) => !dead.has(port));
      await step(failures, `failover after killing ${victim.port}`, () => waitForTakeover(live, 20000));
      failoverMs.push(Date.now() - killedAt);
      await step(failures, `writes resume after killing ${victim.port}`, () => waitForWritesFlowing(checker, killedAt, 20000));
      await waitForAcks(checker, 500, 20000).catch(() => undefined); // load on the new table before the next kill
    }
    await sleep(2000);

    const report = await checker.stop({ settleMs: 2000 });
    emit('kill-two', { ...summarize(report), failoverMs, failures });

    expect(failures).toEqual([]);
    expect(report.writes.wait.durable).toBeGreaterThan(0);
    expect(report.lost.wait).toBe(0);
    expect(report.unreadable).toBe(0);
    expect(report.phantom).toBe(0);
  }, 180000);
});
