/**
 * Argument parsing exactly as Redis does it: integers as `string2ll` (int64, strict syntax) and the int64
 * arithmetic of INCR/INCRBY/EXPIRE with Redis's overflow checks. Short texts stay plain numbers; only texts
 * too long to be safe integers fall back to BigInt, so the common case allocates nothing.
 */
import { INVALID_EXPIRE, NOT_INTEGER, SYNTAX } from './errors.js';

/** A Redis long long: a number when |v| <= 2^53 - 1, else a bigint. */
export type Int64 = number | bigint;

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Parse an int64 as Redis's string2ll: optional '-', no '+', no spaces, no leading zeros (except "0"),
 * no "-0", at most 20 chars, within [-2^63, 2^63-1]. Returns a number when safe, a bigint otherwise.
 */
export function parseInt64(s: string): Int64 | undefined {
  const len = s.length;
  if (len === 0 || len > 20) return undefined;
  let i = 0;
  const negative = s.charCodeAt(0) === 45; // '-'
  if (negative) {
    if (len === 1) return undefined;
    i = 1;
  }
  let c = s.charCodeAt(i);
  if (c === 48) return len === 1 ? 0 : undefined; // "0" only; "01", "-0" are not integers
  if (c < 49 || c > 57) return undefined;
  if (len - i <= 15) {
    let v = c - 48;
    for (i++; i < len; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
      v = v * 10 + (c - 48);
    }
    return negative ? -v : v;
  }
  for (let j = i + 1; j < len; j++) {
    c = s.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN) return undefined;
  return toInt64(big);
}

/**
 * Parse an int64 as a plain number (rounded beyond 2^53): for offsets, counts and indexes, where only the
 * range check of string2ll matters, not the last digits.
 */
export function parseInteger(s: string): number | undefined {
  const v = parseInt64(s);
  return typeof v === 'bigint' ? Number(v) : v;
}

/** Normalize: a bigint that fits a safe integer becomes a number. */
export function toInt64(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/** a + b in int64, or undefined where Redis says "increment or decrement would overflow". */
export function addInt64(a: Int64, b: Int64): Int64 | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    const sum = a + b;
    if (sum <= MAX_SAFE && sum >= -MAX_SAFE) return sum;
  }
  const sum = BigInt(a) + BigInt(b);
  return sum > INT64_MAX || sum < INT64_MIN ? undefined : toInt64(sum);
}

/** -v, or undefined for -2^63 (DECRBY's "decrement would overflow"). */
export function negateInt64(v: Int64): Int64 | undefined {
  if (typeof v === 'number') return -v;
  return v === INT64_MIN ? undefined : toInt64(-v);
}

/** Is `s` a string Redis would store with the "int" encoding (string2l: a 64-bit long, at most 20 chars)? */
export function isIntegerString(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== undefined;
}

const EXPIRE_SECONDS_MAX = INT64_MAX / 1000n; // LLONG_MAX / 1000, truncated as in C
const EXPIRE_SECONDS_MIN = INT64_MIN / 1000n; // LLONG_MIN / 1000, truncated toward zero as in C

/**
 * The absolute expiry (ms) of EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT: `text` in seconds (unit 1000) or ms
 * (unit 1), plus `base` (now, or 0 for the *AT forms). Negative times are allowed (they delete the key).
 * Returns the Redis error text instead when the argument is not an integer or the arithmetic overflows int64.
 */
export function expireArgument(text: string, unit: 1 | 1000, base: number, cmd: string): number | string {
  const when = parseInt64(text);
  if (when === undefined) return NOT_INTEGER;
  if (typeof when === 'number' && when < 1e14 && when > -1e14) return when * unit + base; // far from int64 limits
  let ms = BigInt(when);
  if (unit === 1000) {
    if (ms > EXPIRE_SECONDS_MAX || ms < EXPIRE_SECONDS_MIN) return INVALID_EXPIRE(cmd);
    ms *= 1000n;
  }
  const b = BigInt(base);
  if (ms > INT64_MAX - b) return INVALID_EXPIRE(cmd);
  return Number(ms + b);
}

