/** Arguments of the SCAN family (SCAN, HSCAN, SSCAN): the cursor and the MATCH / COUNT / TYPE options. */
import { parseInteger } from './args.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';
import type { Reply } from './reply.js';

const UNSIGNED = /^\+?\d*$/;
const U64_MAX = 18446744073709551615n;

/**
 * A SCAN cursor as Redis's strtoul: decimal digits with an optional sign ("-1" wraps around to 2^64 - 1),
 * "" reads as 0; no leading space, no trailing garbage, no overflow past 2^64 - 1. Undefined if invalid.
 */
export function parseScanCursor(text: string): number | undefined {
  const c0 = text.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return undefined;
  const negative = c0 === 45;
  const digits = negative ? '+' + text.slice(1) : text;
  if (!UNSIGNED.test(digits) || (negative && digits.length === 1)) return undefined;
  if (digits.length === 0 || digits === '+') return digits.length === 0 ? 0 : undefined;
  const body = digits.charCodeAt(0) === 43 ? digits.slice(1) : digits;
  if (body.length <= 15) return negative ? Number(U64_MAX + 1n - BigInt(body)) : Number(body);
  const v = BigInt(body);
  if (v > U64_MAX) return undefined;
  return Number(negative ? (v === 0n ? 0n : U64_MAX + 1n - v) : v);
}

export interface ScanOptions {
  count: number;
  /** undefined for no MATCH or MATCH "*". */
  pattern: string | undefined;
  /** Lower-case TYPE filter (SCAN only). */
  typeName: string | undefined;
}

/**
 * The options from `args[start]` on, as Redis's scanGenericCommand reads them. Returns the error reply text
 * when they are invalid. `allowType` is true for SCAN (TYPE is a syntax error for HSCAN/SSCAN).
 */
export function parseScanOptions(args: readonly string[], start: number, allowType: boolean): ScanOptions | string {
  const options: ScanOptions = { count: 10, pattern: undefined, typeName: undefined };
  for (let i = start; i < args.length; i += 2) {
    const opt = args[i].toLowerCase();
    const hasValue = i + 1 < args.length;
    if (opt === 'count' && hasValue) {
      const n = parseInteger(args[i + 1]);
      if (n === undefined) return NOT_INTEGER;
      if (n < 1) return SYNTAX;
      options.count = n;
    } else if (opt === 'match' && hasValue) {
      options.pattern = args[i + 1] === '*' ? undefined : args[i + 1];
    } else if (allowType && opt === 'type' && hasValue) {
      options.typeName = args[i + 1].toLowerCase();
    } else {
      return SYNTAX;
    }
  }
  return options;
}

/** The SCAN-family reply: the next cursor, then the items (an empty page with cursor 0 for a missing key). */
export function replyScan(reply: Reply, next: number, items: readonly string[]): void {
  reply.array(2);
  reply.bulk(String(next));
  reply.array(items.length);
  for (const item of items) reply.bulk(item);
}
