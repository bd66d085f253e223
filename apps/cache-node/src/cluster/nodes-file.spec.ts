/** readSavedRing / writeSavedRing: the cluster config file a whole-cluster cold start restores from. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSavedRing, writeSavedRing, type SavedRing } from './nodes-file.js';

const node = (n: number) => ({ id: String(n).repeat(40), host: '127.0.0.1', port: 7000 + n, busPort: 17000 + n });
const RING: SavedRing = { self: node(1).id, epoch: 42, members: [node(1), node(2), node(3)] };

/** Each test writes in a directory of its own, removed after it. */
const dirs: string[] = [];
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringcache-nodes-file-'));
  dirs.push(dir);
  path = join(dir, 'nodes.conf');
});
afterEach(() => {
  for (const made of dirs.splice(0)) rmSync(made, { recursive: true, force: true });
});

const writeRaw = (value: unknown): void => writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));

describe('writeSavedRing and readSavedRing', () => {
  it('round-trip self, epoch and members', () => {
    writeSavedRing(path, RING);
    expect(readSavedRing(path)).toEqual({ self: node(1).id, epoch: 42, members: [node(1), node(2), node(3)] });
  });

  it('write version 1 and only the address fields of each member', () => {
    writeSavedRing(path, { self: 'me', epoch: 0, members: [{ ...node(4), extra: 'dropped' } as ReturnType<typeof node>] });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, self: 'me', epoch: 0, members: [node(4)] });
    expect(readSavedRing(path)).toEqual({ self: 'me', epoch: 0, members: [node(4)] });
  });

  it('write atomically: no temp file left, and a second write replaces the first', () => {
    writeSavedRing(path, RING);
    expect(readdirSync(dir)).toEqual(['nodes.conf']);
    writeSavedRing(path, { self: node(2).id, epoch: 43, members: [node(2)] });
    expect(readdirSync(dir)).toEqual(['nodes.conf']);
    expect(readSavedRing(path)).toEqual({ self: node(2).id, epoch: 43, members: [node(2)] });
  });

  it('replace a temp file left by a crash mid-write', () => {
    writeFileSync(`${path}.tmp`, '{"version":1,"self":"half');
    writeSavedRing(path, RING);
    expect(readdirSync(dir)).toEqual(['nodes.conf']);
    expect(readSavedRing(path)).toEqual(RING);
  });

  it('read a missing file as no saved ring', () => {
    expect(readSavedRing(join(dir, 'absent.conf'))).toBeUndefined();
  });

  it('rethrow read errors other than a missing file', () => {
    expect(() => readSavedRing(dir)).toThrow(/EISDIR/);
  });

  it.each([
    ['not JSON', '{"version":1,', 'not JSON'],
    ['empty', '', 'not JSON'],
    ['null', 'null', 'expected version 1'],
    ['an array', [], 'expected version 1'],
    ['another version', { ...RING, version: 2 }, 'expected version 1'],
    ['no version', { ...RING }, 'expected version 1'],
    ['without self', { version: 1, epoch: 1, members: [] }, 'self, epoch or members missing'],
    ['a negative epoch', { version: 1, self: 'me', epoch: -1, members: [] }, 'self, epoch or members missing'],
    ['a fractional epoch', { version: 1, self: 'me', epoch: 1.5, members: [] }, 'self, epoch or members missing'],
    ['members not an array', { version: 1, self: 'me', epoch: 1, members: {} }, 'self, epoch or members missing'],
    ['a member without busPort', { version: 1, self: 'me', epoch: 1, members: [node(1), { id: 'x', host: 'h', port: 7001 }] }, 'a member without id, host, port or busPort'],
    ['a member with port 0', { version: 1, self: 'me', epoch: 1, members: [{ ...node(1), port: 0 }] }, 'a member without id, host, port or busPort'],
    ['a member with a string busPort', { version: 1, self: 'me', epoch: 1, members: [{ ...node(1), busPort: '17001' }] }, 'a member without id, host, port or busPort'],
    ['a null member', { version: 1, self: 'me', epoch: 1, members: [null] }, 'a member without id, host, port or busPort'],
  ])('throw, naming the file, on %s', (_case, content, why) => {
    writeRaw(content);
    expect(() => readSavedRing(path)).toThrow(`the cluster config file ${path} is not valid (${why})`);
  });
});
