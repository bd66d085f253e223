import { describe, expect, it } from '@jest/globals';
import { addLongDouble, formatLongDoubleHuman, isFiniteLongDouble, parseLongDouble, type LongDouble } from './long-double.js';

const ld = (s: string): LongDouble => {
  const v = parseLongDouble(s);
  if (v === undefined) throw new Error(`not a float: ${s}`);
  return v;
};
const sum = (...xs: string[]): string => formatLongDoubleHuman(xs.map(ld).reduce(addLongDouble));

// Expected texts are INCRBYFLOAT replies of redis-server 7.0.15 (x86-64, 80-bit long double).
describe('long double (INCRBYFLOAT arithmetic)', () => {
  it('prints short decimals as typed, where a double would not', () => {
    expect(sum('0.1')).toBe('0.1');
    expect(sum('0.1', '0.1', '0.1')).toBe('0.3');
    expect(sum('10.50', '0.1')).toBe('10.6');
    expect(sum('3.0e3', '0')).toBe('3000');
    expect(sum('0.3', '-0.1')).toBe('0.2');
  });

  it('rounds to 17 decimals, ties to even, and trims', () => {
    expect(sum('0', '0.000003814697265625')).toBe('0.00000381469726562');
    expect(sum('0.000011444091796875')).toBe('0.00001144409179688');
    expect(sum('1e-400')).toBe('0');
    expect(sum('-0')).toBe('0');
    expect(sum('1.23456789012345678901')).toBe('1.23456789012345679');
  });

  it('prints large values in full, as %Lf does', () => {
    expect(sum('1e19')).toBe('10000000000000000000');
    expect(sum('123456789012345678')).toBe('123456789012345678');
    expect(sum('1e300').slice(0, 30)).toBe('100000000000000000000899732407');
    expect(sum('1e300').length).toBe(301);
  });

  it('parses hex floats and refuses what string2ld refuses', () => {
    expect(sum('0x1p3')).toBe('8');
    expect(sum('0X1.8P1')).toBe('3');
    // An embedded NUL stops strtold short of slen bytes, which string2ld refuses.
    for (const bad of ['', ' 1', '1 ', 'nan', 'abc', '1e', '1e+', '.', '0x', '1e5000', '1e-5000', '1\0', '\0', '1\x00\x0042']) {
      expect(parseLongDouble(bad)).toBeUndefined();
    }
  });

  it('has the long double range: 1e308 + 1e308 is finite, 1e4932 + 1e4932 is not', () => {
    expect(isFiniteLongDouble(addLongDouble(ld('1e308'), ld('1e308')))).toBe(true);
    expect(isFiniteLongDouble(addLongDouble(ld('1e4932'), ld('1e4932')))).toBe(false);
    expect(isFiniteLongDouble(addLongDouble(ld('inf'), ld('1')))).toBe(false);
    expect(isFiniteLongDouble(addLongDouble(ld('inf'), ld('-inf')))).toBe(false);
  });
});
