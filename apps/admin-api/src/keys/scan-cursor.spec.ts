import { describe, expect, it } from '@jest/globals';
import { decodeScanCursor, encodeScanCursor } from './scan-cursor.js';

describe('scan cursor', () => {
  it('round-trips (member, node cursor), with "0" at both ends', () => {
    expect(decodeScanCursor('0')).toEqual({ member: 0, cursor: '0' });
    expect(decodeScanCursor('2:18446744073709551615')).toEqual({ member: 2, cursor: '18446744073709551615' });
    expect(decodeScanCursor('1:007')).toEqual({ member: 1, cursor: '7' });
    expect(encodeScanCursor({ member: 1, cursor: '0' }, 3)).toBe('1:0');
    expect(encodeScanCursor({ member: 3, cursor: '0' }, 3)).toBe('0');
  });

  it('rejects what it did not hand out', () => {
    for (const text of ['', 'abc', '1:', ':1', '1:2:3', '-1:0', '1:123456789012345678901', '00']) expect(decodeScanCursor(text)).toBeUndefined();
  });
});
