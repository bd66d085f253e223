/** `bin/ringcache node` configuration: bad settings fail at boot, and flags > env > config file > defaults. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { ROOT, startNode, type RunningNode } from './support/processes.js';

const BIN = path.join(ROOT, 'bin/ringcache');
const dir = mkdtempSync(path.join(tmpdir(), 'ringcache-config-'));

/** Run the CLI to completion (it must exit by itself: every case here fails before listening). */
function ringcache(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, output: stdout + stderr });
    });
  });
}

const runs = new Map<string, Promise<{ code: number | null; output: string }>>();
const badConf = path.join(dir, 'bad.conf');
const cases: Record<string, [string[], Record<string, string>?]> = {
  apples: [['node', '--maxmemory', '12apples']],
  unknown: [['node', '--no-such-setting', '1']],
  env: [['node'], { RINGCACHE_MAXMEMORY_POLICY: 'sometimes' }],
  file: [['node', '--config', badConf]],
  missing: [['node', '--config', path.join(dir, 'nope.conf')]],
};

describe('invalid settings fail at boot', () => {
  // Each run loads the config code (~0.5 s): start them all at once.
  beforeAll(() => {
    writeFileSync(badConf, '# comment\nmaxmemory 10mb\nmaxmemory-policy whenever\n');
    for (const [name, [args, env]] of Object.entries(cases)) runs.set(name, ringcache(args, env));
  });

  it('--maxmemory 12apples exits 1 naming maxmemory', async () => {
    const { code, output } = await runs.get('apples')!;
    expect(code).toBe(1);
    expect(output).toMatch(/maxmemory/);
    expect(output).toMatch(/12apples/);
  });

  it('an unknown flag exits 1 naming it', async () => {
    const { code, output } = await runs.get('unknown')!;
    expect(code).toBe(1);
    expect(output).toMatch(/no-such-setting/);
  });

  it('a bad env value exits 1 naming the variable', async () => {
    const { code, output } = await runs.get('env')!;
    expect(code).toBe(1);
    expect(output).toMatch(/maxmemory-policy/);
    expect(output).toMatch(/RINGCACHE_MAXMEMORY_POLICY/);
  });

  it('a bad line in the config file exits 1 naming file and line', async () => {
    const { code, output } = await runs.get('file')!;
    expect(code).toBe(1);
    expect(output).toContain(`${badConf}:3`);
    expect(output).toMatch(/maxmemory-policy/);
  });

  it('a missing config file exits 1', async () => {
    const { code, output } = await runs.get('missing')!;
    expect(code).toBe(1);
    expect(output).toMatch(/nope\.conf/);
  });
});

describe('sources and their priority', () => {
  let node: RunningNode | undefined;
  let redis: Redis;

  beforeAll(async () => {
    const file = path.join(dir, 'node.conf');
    writeFileSync(
      file,
      [
        '# redis.conf syntax',
        'maxmemory 10mb',
        'maxmemory-policy volatile-lru',
        'maxmemory-samples 7',
        'requirepass "from file"',
        'hz 20',
        '',
      ].join('\n'),
    );
    node = await startNode(['--loglevel', 'nothing', '--config', file, '--maxmemory', '30mb', '--requirepass', 'from-flag'], {
      env: { RINGCACHE_MAXMEMORY_POLICY: 'allkeys-lfu', RINGCACHE_MAXMEMORY: '20mb', RINGCACHE_HZ: '15' },
    });
    redis = new Redis({ port: node.port, host: '127.0.0.1', protocol: 2, password: 'from-flag', maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    redis?.disconnect();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes each setting from the highest-priority source that sets it', async () => {
    const get = async (name: string): Promise<string> => ((await redis.config('GET', name)) as string[])[1];
    expect(await get('maxmemory')).toBe(String(30 * 1024 * 1024)); // flag over env over file
    expect(await get('maxmemory-policy')).toBe('allkeys-lfu'); // env over file
    expect(await get('hz')).toBe('15'); // env over file
    expect(await get('maxmemory-samples')).toBe('7'); // file over default
    expect(await get('timeout')).toBe('0'); // default
    expect(await redis.ping()).toBe('PONG'); // requirepass from the flag, not the file
  });
});