/**
 * The absolute expiry (ms) of SET/GETEX/SETEX/PSETEX's EX, PX (relative: `now` is added), EXAT, PXAT
 * (`now` = 0). Redis refuses times <= 0 and any int64 overflow with "invalid expire time in '<cmd>' command".
 */
export function setExpireArgument(text: string, unit: 1 | 1000, now: number, cmd: string): number | string {
  const v = parseInt64(text);
  if (v === undefined) return NOT_INTEGER;
  if (typeof v === 'number') {
    if (v <= 0) return INVALID_EXPIRE(cmd);
    if (v < 1e14) return v * unit + now;
  } else if (v <= 0n) {
    return INVALID_EXPIRE(cmd);
  }
  let ms = BigInt(v);
  if (unit === 1000) {
    if (ms > EXPIRE_SECONDS_MAX) return INVALID_EXPIRE(cmd);
    ms *= 1000n;
  }
  ms += BigInt(now);
  // In C the sum wraps negative on overflow, and Redis then refuses it as "<= 0".
  if (ms > INT64_MAX) return INVALID_EXPIRE(cmd);
  return Number(ms);
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INFINITY_TEXT = /^[+-]?inf(?:inity)?$/i;

/**
 * Parse a double as Redis's string2d (ZADD scores, ZINCRBY...): strtod over the whole text, refusing empty
 * text, a leading space, trailing garbage, NaN, overflow to ±inf and underflow to zero; "inf" is accepted.
 * (INCRBYFLOAT and HINCRBYFLOAT use long doubles: see long-double.ts.)
 */
export function parseDouble(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return undefined;
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return undefined;
    if (v === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return undefined;
    return v;
  }
  const hex = HEX_FLOAT.exec(s);
  if (hex !== null) {
    const digits = hex[4] === undefined ? hex[2] + hex[3] : hex[4];
    const fracLen = hex[4] === undefined ? hex[3].length : hex[4].length;
    const exp = Number(hex[5] ?? '0') - 4 * fracLen;
    const mant = Number(BigInt('0x' + digits));
    const v = mant === 0 ? 0 : exp > 0 ? mant * 2 ** Math.min(exp, 2000) : (mant / 2 ** Math.min(-exp / 2, 1100)) / 2 ** Math.min(-exp / 2, 1100);
    if (!Number.isFinite(v) || (v === 0 && mant !== 0)) return undefined;
    return hex[1] === '-' ? -v : v;
  }
  if (INFINITY_TEXT.test(s)) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  return undefined;
}

/** What parseMultiPop found: the keys, which of the two sides was named (0 or 1), and COUNT (default 1). */
export interface MultiPopArgs {
  readonly keys: string[];
  readonly side: 0 | 1;
  readonly count: number;
}

/**
 * LMPOP/ZMPOP's `numkeys key [key ...] <side> [COUNT count]` from args[first] (BLMPOP/BZMPOP: after the
 * timeout), with `sides` the two words allowed (LEFT/RIGHT, MIN/MAX); or the error reply, checked in Redis's
 * order.
 */
export function parseMultiPop(args: readonly string[], first: number, sides: readonly [string, string]): MultiPopArgs | string {
  const numkeys = parseInteger(args[first]);
  if (numkeys === undefined || numkeys < 1) return 'ERR numkeys should be greater than 0';
  const where = first + 1 + numkeys;
  if (where >= args.length) return SYNTAX;
  const word = args[where].toLowerCase();
  if (word !== sides[0] && word !== sides[1]) return SYNTAX;
  let count = -1;
  for (let j = where + 1; j < args.length; j += 2) {
    if (count !== -1 || j + 1 >= args.length || args[j].toLowerCase() !== 'count') return SYNTAX;
    const n = parseInteger(args[j + 1]);
    if (n === undefined || n < 1) return 'ERR count should be greater than 0';
    count = n;
  }
  return { keys: args.slice(first + 1, where), side: word === sides[0] ? 0 : 1, count: count === -1 ? 1 : count };
}
