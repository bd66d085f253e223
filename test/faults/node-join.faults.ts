/**
 * Fault: a fourth node joins a 3-node cluster (--replicas 1) under write load. Targets (issue 5): about 1/N of
 * the keys move (the fraction is reported; N = 4 after the join), 0 acknowledged writes lost, and no request
 * fails except by redirections the client follows.
 */
import { describe, expect, it } from '@jest/globals';
import { startChecker, summarize } from '../support/checker.js';
import {
  emit, faultCluster, keyPlacement, movedFraction, sleep, step, waitForAcks, waitForTakeover, waitForWritesFlowing,
} from './fault-kit.js';

const KEY_COUNT = 2000;
/** How long the migration may take after the join before the placement is counted. */
const REBALANCE_MS = 5000;

describe('a node joins under load', () => {
  const run = faultCluster(3, 1);

  it('moves about 1/4 of the keys, loses none and fails no request', async () => {
    const { cluster } = run;
    const failures: string[] = [];
    const checker = (run.checker = await startChecker({ seeds: cluster.seeds, keyCount: KEY_COUNT, rate: 1000, wait: { replicas: 1, timeoutMs: 500 } }));
    await waitForAcks(checker, 2 * KEY_COUNT, 30000); // every key written at least about once
    const before = await keyPlacement(cluster.nodes[0]!.port, KEY_COUNT);

    const joinedAt = Date.now();
    await cluster.addNode();
    await step(failures, 'every node agrees on the new table', () => waitForTakeover(cluster.nodes.map((node) => node.port), 20000));
    await sleep(REBALANCE_MS);
    await step(failures, 'writes flowing', () => waitForWritesFlowing(checker, joinedAt, 10000));
    const after = await keyPlacement(cluster.nodes[0]!.port, KEY_COUNT);
    const fraction = movedFraction(before, after, KEY_COUNT);

    const report = await checker.stop({ settleMs: 2000 });
    emit('node-join', {
      ...summarize(report), movedFraction: fraction, keysPerNodeBefore: before.perNode, keysPerNodeAfter: after.perNode,
      joinMs: Date.now() - joinedAt, failures,
    });

    expect(failures).toEqual([]);
    expect(fraction).toBeGreaterThan(0.15);
    expect(fraction).toBeLessThan(0.4);
    expect(report.lost).toEqual({ plain: 0, wait: 0 });
    expect(report.lostNotDurable).toBe(0);
    expect(report.errors).toEqual({});
    expect(report.readErrors).toEqual({});
    expect(report.unreadable).toBe(0);
    expect(report.phantom).toBe(0);
  }, 120000);
});
