/** restoreDecision and coldStartOpen: what a restoring member does at a whole-cluster cold start, from gossip alone. */
import { describe, expect, it } from '@jest/globals';
import type { MemberInfo, MemberState } from './membership.js';
import { COLD_START_TRYAGAIN, coldStartOpen, otherRestoring, restoreDecision } from './restore.js';

const SELF = 'node-0';
const EPOCH = 7;

/** Member `n` (`node-n`), alive and serving unless overridden. */
const member = (n: number, overrides: Partial<MemberInfo> = {}): MemberInfo => ({
  id: `node-${n}`, host: '127.0.0.1', port: 7000 + n, busPort: 17000 + n, incarnation: 1, state: 'alive', ...overrides,
});
/** Member `n` restoring the table of `epoch` (syncing, not served yet). */
const restoring = (n: number, epoch = EPOCH, overrides: Partial<MemberInfo> = {}): MemberInfo => member(n, { syncing: true, restoreEpoch: epoch, ...overrides });
/** Member `n` that served from its files at `epoch` (cold start still open). */
const served = (n: number, epoch = EPOCH, overrides: Partial<MemberInfo> = {}): MemberInfo => member(n, { restoreEpoch: epoch, ...overrides });

/** Self as its own membership lists it: restoring, always in the list. */
const self = restoring(0);
const expected = (...ns: number[]): ReadonlySet<string> => new Set(ns.map((n) => `node-${n}`));

const decide = (others: MemberInfo[], timedOut = false, wanted = expected(1, 2)): string => restoreDecision(SELF, EPOCH, wanted, [self, ...others], timedOut);
const open = (others: MemberInfo[], timedOut = false, expired = false, wanted = expected(1, 2)): boolean =>
  coldStartOpen(SELF, EPOCH, wanted, [self, ...others], timedOut, expired);

describe('COLD_START_TRYAGAIN', () => {
  it('is a TRYAGAIN error (cluster clients such as ioredis retry it)', () => {
    expect(COLD_START_TRYAGAIN.split(' ')[0]).toBe('TRYAGAIN');
  });
});

describe('restoreDecision', () => {
  describe('wait', () => {
    it('waits while an expected member is unknown', () => {
      expect(decide([])).toBe('wait');
      expect(decide([restoring(1)])).toBe('wait');
      expect(decide([member(3, { syncing: true })])).toBe('wait'); // a syncing non-restoring stranger changes nothing
    });

    it('waits while an expected member is known only as failed or left', () => {
      expect(decide([restoring(1), restoring(2, EPOCH, { state: 'failed' })])).toBe('wait');
      expect(decide([restoring(1), restoring(2, EPOCH, { state: 'left' })])).toBe('wait');
    });

    it('waits when the only other members are a syncing member restoring an older table', () => {
      expect(decide([restoring(1, EPOCH - 1)])).toBe('wait');
    });
  });

  describe('serve', () => {
    it('serves once every expected member is known and present, all still restoring', () => {
      expect(decide([restoring(1), restoring(2)])).toBe('serve');
    });

    it('counts suspect expected members as present', () => {
      expect(decide([restoring(1), restoring(2, EPOCH, { state: 'suspect' })])).toBe('serve');
    });

    it('serves with expected members syncing without restoring (they gave up, or joined afresh)', () => {
      expect(decide([member(1, { syncing: true }), restoring(2)])).toBe('serve');
      expect(decide([member(1, { syncing: true }), member(2, { syncing: true })])).toBe('serve');
    });

    it('serves when nothing is expected (a saved table of one)', () => {
      expect(decide([], false, expected())).toBe('serve');
    });

    it('serves on timeout even with expected members unknown', () => {
      expect(decide([], true)).toBe('serve');
      expect(decide([restoring(1)], true)).toBe('serve');
    });

    it('serves as soon as some member served from a table of the same epoch, expected members unknown', () => {
      expect(decide([served(1)])).toBe('serve');
      expect(decide([served(3)])).toBe('serve'); // not in the expected set: same epoch is what counts
      expect(decide([served(1, EPOCH, { state: 'suspect' })])).toBe('serve');
    });

    it('ignores its own record, whatever it says', () => {
      const members = [member(0, { restoreEpoch: EPOCH + 5 }), restoring(1), restoring(2)];
      expect(restoreDecision(SELF, EPOCH, expected(1, 2), members, false)).toBe('serve');
    });
  });

  describe('abandon', () => {
    it('abandons when a member serves without restoring (the cluster did not stop)', () => {
      expect(decide([member(1)])).toBe('abandon');
      expect(decide([restoring(1), restoring(2), member(3)])).toBe('abandon');
      expect(decide([member(1, { state: 'suspect' })])).toBe('abandon');
    });

    it('abandons even on timeout, and even alongside a member served from the same epoch', () => {
      expect(decide([member(1)], true)).toBe('abandon');
      expect(decide([served(1), member(2)])).toBe('abandon');
      expect(decide([member(2), served(1)])).toBe('abandon');
    });

    it('abandons when a member served from a table of another epoch', () => {
      expect(decide([served(1, EPOCH - 1)])).toBe('abandon');
      expect(decide([served(1, EPOCH + 1)])).toBe('abandon');
      expect(decide([restoring(1), served(2, EPOCH - 1)], true)).toBe('abandon');
    });

    it('abandons when any present member restores a later table, even still syncing', () => {
      expect(decide([restoring(1, EPOCH + 1)])).toBe('abandon');
      expect(decide([restoring(1), restoring(2), restoring(3, EPOCH + 1)])).toBe('abandon');
      expect(decide([served(1), restoring(2, EPOCH + 1)], true)).toBe('abandon');
      expect(decide([restoring(1, EPOCH + 1, { state: 'suspect' })])).toBe('abandon');
    });
  });

  it('ignores failed and left members, whatever their records say', () => {
    for (const state of ['failed', 'left'] as MemberState[]) {
      expect(decide([member(3, { state })])).toBe('wait');
      expect(decide([restoring(3, EPOCH + 1, { state })])).toBe('wait');
      expect(decide([served(3, EPOCH - 1, { state })])).toBe('wait');
      expect(decide([served(3, EPOCH, { state })])).toBe('wait'); // nor does a failed same-epoch server make it serve
      expect(decide([restoring(1), restoring(2), member(3, { state })])).toBe('serve');
    }
  });
});

