/**
 * Scenario 9: slot distribution on the consistent-hash ring (issue 4), computed, not served: balance and
 * movement on join and leave at 3, 10, 100 and 500 members. The work is in bench/ring-distribution.mjs.
 */
import { measureRing, ringTable } from '../ring-distribution.mjs';

export const ring = {
  name: 'ring',
  title: '9. Cluster: slot distribution on the ring',
  command: 'node bench/ring-distribution.mjs',
  async run() {
    const rows = await measureRing();
    const bounded = rows.filter((r) => r.bounded);
    return {
      rows,
      targets: bounded.flatMap((r) => [
        { target: `${r.size} members: max share / mean ≤ 1.05`, value: r.maxShare, met: r.maxShare <= 1.05 },
        { target: `${r.size} members: moved on join ≤ 1.1 × 1/(N+1)`, value: r.joinOverIdeal, met: r.joinOverIdeal <= 1.1 },
        { target: `${r.size} members: moved on leave ≤ 1.1 × 1/N`, value: r.leaveOverIdeal, met: r.leaveOverIdeal <= 1.1 },
      ]),
    };
  },
  table: (result) => ringTable(result.rows),
};
