/** AofWriter: encoding with SELECT, write-before-reply, the three fsync policies, write errors, file switch. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AofWriter, type AofFs, type FsyncPolicy } from './aof-writer.js';

const resp = (...commands: string[][]): string =>
  commands.map((args) => `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')).join('');

/** An in-memory node:fs: files by fd, a log of operations, background fdatasyncs completed when a test says. */
class FakeFs implements AofFs {
  files = new Map<number, Buffer>([[3, Buffer.alloc(0)]]);
  ops: string[] = [];
  /** Callbacks of background fdatasyncs still running. */
  running: ((err: NodeJS.ErrnoException | null) => void)[] = [];
  /** Bytes the disk still accepts before ENOSPC; undefined: unlimited. */
  room: number | undefined;
  failTruncate = false;
  /** An error the next fdatasyncSync throws. */
  syncError: Error | undefined;

  text(fd = 3): string {
    return this.files.get(fd)!.toString('latin1');
  }
  count(op: string): number {
    return this.ops.filter((o) => o === op).length;
  }
  openSync(): number {
    return 3;
  }
  fstatSync(fd: number): { size: number } {
    return { size: this.files.get(fd)!.length };
  }
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number {
    let n = length;
    if (this.room !== undefined) {
      if (this.room === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      n = Math.min(n, this.room);
      this.room -= n;
    }
    this.ops.push('write');
    this.files.set(fd, Buffer.concat([this.files.get(fd)!, buffer.subarray(offset, offset + n)]));
    return n;
  }
  fdatasyncSync(): void {
    this.ops.push('fdatasyncSync');
    const error = this.syncError;
    this.syncError = undefined;
    if (error !== undefined) throw error;
  }
  fdatasync(_fd: number, callback: (err: NodeJS.ErrnoException | null) => void): void {
    this.ops.push('fdatasync');
    this.running.push(callback);
  }
  ftruncateSync(fd: number, len: number): void {
    this.ops.push(`ftruncate ${len}`);
    if (this.failTruncate) throw new Error('EIO');
    this.files.set(fd, this.files.get(fd)!.subarray(0, len));
  }
  closeSync(fd: number): void {
    this.ops.push(`close ${fd}`);
  }
  /** Completes the oldest background fdatasync. */
  complete(err: NodeJS.ErrnoException | null = null): void {
    this.running.shift()!(err);
  }
}

function setup(initial: FsyncPolicy) {
  const fs = new FakeFs();
  const clock = { now: 10_000, policy: initial };
  const logs: string[] = [];
  const writer = new AofWriter(3, 0, { fs, policy: () => clock.policy, now: () => clock.now, log: (m) => logs.push(m) });
  return { fs, clock, writer, logs };
}

describe('AofWriter encoding', () => {
  it('encodes each command as RESP, selecting the database when it changes and first of all', () => {
    const { fs, writer } = setup('no');
    const args = ['SET', 'a', '1'];
    writer.propagate(0, args);
    args[1] = 'changed'; // the caller reuses its array: the command was encoded already
    writer.propagate(0, ['SET', 'bin\u00ff\u0000', '']);
    writer.propagate(12, ['DEL', 'a']);
    writer.propagate(12, ['INCR', 'n']);
    writer.resetSelect();
    writer.propagate(12, ['INCR', 'n']);
    writer.flush();
    expect(fs.text()).toBe(
      resp(['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'bin\u00ff\u0000', ''], ['SELECT', '12'], ['DEL', 'a'], ['INCR', 'n'], ['SELECT', '12'], ['INCR', 'n']),
    );
  });

  it('writes nothing until flush, and everything buffered before flush returns', () => {
    const { fs, writer } = setup('no');
    writer.propagate(0, ['SET', 'k', 'v']);
    expect(fs.ops).toEqual([]);
    expect(writer.pendingBytes).toBe(resp(['SELECT', '0'], ['SET', 'k', 'v']).length);
    writer.flush();
    expect(writer.pendingBytes).toBe(0);
    expect(writer.currentSize).toBe(fs.files.get(3)!.length);
    expect(fs.text()).toBe(resp(['SELECT', '0'], ['SET', 'k', 'v']));
  });

  it('loops on partial writes', () => {
    const { fs, writer } = setup('no');
    const original = fs.writeSync.bind(fs);
    fs.writeSync = (fd, buffer, offset, length) => original(fd, buffer, offset, Math.min(length, 3));
    writer.propagate(0, ['SET', 'key', 'value']);
    writer.flush();
    expect(fs.text()).toBe(resp(['SELECT', '0'], ['SET', 'key', 'value']));
    expect(fs.count('write')).toBeGreaterThan(5);
  });
});

describe('AofWriter fsync policies', () => {
  it("'always' fdatasyncs in flush, after the write, and not when nothing was written", () => {
    const { fs, writer } = setup('always');
    writer.propagate(0, ['SET', 'k', 'v']);
    writer.flush();
    expect(fs.ops).toEqual(['write', 'fdatasyncSync']);
    writer.flush();
    writer.tick();
    expect(fs.ops).toEqual(['write', 'fdatasyncSync']);
    expect(writer.fsyncs).toBe(1);
  });

  it("'everysec' starts one background fdatasync per second, only when something was written", () => {
    const { fs, clock, writer } = setup('everysec');
    writer.tick();
    expect(fs.ops).toEqual([]); // nothing written
    writer.propagate(0, ['SET', 'k', 'v']);
    writer.flush();
    expect(fs.count('fdatasyncSync') + fs.count('fdatasync')).toBe(0);
    writer.tick();
    expect(fs.count('fdatasync')).toBe(1);
    expect(writer.fsyncInProgress).toBe(1);
    expect(writer.lastFsyncAt).toBe(10_000);

    writer.propagate(0, ['SET', 'k', 'w']);
    writer.flush();
    clock.now += 500;
    fs.complete();
    expect(writer.fsyncInProgress).toBe(0);
    writer.tick();
    clock.now += 499;
    writer.tick();
    expect(fs.count('fdatasync')).toBe(1); // less than a second since the last one started
    clock.now += 1;
    writer.tick();
    expect(fs.count('fdatasync')).toBe(2);
    fs.complete();
    clock.now += 5000;
    writer.tick();
    expect(fs.count('fdatasync')).toBe(2); // nothing written since
    expect(fs.count('fdatasyncSync')).toBe(0);
    expect(writer.fsyncs).toBe(2);
  });

  it("'everysec' postpones while the previous fsync runs, then blocks after 2 s and counts delayedFsync", () => {
    const { fs, clock, writer, logs } = setup('everysec');
    writer.propagate(0, ['SET', 'k', 'v']);
    writer.flush();
    writer.tick(); // background fsync #1, never completing for now
    writer.propagate(0, ['SET', 'k', 'w']);
    writer.flush();
    clock.now += 1000;
    writer.tick(); // due, postponed
    clock.now += 1999;
    writer.tick();
    expect(fs.count('fdatasync')).toBe(1);
    expect(fs.count('fdatasyncSync')).toBe(0);
    expect(writer.delayedFsync).toBe(0);
    clock.now += 1;
    writer.tick();
    expect(fs.count('fdatasyncSync')).toBe(1);
    expect(writer.delayedFsync).toBe(1);
    expect(logs.some((m) => m.includes('taking too long'))).toBe(true);
    expect(writer.fsyncInProgress).toBe(1); // the slow one is still running
    clock.now += 5000;
    writer.tick();
    expect(fs.count('fdatasyncSync')).toBe(1); // everything was synced: nothing more to do
    fs.complete();
    expect(writer.fsyncInProgress).toBe(0);
  });

  it("'no' never fsyncs", () => {
    const { fs, clock, writer } = setup('no');
    for (let i = 0; i < 50; i++) {
      writer.propagate(0, ['INCR', 'n']);
      writer.flush();
      clock.now += 200;
      writer.tick();
    }
    expect(fs.count('fdatasync') + fs.count('fdatasyncSync')).toBe(0);
    expect(fs.count('write')).toBe(50);
  });

  it('reads the policy on every flush that writes and on every tick', () => {
    const { fs, clock, writer } = setup('no');
    writer.propagate(0, ['SET', 'k', 'v']);
    writer.flush();
    clock.policy = 'always';
    writer.flush(); // nothing buffered: returns at once (it runs before every connection's replies)
    expect(fs.count('fdatasyncSync')).toBe(0);
    writer.tick(); // written under 'no' and never synced: 'always' catches up
    expect(fs.count('fdatasyncSync')).toBe(1);
    writer.propagate(0, ['SET', 'k', 'w']);
    writer.flush();
    expect(fs.ops.slice(-2)).toEqual(['write', 'fdatasyncSync']);
  });

  it("'always' retries a failed fdatasync on the next tick", () => {
    const { fs, writer } = setup('always');
    fs.syncError = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    writer.propagate(0, ['SET', 'k', 'v']);
    writer.flush();
    expect(writer.writeError).toBe('EIO: i/o error, fdatasync');
    writer.tick();
    expect(writer.writeError).toBeUndefined();
    expect(fs.count('fdatasyncSync')).toBe(2);
  });

  it('reports a failing background fsync as a write error until one succeeds', () => {
    const { fs, clock, writer } = setup('everysec');
    writer.propagate(0, ['SET', 'k', 'v']);
    writer.flush();
    writer.tick();
    fs.complete(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    expect(writer.writeError).toBe('EIO: i/o error, fdatasync');
    clock.now += 1000;
    writer.tick(); // retried although nothing new was written
    fs.complete();
    expect(writer.writeError).toBeUndefined();
  });
});

describe('AofWriter write errors', () => {
  it('truncates a partial write away, keeps the buffer, retries, and clears the error', () => {
    const { fs, writer } = setup('no');
    writer.propagate(0, ['SET', 'a', '1']);
    writer.flush();
    const before = fs.files.get(3)!.length;
    writer.propagate(0, ['SET', 'b', '2']);
    fs.room = 5;
    writer.flush();
    expect(fs.ops).toContain(`ftruncate ${before}`);
    expect(fs.files.get(3)!.length).toBe(before);
    expect(writer.currentSize).toBe(before);
    expect(writer.lastWriteStatus).toBe('err');
    expect(writer.writeError).toMatch(/ENOSPC/);
    expect(writer.pendingBytes).toBe(resp(['SET', 'b', '2']).length);

    writer.flush(); // disk still full: nothing written, nothing to truncate
    expect(writer.lastWriteStatus).toBe('err');
    fs.room = undefined;
    writer.propagate(0, ['SET', 'c', '3']);
    writer.flush();
    expect(fs.text()).toBe(resp(['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3']));
    expect(writer.lastWriteStatus).toBe('ok');
    expect(writer.writeError).toBeUndefined();
  });

  it('keeps the written part when the partial write cannot be truncated', () => {
    const { fs, writer } = setup('no');
    fs.room = 4;
    fs.failTruncate = true;
    writer.propagate(0, ['SET', 'b', '2']);
    writer.flush();
    expect(writer.currentSize).toBe(4);
    fs.room = undefined;
    writer.flush();
    expect(fs.text()).toBe(resp(['SELECT', '0'], ['SET', 'b', '2']));
  });
});

describe('AofWriter file switch and close', () => {
  it('switchTo writes the buffer to the old file, closes it, and appends to the new one with a SELECT', () => {
    const { fs, clock, writer } = setup('everysec');
    writer.propagate(5, ['SET', 'a', '1']);
    writer.flush();
    writer.tick(); // a background fsync of the old file, still running
    writer.propagate(5, ['SET', 'b', '2']);
    fs.files.set(4, Buffer.from('rewritten'));
    writer.switchTo(4, 9);
    expect(fs.text(3)).toBe(resp(['SELECT', '5'], ['SET', 'a', '1'], ['SET', 'b', '2']));
    expect(fs.ops).toContain('close 3');
    writer.propagate(5, ['SET', 'c', '3']);
    writer.flush();
    expect(fs.text(4)).toBe('rewritten' + resp(['SELECT', '5'], ['SET', 'c', '3']));
    expect(writer.currentSize).toBe(fs.files.get(4)!.length);
    fs.complete(); // the old file's fsync: no longer ours
    expect(writer.fsyncInProgress).toBe(0);
    clock.now += 1000;
    writer.tick();
    expect(fs.count('fdatasync')).toBe(2);
  });

  it('close flushes, fdatasyncs and closes, ignoring a background fsync finishing later', () => {
    const { fs, writer } = setup('everysec');
    writer.propagate(0, ['SET', 'a', '1']);
    writer.flush();
    writer.tick();
    writer.propagate(0, ['SET', 'b', '2']);
    writer.close();
    expect(fs.ops.slice(-3)).toEqual(['write', 'fdatasyncSync', 'close 3']);
    fs.complete(Object.assign(new Error('EBADF'), { code: 'EBADF' }));
    expect(writer.writeError).toBeUndefined();
    writer.propagate(0, ['SET', 'c', '3']);
    writer.flush();
    writer.tick();
    expect(fs.ops.slice(-1)).toEqual(['close 3']);
  });
});

describe('AofWriter.open', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ringcache-aof-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file, or appends to an existing one from its size', () => {
    const path = join(dir, 'appendonly.aof');
    const options = { policy: (): FsyncPolicy => 'always', now: () => 0 };
    const first = AofWriter.open(path, options);
    expect(first.currentSize).toBe(0);
    first.propagate(0, ['SET', 'a', '1']);
    first.close();
    writeFileSync(path, resp(['SET', 'b', '2']), { flag: 'a' });
    const second = AofWriter.open(path, options);
    expect(second.currentSize).toBe(resp(['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '2']).length);
    second.propagate(1, ['SET', 'c', '3']);
    second.flush();
    second.close();
    expect(readFileSync(path, 'latin1')).toBe(resp(['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '2'], ['SELECT', '1'], ['SET', 'c', '3']));
  });
});
