/**
 * x87 80-bit `long double` arithmetic, enough for INCRBYFLOAT (and HINCRBYFLOAT) to reply byte for byte
 * what Redis replies.
 *
 * Why not a JS double: Redis parses with strtold, adds in long double (64-bit mantissa, 15-bit exponent)
 * and prints with "%.17Lf" before trimming trailing zeros. A double differs visibly and often:
 * 0.1 as a double prints "0.10000000000000001" with %.17f where Redis prints "0.1", and 0.1+0.1+0.1 is
 * "0.30000000000000004" against Redis's "0.3"; the long double range (to ~1.19e4932) also makes
 * `INCRBYFLOAT k 1e308` then `INCRBYFLOAT k 1e308` succeed in Redis. So values are kept exactly as
 * sign × mantissa × 2^exponent with a BigInt mantissa of 64 bits, every operation computes the exact
 * result and rounds once (to nearest, ties to even, as the FPU does), and formatting expands the binary
 * value exactly and rounds to 17 decimals (ties to even, as glibc's printf). INCRBYFLOAT is not a hot
 * command; the BigInt cost is a few microseconds.
 */

/** A finite long double: (-1)^neg × mant × 2^exp, mant < 2^64. Infinity and NaN are separate kinds. */
export interface LongDouble {
  readonly kind: 'finite' | 'inf' | 'nan';
  readonly neg: boolean;
  readonly mant: bigint;
  readonly exp: number;
}

const MANT_BITS = 64;
/** Exponent of the smallest subnormal (2^-16445): no mantissa bit below it. */
const MIN_EXP = -16445;
/** Largest exponent with a 64-bit mantissa: the maximum is (2^64 - 1) × 2^16320. */
const MAX_EXP = 16320;
const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

export const LD_ZERO: LongDouble = { kind: 'finite', neg: false, mant: 0n, exp: 0 };
const INF: LongDouble = { kind: 'inf', neg: false, mant: 0n, exp: 0 };
const NEG_INF: LongDouble = { kind: 'inf', neg: true, mant: 0n, exp: 0 };
const NAN: LongDouble = { kind: 'nan', neg: false, mant: 0n, exp: 0 };

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Round the exact value (-1)^neg × num/den × 2^shift to the nearest long double. */
function roundExact(neg: boolean, num: bigint, den: bigint, shift: number): LongDouble {
  if (num === 0n) return { kind: 'finite', neg, mant: 0n, exp: 0 };
  // Choose e so that q = num / den / 2^(e - shift) lies in [2^63, 2^64).
  let e = bitLength(num) - bitLength(den) - MANT_BITS + shift;
  for (;;) {
    if (e < MIN_EXP) e = MIN_EXP;
    const k = e - shift;
    const n = k >= 0 ? num : num << BigInt(-k);
    const d = k >= 0 ? den << BigInt(k) : den;
    let q = n / d;
    if (q >= TWO_64) {
      e++;
      continue;
    }
    if (q < TWO_63 && e > MIN_EXP) {
      e--;
      continue;
    }
    const r2 = (n - q * d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === TWO_64) {
      q = TWO_63;
      e++;
    }
    if (e > MAX_EXP) return neg ? NEG_INF : INF;
    return { kind: 'finite', neg, mant: q, exp: e };
  }
}

/** MAX_LONG_DOUBLE_CHARS in Redis: longer inputs are refused. */
const MAX_CHARS = 5 * 1024;
const DECIMAL = /^([+-]?)(?:(\d+)\.?(\d*)|\.(\d+))(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)inf(inity)?$/i;

/**
 * Parse as Redis's string2ld: strtold over the whole text (decimal, hex float, inf/infinity), refusing
 * empty text, a leading space, trailing garbage, NaN, overflow to ±HUGE_VAL and underflow to zero.
 */
