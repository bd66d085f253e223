/**
 * Redis's LFU counter: an 8-bit logarithmic access counter plus a 16-bit "last decrement time" in minutes.
 *
 * Why a logarithmic counter: a plain 8-bit count saturates after 255 hits, so every popular key would look
 * alike. Incrementing with probability 1 / ((counter - LFU_INIT_VAL) * logFactor + 1) makes the counter
 * grow like a logarithm of the hit count: with the default factor 10 it reaches 255 after about a million
 * hits, so 8 bits rank keys from "touched once" to "touched millions of times".
 *
 * Why decay: popularity must fade, or a key that was hot yesterday is never evicted. Rather than sweeping
 * every key, the counter is lowered lazily when it is next read: one point per `decayTime` minutes elapsed
 * since the stored minute. The minute wraps at 16 bits (45 days), as Redis, which only means a key untouched
 * for longer decays as if less time had passed.
 *
 * New keys start at LFU_INIT_VAL (5), not 0, so they survive long enough to collect a few hits before they
 * look like the least frequently used key in the pool.
 */

export const LFU_INIT_VAL = 5;

/** Current time in minutes, 16 bits, as stored per key. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60_000) & 0xffff;
}

/** Minutes elapsed since a stored 16-bit minute, assuming the clock wrapped at most once. */
export function lfuElapsedMinutes(nowMinutes: number, stored: number): number {
  return nowMinutes >= stored ? nowMinutes - stored : 0xffff - stored + nowMinutes;
}

/** LFULogIncr: bump the counter with a probability that falls as it grows; saturates at 255. */
export function lfuLogIncr(counter: number, logFactor: number, random: () => number): number {
  if (counter === 255) return 255;
  const base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
  return random() < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}

/** LFUDecrAndReturn: the counter after lazy decay (one point per `decayTime` minutes); does not store it. */
export function lfuDecayed(counter: number, storedMinutes: number, nowMinutes: number, decayTime: number): number {
  if (decayTime <= 0) return counter;
  const periods = Math.floor(lfuElapsedMinutes(nowMinutes, storedMinutes) / decayTime);
  return periods > counter ? 0 : counter - periods;
}
