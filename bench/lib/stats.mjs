/** Small statistics for noisy benchmark runs: medians and ratios, rounded for tables. */

/** Median of the finite numbers in `values` (undefined if none). */
export function median(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** subject / reference, or undefined when either side is missing. */
export function ratio(subject, reference) {
  if (typeof subject !== 'number' || typeof reference !== 'number' || reference === 0) return undefined;
  return subject / reference;
}

/** Median of `field` over an array of run records. */
export function medianOf(runs, field) {
  return median(runs.map((r) => r?.[field]));
}

/** Formatting for markdown cells. */
export const fmt = {
  int: (v) => (v === undefined ? 'n/a' : Math.round(v).toLocaleString('en-US')),
  ms: (v) => (v === undefined ? 'n/a' : v.toFixed(3)),
  ratio: (v) => (v === undefined ? 'n/a' : `${v.toFixed(2)}×`),
  bytes: (v) => (v === undefined ? 'n/a' : `${(v / 1048576).toFixed(1)} MiB`),
  num: (v, d = 1) => (v === undefined ? 'n/a' : v.toFixed(d)),
  /** "yes"/"no"/"n/a" for a target check. */
  met: (ok) => (ok === undefined ? 'n/a' : ok ? 'yes' : 'no'),
};