export function parseLongDouble(s: string): LongDouble | undefined {
  if (s.length === 0 || s.length >= MAX_CHARS) return undefined;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return undefined;
  // strtold stops at an embedded NUL, but string2ld also requires it to have consumed all slen bytes: refuse.
  if (s.indexOf('\0') >= 0) return undefined;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const digits = m[4] === undefined ? m[2] + m[3] : m[4];
    const fracLen = m[4] === undefined ? m[3].length : m[4].length;
    return fromParts(m[1] === '-', digits, 10, expValue(m[5]) - fracLen);
  }
  m = HEX.exec(s);
  if (m !== null) {
    const digits = m[4] === undefined ? m[2] + m[3] : m[4];
    const fracLen = m[4] === undefined ? m[3].length : m[4].length;
    return fromParts(m[1] === '-', digits, 16, expValue(m[5]) - 4 * fracLen);
  }
  m = INFINITY.exec(s);
  if (m !== null) return m[1] === '-' ? NEG_INF : INF;
  return undefined;
}

/** Exponent text as a number, clamped far outside the long double range (the digits can be very long). */
function expValue(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  return v > 1e6 ? 1e6 : v < -1e6 ? -1e6 : v;
}

/** digits × radix-power: decimal mantissa × 10^exp10, or hex mantissa × 2^exp. */
function fromParts(neg: boolean, digits: string, radix: 10 | 16, exp: number): LongDouble | undefined {
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === 48) first++;
  if (first === digits.length) return { kind: 'finite', neg, mant: 0n, exp: 0 };
  digits = digits.slice(first);
  const mant = radix === 10 ? BigInt(digits) : BigInt('0x' + digits);
  let result: LongDouble;
  if (radix === 16) {
    if (exp > 20000) return undefined;
    if (exp < -20000 - digits.length * 4) return undefined;
    result = roundExact(neg, mant, 1n, exp);
  } else {
    const magnitude = exp + digits.length;
    if (magnitude > 5000) return undefined; // overflow: HUGE_VAL with ERANGE
    if (magnitude < -5000) return undefined; // underflow to zero with ERANGE
    result = exp >= 0 ? roundExact(neg, mant * 10n ** BigInt(exp), 1n, 0) : roundExact(neg, mant, 10n ** BigInt(-exp), 0);
  }
  if (result.kind === 'inf' || result.mant === 0n) return undefined;
  return result;
}

/** a + b, rounded once. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return NAN;
  if (a.kind === 'inf' || b.kind === 'inf') {
    if (a.kind === 'inf' && b.kind === 'inf' && a.neg !== b.neg) return NAN;
    return a.kind === 'inf' ? a : b;
  }
  if (a.mant === 0n) return b.mant === 0n ? { ...a, neg: a.neg && b.neg } : b;
  if (b.mant === 0n) return a;
  const e = Math.min(a.exp, b.exp);
  const sa = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - e);
  const sb = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - e);
  const sum = sa + sb;
  return sum < 0n ? roundExact(true, -sum, 1n, e) : roundExact(false, sum, 1n, e);
}

export function isFiniteLongDouble(x: LongDouble): boolean {
  return x.kind === 'finite';
}

const TEN_17 = 10n ** 17n;

/**
 * Redis's ld2string(LD_STR_HUMAN): "%.17Lf", then trailing zeros (and a bare '.') removed, "-0" as "0".
 * For finite values only.
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  let text: string;
  if (x.exp >= 0) {
    text = (x.mant << BigInt(x.exp)).toString();
  } else {
    const den = 1n << BigInt(-x.exp);
    const n = x.mant * TEN_17;
    let q = n / den;
    const r2 = (n - q * den) * 2n;
    if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++;
    const intPart = (q / TEN_17).toString();
    let frac = (q % TEN_17).toString().padStart(17, '0');
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    frac = frac.slice(0, end);
    text = frac.length > 0 ? `${intPart}.${frac}` : intPart;
  }
  return x.neg && text !== '0' ? '-' + text : text;
}
