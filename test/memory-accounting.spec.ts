/**
 * Memory accounting of aggregates against the real heap: a child `node --expose-gc` builds hashes, sets,
 * sorted sets and lists with the compiled types (dist/, built by `npm test`) and reports the heap they hold
 * next to the `bytes` they account for, which the Store sums into used_memory for maxmemory. Both must
 * agree within 25%, for one-element values and for large ones.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT } from './support/processes.js';

const ELEMENTS = 200_000;
const TOLERANCE = 0.25;

interface Measurement {
  readonly type: string;
  readonly case: 'one' | 'many';
  readonly heap: number;
  readonly accounted: number;
}

function measure(): Measurement[] {
  const script = path.join(ROOT, 'test/support/measure-memory.mjs');
  const types = path.join(ROOT, 'dist/libs/engine/src/types');
  const out = execFileSync(process.execPath, ['--expose-gc', script, types, String(ELEMENTS)], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => JSON.parse(line) as Measurement);
}

describe('aggregate memory accounting', () => {
  let measurements: Measurement[] = [];
  beforeAll(() => {
    measurements = measure();
  });

  it.each(['hash', 'set', 'zset', 'list'].flatMap((type) => [[type, 'one'], [type, 'many']]))('%s, %s: accounted within 25%% of the heap', (type, kind) => {
    const m = measurements.find((x) => x.type === type && x.case === kind) as Measurement;
    expect(m).toBeDefined();
    const ratio = m.accounted / m.heap;
    expect({ type, kind, ratio: Math.abs(ratio - 1) <= TOLERANCE ? 'ok' : ratio }).toEqual({ type, kind, ratio: 'ok' });
  });
});
