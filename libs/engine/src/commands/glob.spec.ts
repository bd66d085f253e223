import { describe, expect, it } from '@jest/globals';
import { globMatch } from './glob.js';

describe('globMatch', () => {
  it('matches *, ? and classes', () => {
    expect(globMatch('*', 'anything')).toBe(true);
    expect(globMatch('h?llo', 'hello')).toBe(true);
    expect(globMatch('h?llo', 'hllo')).toBe(false);
    expect(globMatch('h*llo', 'hllo')).toBe(true);
    expect(globMatch('h*llo', 'heeeello')).toBe(true);
    expect(globMatch('h[ae]llo', 'hallo')).toBe(true);
    expect(globMatch('h[ae]llo', 'hillo')).toBe(false);
    expect(globMatch('h[^e]llo', 'hallo')).toBe(true);
    expect(globMatch('h[^e]llo', 'hello')).toBe(false);
    expect(globMatch('h[a-b]llo', 'hbllo')).toBe(true);
    expect(globMatch('user:*:name', 'user:42:name')).toBe(true);
    expect(globMatch('user:*:name', 'user:42:age')).toBe(false);
  });

  it('treats an empty text as unmatched by * (KEYS and SCAN special-case a lone *)', () => {
    expect(globMatch('*', '')).toBe(false);
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('a*', 'a')).toBe(true);
    expect(globMatch('a**', 'a')).toBe(true);
  });

  it('folds ASCII case only with nocase', () => {
    expect(globMatch('HELLO', 'hello')).toBe(false);
    expect(globMatch('HELLO', 'hello', true)).toBe(true);
    expect(globMatch('max*', 'MAXMEMORY', true)).toBe(true);
    expect(globMatch('[A-Z]x', 'qx', true)).toBe(true);
    expect(globMatch('\xc0', '\xe0', true)).toBe(false);
  });

  it('is binary-safe', () => {
    expect(globMatch('a?c', 'a\x00c')).toBe(true);
    expect(globMatch('\xff*', '\xff\x00')).toBe(true);
  });

  it('stops early on patterns that would backtrack exponentially', () => {
    const start = performance.now();
    expect(globMatch('a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false);
    expect(performance.now() - start).toBeLessThan(200);
  });

  it('fails patterns nested deeper than 1000 stars, as Redis', () => {
    expect(globMatch('a*'.repeat(1001) + 'b', 'a'.repeat(1001) + 'b')).toBe(false);
    expect(globMatch('a*'.repeat(1000) + 'b', 'a'.repeat(1001) + 'b')).toBe(true);
  });

  // Which of `keys` each pattern matches, as recorded from KEYS on redis-server 7.0.15.
  const keys = ['a','b','[',']','\\','ab','a\\','h[llo','hello','hallo','Hello','a-b','-','^','x^','abc','','a*','a?','aXb'];
  const cases: Array<[string, string[]]> = [
    ['[', []],
    ['[a', ['a']],
    ['a[', []],
    ['[]', []],
    ['[]]', []],
    ['[^]', ['-','[','\\',']','^','a','b']],
    ['[^', ['-','[','\\',']','^','a','b']],
    ['\\', ['\\']],
    ['a\\', ['a\\']],
    ['a\\\\', ['a\\']],
    ['[\\]]', [']']],
    ['[a-]', [']','^','a']],
    ['[-a]', ['-','a']],
    ['[z-a]', ['a','b']],
    ['h[^e]llo', ['h[llo','hallo']],
    ['h[a-e]llo', ['hallo','hello']],
    ['*[', []],
    ['*\\*', ['a*']],
    ['a\\?', ['a?']],
    ['[\\', ['\\']],
    ['[a-', ['-','a']],
    ['**', ['-','Hello','[','\\',']','^','a','a*','a-b','a?','aXb','a\\','ab','abc','b','h[llo','hallo','hello','x^']],
    ['?*', ['-','Hello','[','\\',']','^','a','a*','a-b','a?','aXb','a\\','ab','abc','b','h[llo','hallo','hello','x^']],
    ['*?*', ['-','Hello','[','\\',']','^','a','a*','a-b','a?','aXb','a\\','ab','abc','b','h[llo','hallo','hello','x^']],
    ['[^a-z]', ['-','[','\\',']','^']],
    ['HELLO', []],
    ['[A-Z]ello', ['Hello']],
    ['a[]b', []],
    ['a[^]b', ['a-b','aXb']],
  ];
  it.each(cases)('pattern %j matches what Redis matches', (pattern, expected) => {
    expect(keys.filter((k) => globMatch(pattern, k)).sort()).toEqual(expected);
  });
});
