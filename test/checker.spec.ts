/**
 * The fault suite's write-checker bookkeeping (test/support/checker.ts), without a cluster: what counts as lost,
 * stale, phantom or unreadable per write class, how errors are classified, and how outages are measured.
 */
import { describe, expect, it } from '@jest/globals';
import { CheckerLedger, checkerKey, classifyError, decodeValue, encodeValue, recoveryMs, summarize, type Outage } from './support/checker.js';

describe('checker values and keys', () => {
  it('round-trips padded values and rejects what the checker never writes', () => {
    expect(encodeValue(42, 0)).toBe('42');
    expect(encodeValue(42, 10)).toBe('42:xxxxxxx');
    expect(encodeValue(42, 10)).toHaveLength(10);
    expect(decodeValue(encodeValue(123456, 64))).toBe(123456);
    expect(decodeValue('garbage')).toBeNaN();
    expect(decodeValue('0')).toBeNaN();
    expect(decodeValue('')).toBeNaN();
  });

  it('hash-tags the key number, so each key has its own slot computed from the number alone', () => {
    expect(checkerKey(7)).toBe('chk:{7}');
  });
});

describe('classifyError', () => {
  it.each([
    ['MOVED 3999 127.0.0.1:6381', 'redirect'],
    ['ASK 3999 127.0.0.1:6381', 'redirect'],
    ['CLUSTERDOWN The cluster is down', 'clusterdown'],
    ['Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN The cluster is down', 'clusterdown'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'tryagain'],
    ['Command timed out', 'timeout'],
    ['connect ECONNREFUSED 127.0.0.1:6379', 'connection'],
    ['Connection is closed.', 'connection'],
    ['Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.', 'connection'],
    ['Too many Cluster redirections. Last error: Error: Connection is closed.', 'connection'],
    ['Too many Cluster redirections. Last error: ReplyError: MOVED 1 127.0.0.1:1', 'redirections-exhausted'],
    ["ERR unknown command 'WAIT'", 'ERR'],
    ['LOADING Redis is loading the dataset in memory', 'LOADING'],
    ['something odd', 'other'],
  ])('%s → %s', (message, kind) => {
    expect(classifyError(message)).toBe(kind);
  });
});

