/**
 * Nodes with an append-only file for the AOF tests (test/aof.spec.ts, test/faults/aof-rewrite-kill.faults.ts):
 * boot one and wait until its file is loaded, and kill -9 the node process itself (`bin/ringcache node` runs
 * the node in a child of the launcher that startNode returns, so killing the launcher would leave it running).
 */
import { Redis } from 'ioredis';
import { startNode, type RunningNode } from './processes.js';

/** Node processes started and not yet killed: killed when the test process exits. */
const livePids = new Set<number>();
process.once('exit', () => {
  for (const pid of livePids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Remembers `pid` (a node process) to be killed when the test process exits. */
export function trackPid(pid: number): void {
  livePids.add(pid);
}

/** kill -9 of `pid`, which no longer needs tracking. */
export function killPid(pid: number): void {
  livePids.delete(pid);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** No ready check: ioredis would otherwise hold every command until a loading node has loaded. */
export function aofClient(port: number): Redis {
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableReadyCheck: false, retryStrategy: () => null });
  redis.on('error', () => undefined);
  return redis;
}

/** Field → value of INFO `section`. */
export async function infoFields(redis: Redis, section: string): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const line of String(await redis.info(section)).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

export interface BootedNode {
  readonly node: RunningNode;
  /** The node process itself (the launcher's child). */
  readonly pid: number;
  readonly redis: Redis;
  readonly dir: string;
}

/** Starts a node on `dir` with `flags` and waits (at most `timeoutMs`) until PING answers PONG, not -LOADING. */
export async function bootLoaded(dir: string, flags: readonly string[], timeoutMs = 30_000): Promise<BootedNode> {
  const node = await startNode(['--dir', dir, ...flags]);
  const redis = aofClient(node.port);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await redis.ping().catch((err: Error) => err.message);
    if (answer === 'PONG') break;
    if (!answer.startsWith('LOADING') || Date.now() > deadline) throw new Error(`node did not load: ${answer}\n${node.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const pid = Number((await infoFields(redis, 'server'))['process_id']);
  trackPid(pid);
  return { node, pid, redis, dir };
}

/** kill -9 of the node process; resolves once the launcher has seen it die and its output pipes closed. */
export async function kill9(booted: BootedNode): Promise<void> {
  const proc = booted.node.proc;
  const exited = new Promise<void>((resolve) => {
    if (proc.stdout?.closed !== false && proc.stderr?.closed !== false) resolve();
    else proc.once('close', () => resolve());
  });
  booted.redis.disconnect(); // first: a connection the server drops keeps ioredis (and Jest) waiting a few seconds
  killPid(booted.pid);
  await exited;
}
