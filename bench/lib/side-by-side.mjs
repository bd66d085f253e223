/** Runs one measurement per side per round, alternating which side goes first, and collects the records. */

export const SIDES = ['ringcache', 'redis'];

/**
 * Calls `measure(side, round)` for each round and side; the first side alternates each round so slow drift
 * on a noisy machine does not favour either. Returns { ringcache: [records], redis: [records] }.
 * A failing measurement is recorded as { error } and the rounds go on.
 */
export async function alternate(rounds, measure, log, sides = SIDES) {
  const out = Object.fromEntries(sides.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      try {
        const record = await measure(side, round);
        out[side].push(record);
        log(`  round ${round + 1}/${rounds} ${side}: ${summarize(record)}`);
      } catch (err) {
        out[side].push({ error: String(err?.message ?? err) });
        log(`  round ${round + 1}/${rounds} ${side}: ERROR ${String(err?.message ?? err).split('\n')[0]}`);
      }
    }
  }
  return out;
}

function summarize(record) {
  return JSON.stringify(record, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(3)) : v));
}
