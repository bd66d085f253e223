/** `ringcache dev` as a newcomer runs it: a 3-node cluster and the admin API, the banner, redirects, Ctrl-C. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './support/clusters.js';
import { freePort } from './support/ports.js';
import { ROOT } from './support/processes.js';

const run = promisify(execFile);
const RINGCACHE = path.join(ROOT, 'bin/ringcache');
const NODES = 3;

function listens(port: number, kind: 'tcp' | 'udp'): Promise<boolean> {
  return new Promise((resolve) => {
    if (kind === 'udp') {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
      return;
    }
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose RESP (+0..n-1), Nest TCP (+1000), HTTP (+2000) and bus (+10000, UDP) ports are all free. */
async function freeBasePort(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 15000 + Math.floor(Math.random() * 7000);
    const checks: Array<Promise<boolean>> = [];
    for (let i = 0; i < n; i++) {
      for (const offset of [0, 1000, 2000]) checks.push(listens(base + i + offset, 'tcp'));
      checks.push(listens(base + i + 10000, 'udp'));
    }
    if ((await Promise.all(checks)).every(Boolean)) return base;
  }
  throw new Error('no free block of ports for a dev cluster');
}

function exited(proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve({ code: proc.exitCode, signal: proc.signalCode });
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args], { timeout: 5000 });
  return stdout.replace(/\n$/, '');
}

describe('ringcache dev: flags', () => {
  it.each([
    [['--nodes', '0'], '--nodes must be an integer between 1 and 50'],
    [['--nodes', '51'], '--nodes must be an integer between 1 and 50'],
    [['--port', '7000'], '--port is set by dev for each node'],
    [['--seeds', '127.0.0.1:17001'], '--seeds is set by dev for each node'],
  ])('refuses %j', async (args, message) => {
    const failure = await run(process.execPath, [RINGCACHE, 'dev', ...args], { timeout: 10000 }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain(message);
  });
});

describe('ringcache dev: a 3-node cluster', () => {
  let dev: ChildProcess | undefined;
  let output = '';
  let base = 0;
  let adminPort = 0;
  /** The nodes' shared --dir: dev runs them with the AOF on, each with its own file. */
  const dir = mkdtempSync(path.join(tmpdir(), 'ringcache-dev-'));
  const pids = (): number[] => [...output.matchAll(/^ {2}(?:node-\d+|admin): pid (\d+)/gm)].map((m) => Number(m[1]));

  beforeAll(async () => {
    base = await freeBasePort(NODES);
    adminPort = await freePort();
    dev = spawn(process.execPath, [RINGCACHE, 'dev', '--nodes', String(NODES), '--base-port', String(base), '--admin-port', String(adminPort), '--appendonly', 'yes', '--dir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    dev.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready banner after 25 s:\n${output}`)), 25000);
      dev!.stdout!.on('data', () => {
        if (!output.includes('cluster is ready')) return;
        clearTimeout(timer);
        resolve();
      });
      dev!.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`ringcache dev exited with ${code}:\n${output}`));
      });
    });
  }, 30000);

  afterAll(async () => {
    if (dev && dev.exitCode === null && dev.signalCode === null) dev.kill('SIGKILL');
    for (const pid of pids()) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints each process, its ports, and how to connect', async () => {
    expect(pids()).toHaveLength(NODES + 1);
    expect(output).toContain(`node-${base + 2}: pid`);
    expect(output).toContain(`redis-cli -c -p ${base} set hello world`);
    expect(output).toContain(`new Redis.Cluster([{ host: '127.0.0.1', port: ${base} }])`);
    expect(output).toContain(`curl http://127.0.0.1:${adminPort}/cluster `);
    expect(output).toContain(`curl http://127.0.0.1:${adminPort}/cluster/health`);
    // every child's lines carry its name (a child may still be printing when the cluster is ready)
    const nodeReady = new RegExp(`^\\[node-${base + 1}\\] +ringcache node ready`, 'm');
    const adminReady = /^\[admin\] +ringcache admin ready/m;
    for (let waited = 0; waited < 5000 && !(nodeReady.test(output) && adminReady.test(output)); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(output).toMatch(nodeReady);
    expect(output).toMatch(adminReady);
  });

  it('runs nodes that agree on one healthy cluster and one epoch', async () => {
    const infos = await Promise.all(Array.from({ length: NODES }, (_, i) => cli(base + i, 'cluster', 'info')));
    const field = (info: string, name: string): string | undefined => new RegExp(`^${name}:(\\S*)`, 'm').exec(info)?.[1];
    for (const info of infos) {
      expect(field(info, 'cluster_state')).toBe('ok');
      expect(field(info, 'cluster_known_nodes')).toBe(String(NODES));
    }
    expect(new Set(infos.map((info) => field(info, 'cluster_current_epoch'))).size).toBe(1);
  });

  it('serves redis-cli -c across nodes: keys set through one node read back through another', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `dev:key:${i}`);
    for (const key of keys) expect(await cli(base, '-c', 'set', key, `value of ${key}`)).toBe('OK');
    for (const key of keys) expect(await cli(base + 2, '-c', 'get', key)).toBe(`value of ${key}`);
    // the keys really live on different nodes: without -c, the first node redirects some of them
    const replies = await Promise.all(keys.map((key) => cli(base, 'get', key)));
    expect(replies.filter((r) => r.includes('MOVED')).length).toBeGreaterThan(0);
  });

  it('gives each node its own append-only file in the shared dir (appendonly-<port>.aof)', async () => {
    expect(await cli(base, '-c', 'set', 'dev:aof', 'logged')).toBe('OK');
    const files = Array.from({ length: NODES }, (_, i) => `appendonly-${base + i}.aof`);
    expect(readdirSync(dir).filter((name) => name.endsWith('.aof')).sort()).toEqual(files);
    // ... and its own cluster config file (the saved ring, for a restart of the whole cluster).
    await waitFor(() => readdirSync(dir).filter((name) => name.endsWith('.conf')).length === NODES, 5000, 'every node to save its ring');
    expect(readdirSync(dir).filter((name) => name.endsWith('.conf')).sort()).toEqual(Array.from({ length: NODES }, (_, i) => `nodes-${base + i}.conf`));
    for (let i = 0; i < NODES; i++) expect(await cli(base + i, 'config', 'get', 'appendfilename')).toBe(`appendfilename\n${files[i]}`);
    // The key's owner logged it (its replicas too, through their own files).
    const logged = files.filter((name) => readFileSync(path.join(dir, name), 'latin1').includes('$7\r\ndev:aof\r\n$6\r\nlogged'));
    expect(logged.length).toBeGreaterThanOrEqual(1);
  });

  it('stops every child on SIGTERM, leaving no process behind', async () => {
    const children = pids();
    dev!.kill('SIGTERM');
    const { signal } = await exited(dev!);
    expect(signal).toBe('SIGTERM');
    expect(children.filter(isRunning)).toEqual([]);
    expect(await listens(base, 'tcp')).toBe(true);
  }, 15000);
});
