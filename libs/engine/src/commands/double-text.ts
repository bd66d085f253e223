/** Doubles as Redis 7.0 prints them: printf("%.17g") with "inf"/"-inf", and d2string's integer shortcut. */

/**
 * printf("%.17g", d), with "inf", "-inf" and "nan" spelled as Redis does (addReplyDouble, ZSCAN of a
 * skiplist). Redis 7.2 switched to the shortest round-trip form; 7.0 prints 0.1 as "0.10000000000000001".
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d !== d) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const scientific = d.toExponential(16);
  const e = scientific.indexOf('e');
  const exponent = Number(scientific.slice(e + 1));
  if (exponent < -4 || exponent >= 17) {
    const abs = exponent < 0 ? -exponent : exponent;
    return `${stripZeros(scientific.slice(0, e))}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(d.toFixed(16 - exponent));
}

/** %g drops trailing zeros of the fraction, and the point when nothing is left after it. */
function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}

/** LLONG_MAX / 2 as a double: d2string prints integral doubles up to this magnitude as integers. */
const D2STRING_INTEGER_LIMIT = 4611686018427387904;

/** Redis's d2string (how a listpack stores a score): integral values as integers, else %.17g. */
export function d2string(d: number): string {
  if (d !== 0 && Number.isInteger(d) && Math.abs(d) <= D2STRING_INTEGER_LIMIT) return Number.isSafeInteger(d) ? String(d) : BigInt(d).toString();
  return formatDouble(d);
}
