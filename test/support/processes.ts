import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { freePort, waitForPort } from './ports.js';

/** Starts real processes on loopback for integration tests: a ringcache node, or a reference redis-server. */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningNode {
  readonly port: number;
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly proc: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  stop(): Promise<void>;
}

function track(proc: ChildProcess): () => string {
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return () => out;
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface StartOptions {
  /** Extra environment variables (e.g. RINGCACHE_*), on top of this process's environment. */
  readonly env?: Record<string, string>;
}

/** Start `bin/ringcache node` from the build in dist/ (npm test builds first) on free ports. */
export async function startNode(flags: string[] = [], options: StartOptions = {}): Promise<RunningNode> {
  const [port, tcpPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const proc = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/ringcache'), 'node', '--port', String(port), '--tcp-port', String(tcpPort), '--http-port', String(httpPort), ...flags],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  const output = track(proc);
  const exited = new Promise<never>((_, reject) =>
    proc.once('exit', (code) => reject(new Error(`ringcache node exited with ${code}:\n${output()}`))),
  );
  exited.catch(() => undefined);
  await Promise.race([Promise.all([waitForPort(port), waitForPort(tcpPort), waitForPort(httpPort)]), exited]);
  return { port, tcpPort, httpPort, proc, output, stop: () => stopProcess(proc) };
}

export interface RunningRedis {
  readonly port: number;
  readonly proc: ChildProcess;
  stop(): Promise<void>;
}

/** Start Debian's redis-server with no persistence on a free port (the reference for differential tests). */
export async function startRedisServer(flags: string[] = []): Promise<RunningRedis> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = track(proc);
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err) => reject(new Error(`redis-server could not start (is it installed?): ${err.message}`)));
    proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output()}`)));
  });
  failed.catch(() => undefined);
  await Promise.race([waitForPort(port), failed]);
  return { port, proc, stop: () => stopProcess(proc) };
}
