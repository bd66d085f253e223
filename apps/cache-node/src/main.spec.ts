/**
 * The built node as a real process through bin/ringcache (npm test builds first): boot, banner, /metrics,
 * clean shutdown on SIGTERM, and boot-time config errors.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = `${root}bin/ringcache`;
const built = existsSync(`${root}dist/apps/cache-node/src/main.js`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output: ${out}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`exited early; output: ${out}`)));
  });
}

(built ? describe : describe.skip)('ringcache node (process)', () => {
  let child: ChildProcess;
  let ports: { resp: number; tcp: number; http: number };
  let banner: string;

  beforeAll(async () => {
    ports = { resp: await freePort(), tcp: await freePort(), http: await freePort() };
    child = spawn(process.execPath, [cli, 'node', '--port', String(ports.resp), `--tcp-port=${ports.tcp}`, '--http-port', String(ports.http), '--maxmemory', '64mb'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RINGCACHE_MAXMEMORY_POLICY: 'allkeys-lru' },
    });
    banner = await waitForOutput(child, /ready/);
  });
  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('prints a one-line banner with the three addresses and the settings from env and flags', () => {
    expect(banner.trim().split('\n')).toHaveLength(1);
    expect(banner).toContain(`resp 127.0.0.1:${ports.resp}`);
    expect(banner).toContain(`nest-tcp 127.0.0.1:${ports.tcp}`);
    expect(banner).toContain(`http http://127.0.0.1:${ports.http}`);
    expect(banner).toContain(`maxmemory ${64 * 1024 * 1024}, policy allkeys-lru`);
  });

  it('serves /metrics with default and ringcache_ metrics', async () => {
    // Latency is sampled on one command in 8: run enough commands for the histogram to have a sample.
    for (let i = 0; i < 8; i++) await fetch(`http://127.0.0.1:${ports.http}/cache/x`);
    const res = await fetch(`http://127.0.0.1:${ports.http}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^ringcache_keyspace_misses_total 8$/m);
    expect(text).toMatch(/^ringcache_memory_max_bytes 67108864$/m);
    expect(text).toMatch(/^ringcache_command_latency_seconds_bucket\{le="\+Inf"\} [1-9]/m);
  });

  it('shuts down cleanly on SIGTERM and exits 0, as redis-server', async () => {
    const exited = new Promise<[number | null, string | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });
});

(built ? describe : describe.skip)('ringcache node boot errors (process)', () => {
  it('exits 1 naming the setting, value and source', () => {
    const res = spawnSync(process.execPath, [cli, 'node', '--maxmemory', '12 apples'], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toBe('ringcache: invalid value for maxmemory ("12 apples") from --maxmemory: argument must be a memory value');
  });

  it('exits 1 on an unknown flag and lists the parameters with --help', () => {
    expect(spawnSync(process.execPath, [cli, 'node', '--nope', '1'], { encoding: 'utf8' }).status).toBe(1);
    const help = spawnSync(process.execPath, [cli, 'node', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--maxmemory-policy/);
  });
});
