/**
 * Servers under test as real processes: free ports, start ringcache / redis-server, wait for PING,
 * read RSS, and stop everything we started — on success, on error and on SIGINT/SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespConnection, info } from './resp.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every child we spawned and have not yet seen exit. */
const live = new Set();
/** Serving processes a launcher of ours started in their own process group (pid of the real server). */
const extraPids = new Set();
let tempDir;

/** A scratch directory for this run, removed at exit. */
export function tempDirectory() {
  tempDir ??= mkdtempSync(path.join(os.tmpdir(), 'ringcache-bench-'));
  return tempDir;
}

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* gone */ } }
}

function killAllNow() {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
  for (const pid of extraPids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
  extraPids.clear();
  if (tempDir) { try { rmSync(tempDir, { recursive: true, force: true }); } catch { /* best effort */ } }
}

process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.stderr.write(`\nbench: ${sig}, stopping ${live.size} child process(es)\n`);
    killAllNow();
    process.exit(130);
  });
}

/**
 * Spawn a tracked child in its own process group (so wrappers that re-exec, like a heap-size launcher,
 * die with it). stdout/stderr are kept (last 64 KB) for error messages.
 */
export function spawnTracked(cmd, args, options = {}) {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
  live.add(child);
  child.output = '';
  const keep = (d) => { child.output = (child.output + d.toString()).slice(-65536); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', () => live.delete(child));
  child.once('error', (err) => { child.spawnError = err; live.delete(child); });
  return child;
}

/** Resolve when the child exits (immediately if it already has). */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null || child.spawnError) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child, graceMs = 3000) {
  if (!child) return;
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
  live.delete(child);
}

/** A port that was free a moment ago (bind 0, read, close). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Distinct free ports. */
export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll PING until the server answers PONG (or the child dies, or the timeout passes). */
export async function waitForPing(port, child, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null || child.spawnError)) {
      throw new Error(`server exited before answering PING (code ${child.exitCode}, signal ${child.signalCode})\n${child.spawnError ?? ''}${child.output}`);
    }
    try {
      const conn = await RespConnection.connect(port, '127.0.0.1', 500);
      try {
        const reply = await Promise.race([conn.call('PING'), sleep(1000).then(() => undefined)]);
        if (reply === 'PONG') return;
      } finally {
        conn.close();
      }
    } catch { /* not up yet */ }
    await sleep(100);
  }
  throw new Error(`server on port ${port} did not answer PING within ${timeoutMs} ms\n${child?.output ?? ''}`);
}

/** Resident set size of a process in bytes, from /proc/PID/status VmRSS. */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Start a server of `kind` ('ringcache' or 'redis') with optional maxmemory settings.
 * Returns { kind, port, tcpPort?, httpPort?, pid, child, stop() }. `pid` is the serving process as
 * INFO server process_id reports it (a launcher may re-exec), else the child's pid.
 *
 * options.subject = 'redis' makes the "ringcache" side a redis-server too (to debug the harness).
 */
export async function startServer(kind, { maxmemory, policy, subject } = {}) {
  const effective = kind === 'ringcache' && subject === 'redis' ? 'redis' : kind;
  const [port, tcpPort, httpPort] = await freePorts(3);
  const memArgs = [];
  let child;
  if (effective === 'redis') {
    if (maxmemory) memArgs.push('--maxmemory', maxmemory, '--maxmemory-policy', policy ?? 'noeviction');
    child = spawnTracked('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--dir', tempDirectory(), ...memArgs, '--daemonize', 'no',
    ]);
  } else {
    if (maxmemory) memArgs.push('--maxmemory', maxmemory, '--maxmemory-policy', policy ?? 'noeviction');
    child = spawnTracked(process.execPath, [
      path.join(ROOT, 'bin', 'ringcache'), 'node',
      '--port', String(port), '--tcp-port', String(tcpPort), '--http-port', String(httpPort), ...memArgs,
    ]);
  }
  try {
    await waitForPing(port, child);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  let pid = child.pid;
  try {
    const reported = Number((await info(port, 'server')).process_id);
    if (reported > 0) pid = reported;
  } catch { /* INFO server not available: keep the child's pid */ }
  if (pid !== child.pid) extraPids.add(pid);
  return {
    kind,
    effective,
    port,
    tcpPort: effective === 'ringcache' ? tcpPort : undefined,
    httpPort: effective === 'ringcache' ? httpPort : undefined,
    pid,
    child,
    stop: async () => {
      await stopChild(child);
      if (pid !== child.pid) {
        await waitForPidExit(pid, 3000);
        try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
        extraPids.delete(pid);
      }
    },
  };
}

/** Poll until `pid` no longer exists (or `timeoutMs` passes). */
async function waitForPidExit(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try { process.kill(pid, 0); } catch { return; }
    await sleep(50);
  }
}

/** Run a command to completion, capturing stdout; killed after `timeoutMs`. */
export function runToCompletion(cmd, args, { timeoutMs = 600000, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(cmd, args, { env: env ? { ...process.env, ...env } : process.env });
    let stdout = '';
    child.stdout.on('data', (d) => { stdout += d.toString(); });
    const timer = setTimeout(() => { killGroup(child, 'SIGKILL'); }, timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (code ${code}, signal ${signal})\n${child.output.slice(-4000)}`));
    });
  });
}
