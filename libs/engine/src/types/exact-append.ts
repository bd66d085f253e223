/**
 * Appending to the small arrays of compact aggregates. V8 grows an array by half its length plus 16 slots,
 * so a push onto a one-element array reserves 17: for small values that spare room costs more than the
 * elements. Below EXACT_SLOTS the array is instead copied into one of exactly the new length (O(n) of a
 * bounded n); above it, push's amortized growth.
 */
const EXACT_SLOTS = 16;

/** `items` with `a` (and `b`, if given) appended: a new exactly-sized array while small, else `items` itself. */
export function exactAppend(items: string[], a: string, b?: string): string[] {
  const n = items.length;
  const added = b === undefined ? 1 : 2;
  if (n + added > EXACT_SLOTS) {
    if (b === undefined) items.push(a);
    else items.push(a, b);
    return items;
  }
  const grown = new Array<string>(n + added);
  for (let i = 0; i < n; i++) grown[i] = items[i];
  grown[n] = a;
  if (b !== undefined) grown[n + 1] = b;
  return grown;
}
