import { describe, expect, it } from '@jest/globals';
import { RpcException } from '@nestjs/microservices';
import { checkExpire, checkIncr, checkKey, checkKeyOrKeys, checkKeys, checkMset, checkSet } from './cache-rpc.payloads.js';

const MAX = Number.MAX_SAFE_INTEGER;
const ENTRIES = 'entries must be a non-empty object of string values or an array of [key, value] string pairs';

function problems(check: (p: unknown) => unknown, payload: unknown): string {
  try {
    check(payload);
  } catch (err) {
    expect(err).toBeInstanceOf(RpcException);
    return (err as RpcException).getError() as string;
  }
  throw new Error(`accepted ${JSON.stringify(payload)}`);
}

describe('Nest TCP payload checks', () => {
  it('return valid payloads as they are', () => {
    const payloads: Array<[(p: unknown) => unknown, unknown]> = [
      [checkKey, { key: 'k' }],
      [checkKey, { key: '' }],
      [checkKeyOrKeys, { key: 'k' }],
      [checkKeyOrKeys, { keys: ['a', 'b'] }],
      [checkKeyOrKeys, { key: 1, keys: ['a'] }],
      [checkKeys, { keys: ['a'] }],
      [checkSet, { key: 'k', value: 'v' }],
      [checkSet, { key: 'k', value: 'v', ttl_ms: MAX }],
      [checkSet, { key: 'k', value: 'v', ttl_ms: null }],
      [checkMset, { entries: { a: '1' } }],
      [checkMset, { entries: [['a', '1'], ['b', '2']] }],
      [checkExpire, { key: 'k', seconds: -MAX }],
      [checkIncr, { key: 'k' }],
      [checkIncr, { key: 'k', by: -5 }],
      [checkIncr, { key: 'k', by: null }],
    ];
    for (const [check, payload] of payloads) expect(check(payload)).toBe(payload);
  });

  it.each<[string, (p: unknown) => unknown, unknown, string]>([
    ['missing key', checkKey, {}, 'key must be a string'],
    ['non-string key', checkKey, { key: 1 }, 'key must be a string'],
    ['a string payload', checkKey, 'k', 'key must be a string'],
    ['a null payload', checkKey, null, 'key must be a string'],
    ['an array payload', checkKey, ['k'], 'property 0 should not exist; key must be a string'],
    ['unknown properties first, in order', checkSet, { zz: 1, key: 'k', value: 'v', ttl: 1 }, 'property zz should not exist; property ttl should not exist'],
    ['every field', checkSet, { bogus: 1 }, 'property bogus should not exist; key must be a string; value must be a string'],
    ['zero ttl_ms', checkSet, { key: 'k', value: 'v', ttl_ms: 0 }, 'ttl_ms must be a positive number'],
    ['negative fractional ttl_ms', checkSet, { key: 'k', value: 'v', ttl_ms: -1.5 }, 'ttl_ms must be a positive number; ttl_ms must be an integer number'],
    ['string ttl_ms', checkSet, { key: 'k', value: 'v', ttl_ms: 'k' }, `ttl_ms must not be greater than ${MAX}; ttl_ms must be a positive number; ttl_ms must be an integer number`],
    ['huge ttl_ms', checkSet, { key: 'k', value: 'v', ttl_ms: MAX + 1 }, `ttl_ms must not be greater than ${MAX}`],
    ['neither key nor keys', checkKeyOrKeys, {}, 'key must be a string; each value in keys must be a string; keys should not be empty; keys must be an array'],
    ['null key', checkKeyOrKeys, { key: null }, 'key must be a string'],
    ['keys wins over key', checkKeyOrKeys, { key: 'k', keys: null }, 'each value in keys must be a string; keys should not be empty; keys must be an array'],
    ['string keys', checkKeys, { keys: 'k' }, 'keys should not be empty; keys must be an array'],
    ['empty keys', checkKeys, { keys: [] }, 'keys should not be empty'],
    ['non-string in keys', checkKeys, { keys: ['a', 1] }, 'each value in keys must be a string'],
    ['non-string entry value', checkMset, { entries: { a: 1 } }, ENTRIES],
    ['empty entries', checkMset, { entries: {} }, ENTRIES],
    ['bad pair', checkMset, { entries: [['a']] }, ENTRIES],
    ['missing seconds', checkExpire, { key: 'k' }, `seconds must not be greater than ${MAX}; seconds must not be less than -${MAX}; seconds must be an integer number`],
    ['tiny seconds', checkExpire, { key: 'k', seconds: -MAX - 1 }, `seconds must not be less than -${MAX}`],
    ['fractional by', checkIncr, { key: 'k', by: 0.5 }, 'by must be an integer number'],
    ['string by', checkIncr, { key: 'k', by: 'x' }, `by must not be greater than ${MAX}; by must not be less than -${MAX}; by must be an integer number`],
    ['constructor is just another unknown property', checkKey, { constructor: 1, key: 'k' }, 'property constructor should not exist'],
  ])('reject %s', (_, check, payload, message) => {
    expect(problems(check, payload)).toBe(message);
  });

  it('ignore an own __proto__ property, as Nest strips it', () => {
    const payload = JSON.parse('{"__proto__": {"a": 1}, "key": "k"}') as unknown;
    expect(checkKey(payload)).toBe(payload);
    expect(problems(checkKeys, payload)).toBe(
      'property key should not exist; each value in keys must be a string; keys should not be empty; keys must be an array',
    );
  });
});