describe('coldStartOpen', () => {
  it('stays open while an expected member is unknown, until the timeout', () => {
    expect(open([])).toBe(true);
    expect(open([served(1)])).toBe(true);
    expect(open([served(1), served(2, EPOCH, { state: 'failed' })])).toBe(true);
    expect(open([served(1)], true)).toBe(false);
  });

  it('closes once every expected member is present and none restores', () => {
    expect(open([served(1), served(2)])).toBe(false);
    expect(open([member(1), served(2, EPOCH, { state: 'suspect' })])).toBe(false);
    expect(open([], false, false, expected())).toBe(false);
  });

  it('stays open while a present member of the same epoch is still restoring, even after the timeout', () => {
    expect(open([restoring(1), served(2)])).toBe(true);
    expect(open([restoring(1), served(2)], true)).toBe(true);
    expect(open([restoring(3)], true, false, expected())).toBe(true); // not expected: same epoch is what counts
    expect(open([restoring(1, EPOCH, { state: 'suspect' })], true)).toBe(true);
  });

  it('closes when expired, whatever else', () => {
    expect(open([restoring(1), served(2)], true, true)).toBe(false);
    expect(open([restoring(1), served(2)], false, true)).toBe(false);
    expect(open([], false, true)).toBe(false);
  });

  it('does not wait for members restoring another epoch, syncing without restoring, failed or left', () => {
    expect(open([served(1), served(2), restoring(3, EPOCH - 1)])).toBe(false);
    expect(open([served(1), served(2), restoring(3, EPOCH + 1)])).toBe(false);
    expect(open([served(1), served(2), member(3, { syncing: true })])).toBe(false);
    for (const state of ['failed', 'left'] as MemberState[]) expect(open([served(1), served(2), restoring(3, EPOCH, { state })], true)).toBe(false);
  });

  it('does not wait for its own restoring record', () => {
    expect(coldStartOpen(SELF, EPOCH, expected(), [self], true, false)).toBe(false);
  });
});

describe('otherRestoring', () => {
  it('finds a live member other than self still restoring, of any epoch or of the one asked', () => {
    expect(otherRestoring(SELF, [self])).toBe(false); // self does not count
    expect(otherRestoring(SELF, [self, restoring(1, EPOCH + 1)])).toBe(true);
    expect(otherRestoring(SELF, [self, restoring(1, EPOCH + 1)], EPOCH)).toBe(false);
    expect(otherRestoring(SELF, [self, restoring(1)], EPOCH)).toBe(true);
    expect(otherRestoring(SELF, [self, served(1), member(2, { syncing: true })])).toBe(false); // served, or syncing without a file
    expect(otherRestoring(SELF, [self, restoring(1, EPOCH, { state: 'failed' })])).toBe(false);
  });
});