describe('CheckerLedger', () => {
  /** Keys 0..5; odd keys are the WAIT class. */
  const ledger = (): CheckerLedger => new CheckerLedger(6, true);
  /** An acknowledged write of `value` to key n (a durable one when `durable`). */
  const ack = (l: CheckerLedger, n: number, value: number, durable = false): void => {
    l.attempt(n, value);
    l.acked(n, value);
    if (durable) l.durable(n, value);
  };

  it('counts a plain key lost when it reads back missing or older than its last OK, never for unacknowledged writes', () => {
    const l = ledger();
    ack(l, 0, 1);
    l.attempt(0, 5); // failed: may or may not have been applied
    ack(l, 2, 2);
    l.attempt(4, 3); // never acknowledged: missing is fine
    const report = l.report(['1', undefined, null, null, null, null], 0, 10);
    expect(report.lost).toEqual({ plain: 1, wait: 0 });
    expect(report.lostSample).toEqual(['chk:{2} plain expected>=2 got=nil']);
    expect(report.unreadable).toBe(1);
    expect(report.phantom).toBe(0);
    expect(report.writes.plain).toEqual({ attempted: 4, acked: 2, durable: 0, waitShort: 0 });
  });

  it('accepts a value from a write that failed but was applied, and calls a value never written phantom', () => {
    const l = ledger();
    ack(l, 0, 1);
    l.attempt(0, 4);
    ack(l, 2, 2);
    const report = l.report(['4', null, '9', null, 'junk', null], 0, 10);
    expect(report.lost).toEqual({ plain: 0, wait: 0 });
    expect(report.phantom).toBe(2);
  });

  it('holds a WAIT key only to its last durable value, and reports a lost newer non-durable write apart', () => {
    const l = ledger();
    ack(l, 1, 1, true);
    ack(l, 1, 2);
    l.waitShort();
    ack(l, 3, 3, true);
    const report = l.report([null, '1', null, null, null, null], 0, 10);
    expect(report.lost).toEqual({ plain: 0, wait: 1 });
    expect(report.lostNotDurable).toBe(1);
    expect(report.writes.wait).toEqual({ attempted: 3, acked: 3, durable: 2, waitShort: 1 });
  });

  it('catches a loss when the next write replaces an older value, even though the key is rewritten after it, once', () => {
    const l = ledger();
    l.attempt(0, 1);
    l.replaced(0, null);
    l.acked(0, 1);
    l.attempt(2, 2);
    l.replaced(2, null);
    l.acked(2, 2);
    // Failover: key 0's value 1 is gone. Writes 3 and 4 see that (counted once), then fail after being applied.
    l.attempt(0, 3);
    l.replaced(0, null);
    l.attempt(0, 4);
    l.replaced(0, null);
    l.attempt(0, 5);
    l.replaced(0, '4');
    l.acked(0, 5);
    l.attempt(2, 6);
    l.replaced(2, '2');
    l.acked(2, 6);
    const report = l.report(['5', null, '6', null, null, null], 0, 10);
    expect(report.lost).toEqual({ plain: 1, wait: 0 });
    expect(report.lostSample).toEqual(['chk:{0} plain expected>=1 got=nil']);
  });

  it('flags a read older than an earlier read or acknowledgement as stale, per class', () => {
    const l = ledger();
    expect(l.read(0, null)).toBe(false);
    ack(l, 0, 1);
    expect(l.read(0, null)).toBe(true);
    l.attempt(0, 3); // unacknowledged, but once read it may not go back
    expect(l.read(0, 3)).toBe(false);
    expect(l.read(0, 1)).toBe(true);
    ack(l, 1, 4); // WAIT class, not durable: reading nothing is not stale yet
    expect(l.read(1, null)).toBe(false);
    l.durable(1, 4);
    expect(l.read(1, null)).toBe(true);
    const report = l.report([], 0, 10);
    expect(report.staleReads).toEqual({ plain: 2, wait: 1 });
    expect(report.reads).toBe(6);
  });

  it('measures per-slot outages from the first failing write to the next success, open ones until stop', () => {
    const l = ledger();
    l.writeFailed(7, 100, 'connection', 'connect ECONNREFUSED 127.0.0.1:1');
    l.writeFailed(7, 300, 'timeout', 'Command timed out'); // same outage
    l.writeSucceeded(7, 1100);
    l.writeFailed(9, 500, 'clusterdown', 'CLUSTERDOWN The cluster is down');
    l.writeSucceeded(8, 600); // no outage to close
    l.redirected();
    l.error('wait:ERR', "ERR unknown command 'WAIT'");
    l.error('wait:ERR', "ERR something else");
    expect(l.progress()).toMatchObject({ openOutages: 1, lastSuccessAt: 1100 });
    const report = l.report([], 0, 4000);
    expect(report.outages).toEqual([{ slot: 7, start: 100, end: 1100 }, { slot: 9, start: 500, end: null }]);
    expect(report.maxUnavailableMs).toBe(3500);
    expect(report.errors).toEqual({ connection: 1, timeout: 1, clusterdown: 1, 'wait:ERR': 2 });
    expect(report.errorSamples['wait:ERR']).toBe("ERR unknown command 'WAIT'");
    expect(report.redirections).toBe(1);
    expect(summarize(report)).not.toHaveProperty('outages');
    expect(summarize(report).outageCount).toBe(2);
  });
});

describe('recoveryMs', () => {
  const outages: Outage[] = [
    { slot: 1, start: 0, end: 50 }, // over before the fault
    { slot: 1, start: 900, end: 4000 },
    { slot: 2, start: 1200, end: 2500 },
    { slot: 3, start: 1100, end: 9000 }, // another node's slot
  ];

  it('is the latest recovery among the given slots after the fault, ignoring outages that ended before it', () => {
    expect(recoveryMs(outages, 1000, new Set([1, 2]))).toBe(3000);
    expect(recoveryMs(outages, 1000, new Set([2]))).toBe(1500);
    expect(recoveryMs(outages, 1000, new Set([4]))).toBe(0);
  });

  it('is infinite while one of the slots still fails', () => {
    expect(recoveryMs([...outages, { slot: 2, start: 5000, end: null }], 1000, new Set([2]))).toBe(Number.POSITIVE_INFINITY);
  });
});
