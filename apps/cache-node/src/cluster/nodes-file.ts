/**
 * The cluster config file (`<dir>/<cluster-config-file>`, as Redis Cluster's nodes.conf): the ring this member
 * belonged to when the ring last changed, saved by a member with appendonly yes, so a whole-cluster restart
 * can restore every member's slots from its own append-only file (libs/cluster/src/restore.ts).
 *
 * One JSON object: `{ "version": 1, "self": id, "epoch": n, "members": [{ id, host, port, busPort }, ...] }`,
 * `members` being the ring's members (the ones owning slots). Written to a temp file, fsync'd and renamed over
 * the old one (the directory fsync'd after), so a crash leaves the old or the new file whole.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ClusterNode } from '../../../../libs/cluster/src/topology.js';

export interface SavedRing {
  readonly self: string;
  readonly epoch: number;
  readonly members: readonly ClusterNode[];
}

const VERSION = 1;

/** The saved ring at `path`; undefined if there is none. Throws, naming the file, on anything malformed. */
export function readSavedRing(path: string): SavedRing | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const fail = (why: string): never => {
    throw new Error(`the cluster config file ${path} is not valid (${why}); remove it to start this member without it`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('not JSON');
  }
  const record = value as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || record.version !== VERSION) fail(`expected version ${VERSION}`);
  if (typeof record.self !== 'string' || !Number.isSafeInteger(record.epoch) || (record.epoch as number) < 0 || !Array.isArray(record.members)) fail('self, epoch or members missing');
  const members = (record.members as unknown[]).map((m) => {
    const node = m as Record<string, unknown>;
    if (typeof m !== 'object' || m === null || typeof node.id !== 'string' || typeof node.host !== 'string' || !isPort(node.port) || !isPort(node.busPort)) fail('a member without id, host, port or busPort');
    return { id: node.id as string, host: node.host as string, port: node.port as number, busPort: node.busPort as number };
  });
  return { self: record.self as string, epoch: record.epoch as number, members };
}

/** Saves `ring` at `path` atomically (temp file, fsync, rename). */
export function writeSavedRing(path: string, ring: SavedRing): void {
  const members = ring.members.map(({ id, host, port, busPort }) => ({ id, host, port, busPort }));
  const data = JSON.stringify({ version: VERSION, self: ring.self, epoch: ring.epoch, members }) + '\n';
  const temp = `${path}.tmp`;
  const fd = openSync(temp, 'w', 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  // The rename itself reaches the disk with the directory.
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

function isPort(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) > 0 && (value as number) <= 65_535;
}
