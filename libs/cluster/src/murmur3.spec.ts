import { describe, it, expect } from '@jest/globals';
import { murmur3, murmur3Bytes } from './murmur3.js';

describe('murmur3', () => {
  it('matches the published MurmurHash3_x86_32 vectors', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('', 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3('\x00\x00\x00\x00')).toBe(0x2362f9de);
    expect(murmur3('aaaa', 0x9747b28c)).toBe(0x5a97808a);
    expect(murmur3('aaa', 0x9747b28c)).toBe(0x283e0130);
    expect(murmur3('aa', 0x9747b28c)).toBe(0x5d211726);
    expect(murmur3('a', 0x9747b28c)).toBe(0x7fa09ea6);
    expect(murmur3('abcd', 0x9747b28c)).toBe(0xf0478627);
    expect(murmur3('Hello, world!', 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0x9747b28c)).toBe(0x2fa826cd);
  });

  it('uses the low byte of each char (latin1)', () => {
    expect(murmur3('\xff\x80')).toBe(murmur3('\u01ff\u0180'));
  });
});

describe('murmur3Bytes', () => {
  it('hashes bytes as murmur3 hashes the same latin1 string', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', 'node-1#159', '\xff\x00\x80abc#12345']) {
      const bytes = Uint8Array.from(text, (char) => char.charCodeAt(0));
      expect(murmur3Bytes(bytes, bytes.length, 7)).toBe(murmur3(text, 7));
    }
  });
});
