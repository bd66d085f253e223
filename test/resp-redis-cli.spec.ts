/** Debian's redis-cli against a real ringcache node: one-shot commands, --pipe, inline (telnet-style) commands. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { startNode, type RunningNode } from './support/processes.js';
import { RawClient } from './support/raw-resp.js';

const run = promisify(execFile);
let node: RunningNode | undefined;

beforeAll(async () => {
  node = await startNode(['--loglevel', 'nothing']);
});

afterAll(async () => {
  await node?.stop();
});

/** `redis-cli -p PORT ...args`; stdout with the final newline removed. */
async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(node!.port), ...args], { timeout: 5000 });
  return stdout.replace(/\n$/, '');
}

/** redis-cli reading commands from stdin (one per line, or RESP with --pipe). */
function cliWithInput(args: string[], input: string | Buffer): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-cli', ['-p', String(node!.port), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.on('error', reject);
    p.on('exit', (code) => resolve({ stdout, code }));
    p.stdin.end(input);
  });
}

describe('redis-cli against ringcache', () => {
  it('sets, gets and shows TTLs', async () => {
    expect(await cli('set', 'cli:a', 'hello world', 'EX', '100')).toBe('OK');
    expect(await cli('get', 'cli:a')).toBe('hello world');
    expect(await cli('ttl', 'cli:a')).toBe('100');
    expect(await cli('ttl', 'cli:missing')).toBe('-2');
    expect(await cli('get', 'cli:missing')).toBe('');
    expect(await cli('incr', 'cli:n')).toBe('1');
  });

  it('prints typed replies with --no-raw', async () => {
    await cli('set', 'cli:b', 'v');
    expect(await cli('--no-raw', 'get', 'cli:b')).toBe('"v"');
    expect(await cli('--no-raw', 'get', 'cli:missing')).toBe('(nil)');
    expect(await cli('--no-raw', 'exists', 'cli:b', 'cli:b')).toBe('(integer) 2');
    expect(await cli('--no-raw', 'mget', 'cli:b', 'cli:missing')).toBe('1) "v"\n2) (nil)');
    expect(await cli('--no-raw', 'nosuchcommand')).toMatch(/^\(error\) ERR unknown command 'nosuchcommand', with args beginning with: $/);
  });

  it('INFO keyspace lists the databases in use', async () => {
    await cli('-n', '2', 'set', 'cli:db2', 'v', 'PX', '100000');
    const info = await cli('info', 'keyspace');
    expect(info).toMatch(/^# Keyspace\r?$/m);
    expect(info).toMatch(/^db0:keys=\d+,expires=\d+,avg_ttl=\d+\r?$/m);
    expect(info).toMatch(/^db2:keys=1,expires=1,avg_ttl=\d+\r?$/m);
  });

  it('answers COMMAND DOCS, which redis-cli 7 reads for hints', async () => {
    const docs = await cli('--no-raw', 'command', 'docs', 'get');
    expect(docs).toContain('"get"');
    expect(docs).toContain('"summary"');
    // Commands read from stdin (no terminal), one per line.
    const { stdout, code } = await cliWithInput([], 'set cli:stdin x\nget cli:stdin\n');
    expect(code).toBe(0);
    expect(stdout).toBe('OK\nx\n');
  });

  it('bulk-loads with --pipe', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(`*3\r\n$3\r\nSET\r\n$${`pipe:${i}`.length}\r\npipe:${i}\r\n$${String(i).length}\r\n${i}\r\n`);
    const { stdout, code } = await cliWithInput(['--pipe'], lines.join(''));
    expect(code).toBe(0);
    expect(stdout).toMatch(/errors: 0, replies: 2000/);
    expect(await cli('get', 'pipe:1999')).toBe('1999');
  });

  it('accepts inline commands over a raw socket (telnet style)', async () => {
    const c = await RawClient.connect(node!.port);
    try {
      c.write('PING\r\n');
      expect(await c.reply()).toBe('+PONG\r\n');
      c.write('SET inline:a b\r\n');
      expect(await c.reply()).toBe('+OK\r\n');
      c.write('GET inline:a\n');
      expect(await c.reply()).toBe('$1\r\nb\r\n');
      c.write('SET inline:q "hello world"\r\nGET inline:q\r\n');
      expect(await c.reply()).toBe('+OK\r\n');
      expect(await c.reply()).toBe('$11\r\nhello world\r\n');
      // An empty line is ignored; unbalanced quotes are a protocol error that closes the connection.
      c.write('\r\nECHO hi\r\n');
      expect(await c.reply()).toBe('$2\r\nhi\r\n');
      c.write('SET inline:x "unterminated\r\n');
      expect(await c.untilClosed()).toBe('-ERR Protocol error: unbalanced quotes in request\r\n');
    } finally {
      c.close();
    }
  });
});
