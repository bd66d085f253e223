import { performance } from 'node:perf_hooks';
import type { Store } from './store.js';

/**
 * Active expiry, after Redis's activeExpireCycle.
 *
 * Why sampling: lazy expiry alone leaves keys that are never read again in memory forever; a timer per key
 * costs memory and event-loop work per key; scanning every TTL key each tick is O(keys). Redis instead
 * samples a few random keys with a TTL and deletes those that are due. The fraction expired in a sample
 * estimates the fraction of stale keys overall, so it repeats while more than ~10% of a sample was
 * expired (memory is worth reclaiming) and stops once the estimate drops below that (the rest is cheap to
 * leave to lazy expiry), or when the cycle's time budget is spent so the event loop stays responsive.
 * The result: stale keys stay a small, bounded share of memory at a bounded CPU cost.
 *
 * `effort` (1..10, Redis's active-expire-effort) raises the keys per sample, the time budget and the
 * tolerated stale share, as in Redis.
 */

/** Sampled keys per loop at effort 1 (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
export const EXPIRE_KEYS_PER_LOOP = 20;
/** Percent of stale keys tolerated at effort 1 (ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE). */
export const EXPIRE_ACCEPTABLE_STALE = 10;
/** Percent of each 100 ms tick a cycle may use at effort 1 (ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC). */
export const EXPIRE_SLOW_TIME_PERC = 25;
/** Milliseconds between cycles (Redis hz 10). */
export const EXPIRE_CYCLE_INTERVAL_MS = 100;

/** Time budget per cycle in ms for an effort level. */
export function expireCycleBudgetMs(effort: number): number {
  const e = effortOffset(effort);
  return (EXPIRE_CYCLE_INTERVAL_MS * (EXPIRE_SLOW_TIME_PERC + 2 * e)) / 100;
}

/**
 * Run one cycle against `store`, expiring keys due at `now`. Returns the number of keys expired.
 * The budget is real elapsed time (performance.now), independent of the store's clock.
 */
export function activeExpireCycle(store: Store, now: number, effort = 1, timeBudgetMs = expireCycleBudgetMs(effort)): number {
  const e = effortOffset(effort);
  const perLoop = EXPIRE_KEYS_PER_LOOP + (EXPIRE_KEYS_PER_LOOP / 4) * e;
  const acceptableStale = EXPIRE_ACCEPTABLE_STALE - e;
  const start = performance.now();
  let expired = 0;
  for (let loop = 1; ; loop++) {
    const total = store.volatileSize();
    if (total === 0) break;
    let sampled = 0;
    let expiredNow = 0;
    if (total <= perLoop) {
      // Few TTL keys: check each. Walk down so a swap-removal moves an already-checked slot into the hole.
      for (let i = total - 1; i >= 0; i--) {
        sampled++;
        if (store.expireSlotIfDue(store.volatileSlotAt(i), now)) expiredNow++;
      }
      expired += expiredNow;
      break;
    }
    for (; sampled < perLoop; sampled++) {
      if (store.expireSlotIfDue(store.randomVolatileSlot(), now)) expiredNow++;
    }
    expired += expiredNow;
    if (expiredNow * 100 <= sampled * acceptableStale) break;
    if ((loop & 15) === 0 && performance.now() - start > timeBudgetMs) break;
  }
  return expired;
}

function effortOffset(effort: number): number {
  const e = Math.round(effort) - 1;
  return e < 0 ? 0 : e > 9 ? 9 : e;
}
