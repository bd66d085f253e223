import { describe, expect, it } from '@jest/globals';
import { addInt64, expireArgument, isIntegerString, negateInt64, parseDouble, parseInt64, parseInteger, setExpireArgument } from './args.js';

describe('parseInt64 (string2ll)', () => {
  it('accepts canonical int64 text only', () => {
    expect(parseInt64('0')).toBe(0);
    expect(parseInt64('7')).toBe(7);
    expect(parseInt64('-7')).toBe(-7);
    expect(parseInt64('123456789012345')).toBe(123456789012345);
    for (const bad of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '1e3', '0x10', 'abc', '1a', '١']) {
      expect(parseInt64(bad)).toBeUndefined();
    }
  });

  it('keeps safe integers as numbers and falls back to BigInt beyond 2^53', () => {
    expect(parseInt64('9007199254740991')).toBe(9007199254740991);
    expect(parseInt64('9007199254740993')).toBe(9007199254740993n);
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInt64('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parseInt64('9223372036854775808')).toBeUndefined();
    expect(parseInt64('-9223372036854775809')).toBeUndefined();
    expect(parseInt64('123456789012345678901')).toBeUndefined();
  });

  it('parseInteger rounds what is beyond 2^53 but keeps the range check', () => {
    expect(parseInteger('9223372036854775807')).toBe(9223372036854775807);
    expect(parseInteger('9223372036854775808')).toBeUndefined();
    expect(parseInteger('-12')).toBe(-12);
  });

  it('isIntegerString is Redis\'s "int" encoding test', () => {
    expect(isIntegerString('12345')).toBe(true);
    expect(isIntegerString('-9223372036854775808')).toBe(true);
    expect(isIntegerString('9223372036854775808')).toBe(false);
    expect(isIntegerString('01')).toBe(false);
  });
});

describe('int64 arithmetic', () => {
  it('adds with overflow detection at the int64 boundary', () => {
    expect(addInt64(1, 2)).toBe(3);
    expect(addInt64(9007199254740991, 1)).toBe(9007199254740992n);
    expect(addInt64(9223372036854775806n, 1)).toBe(9223372036854775807n);
    expect(addInt64(9223372036854775807n, 1)).toBeUndefined();
    expect(addInt64(-9223372036854775808n, -1)).toBeUndefined();
    expect(addInt64(9223372036854775807n, -9223372036854775807n)).toBe(0);
  });

  it('negates, except -2^63', () => {
    expect(negateInt64(5)).toBe(-5);
    expect(negateInt64(9223372036854775807n)).toBe(-9223372036854775807n);
    expect(negateInt64(-9223372036854775808n)).toBeUndefined();
  });
});

describe('expire arguments', () => {
  const now = 1_700_000_000_000;
  it('EXPIRE family: relative or absolute, negative allowed, int64 overflow refused', () => {
    expect(expireArgument('10', 1000, now, 'expire')).toBe(now + 10_000);
    expect(expireArgument('-1', 1, now, 'pexpire')).toBe(now - 1);
    expect(expireArgument('x', 1000, now, 'expire')).toBe('ERR value is not an integer or out of range');
    expect(expireArgument('9223372036854776', 1000, 0, 'expireat')).toBe("ERR invalid expire time in 'expireat' command");
    expect(expireArgument('-9223372036854776', 1000, 0, 'expireat')).toBe("ERR invalid expire time in 'expireat' command");
    expect(expireArgument('9223372036854775807', 1, now, 'pexpire')).toBe("ERR invalid expire time in 'pexpire' command");
    expect(expireArgument('9223372036854775807', 1, 0, 'pexpireat')).toBe(9223372036854775807);
  });

  it('SET family: positive only, int64 overflow refused', () => {
    expect(setExpireArgument('10', 1000, now, 'set')).toBe(now + 10_000);
    expect(setExpireArgument('10', 1, 0, 'set')).toBe(10);
    expect(setExpireArgument('0', 1000, now, 'set')).toBe("ERR invalid expire time in 'set' command");
    expect(setExpireArgument('-1', 1, now, 'getex')).toBe("ERR invalid expire time in 'getex' command");
    expect(setExpireArgument('1.5', 1, now, 'set')).toBe('ERR value is not an integer or out of range');
    expect(setExpireArgument('9223372036854775', 1000, 0, 'set')).toBe(9223372036854775000);
    expect(setExpireArgument('9223372036854776', 1000, 0, 'set')).toBe("ERR invalid expire time in 'set' command");
    expect(setExpireArgument('9223372036854775807', 1, now, 'set')).toBe("ERR invalid expire time in 'set' command");
  });
});

describe('parseDouble (string2d)', () => {
  it('accepts what strtod accepts over the whole text', () => {
    expect(parseDouble('1.5')).toBe(1.5);
    expect(parseDouble('-.5')).toBe(-0.5);
    expect(parseDouble('5.')).toBe(5);
    expect(parseDouble('+1e3')).toBe(1000);
    expect(parseDouble('0x10')).toBe(16);
    expect(parseDouble('0x1p-2')).toBe(0.25);
    expect(parseDouble('inf')).toBe(Infinity);
    expect(parseDouble('-Infinity')).toBe(-Infinity);
    expect(parseDouble('1e-320')).toBeCloseTo(1e-320);
  });

  it('refuses NaN, spaces, garbage, overflow and underflow to zero', () => {
    for (const bad of ['', ' 1', '1 ', 'nan', 'abc', '1e', '.', '1e400', '1e-400', '0x']) expect(parseDouble(bad)).toBeUndefined();
    expect(parseDouble('0e-400')).toBe(0);
  });
});
