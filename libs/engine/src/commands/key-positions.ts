/**
 * Where a command's keys are in its arguments: the legacy (first, last, step) range of its spec, or for
 * "movablekeys" commands a function of the arguments, as Redis's getkeys procedures (COMMAND GETKEYS, and
 * the cluster's slot checks).
 */
import type { CommandSpec } from './command.js';
import { parseInteger } from './args.js';

/** Argument indexes of the keys; undefined when the arguments are malformed (numkeys out of range). */
export type KeyFinder = (args: readonly string[]) => number[] | undefined;

/**
 * Keys counted by a numkeys argument at `index` (LMPOP, ZUNION, SINTERCARD...), after any fixed keys at
 * `before` (ZUNIONSTORE's destination).
 */
export function numkeysKeys(index: number, before: readonly number[] = []): KeyFinder {
  return (args) => {
    const n = parseInteger(args[index] ?? '');
    if (n === undefined || n < 1 || index + n >= args.length) return undefined;
    const keys = [...before];
    for (let i = 1; i <= n; i++) keys.push(index + i);
    return keys;
  };
}

/** SORT: the key, and STORE's destination, skipping the operands of LIMIT, GET and BY (sortGetKeys). */
export const sortKeys: KeyFinder = (args) => {
  const keys = [1];
  for (let i = 2; i < args.length; i++) {
    const word = args[i].toLowerCase();
    if (word === 'limit') i += 2;
    else if (word === 'get' || word === 'by') i += 1;
    else if (word === 'store' && i + 1 < args.length) keys.push(++i);
  }
  return keys;
};

/** The key indexes of `args` (args[0] the command) for `spec`. */
export function commandKeys(spec: CommandSpec, args: readonly string[]): number[] | undefined {
  if (spec.keys !== undefined) return spec.keys(args);
  const keys: number[] = [];
  if (spec.firstKey === 0) return keys;
  const last = spec.lastKey < 0 ? args.length + spec.lastKey : spec.lastKey;
  for (let i = spec.firstKey; i <= last && i < args.length; i += spec.step) keys.push(i);
  return keys;
}
