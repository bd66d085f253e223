/** loadAof: round trip through AofWriter, chunk boundaries anywhere, cut tails, transactions, corruption. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AofWriter } from './aof-writer.js';
import { AofFormatError, loadAof, type LoadAofOptions } from './aof-loader.js';

const resp = (...commands: string[][]): string =>
  commands.map((args) => `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')).join('');

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringcache-aof-loader-'));
  path = join(dir, 'appendonly.aof');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function load(options: LoadAofOptions = {}): Promise<{ applied: string[][]; logs: string[]; result: Awaited<ReturnType<typeof loadAof>> }> {
  const applied: string[][] = [];
  const logs: string[] = [];
  const result = await loadAof(path, (args) => applied.push(args), { log: (m) => logs.push(m), ...options });
  return { applied, logs, result };
}

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
const COMMANDS: [number, string[]][] = [
  [0, ['SET', 'a', '1']],
  [0, ['SET', 'binary', ALL_BYTES]],
  [3, ['RPUSH', 'list', '', 'x'.repeat(300), '\r\n*1\r\n$1\r\n']],
  [3, ['DEL', 'a']],
  [0, ['INCR', 'n']],
];
const EXPECTED = [['SELECT', '0'], COMMANDS[0]![1], COMMANDS[1]![1], ['SELECT', '3'], COMMANDS[2]![1], COMMANDS[3]![1], ['SELECT', '0'], COMMANDS[4]![1]];

function writeThroughWriter(commands = COMMANDS): void {
  const writer = AofWriter.open(path, { policy: () => 'no', now: () => 0 });
  for (const [db, args] of commands) writer.propagate(db, args);
  writer.close();
}

describe('loadAof', () => {
  it('replays what AofWriter wrote, SELECTs included, whatever the chunk size', async () => {
    writeThroughWriter();
    const size = statSync(path).size;
    for (const chunkBytes of [1, 2, 3, 5, 7, 64, 4 * 1024 * 1024]) {
      const { applied, result, logs } = await load({ chunkBytes });
      expect(applied).toEqual(EXPECTED);
      expect(result).toEqual({ commands: EXPECTED.length, bytes: size });
      expect(logs).toEqual([]);
    }
  });

  it('loads a single 100 MB bulk read in 1 MB chunks', async () => {
    const big = 'v'.repeat(100 * 1024 * 1024 - 1) + '\u00e9';
    writeThroughWriter([[0, ['SET', 'big', big]], [0, ['SET', 'after', '1']]]);
    const { applied } = await load({ chunkBytes: 1024 * 1024 });
    expect(applied.length).toBe(3);
    expect(applied[1]![2]!.length).toBe(big.length);
    expect(applied[1]![2] === big).toBe(true);
    expect(applied[2]).toEqual(['SET', 'after', '1']);
  });

  it('yields to the event loop between slices and reports progress', async () => {
    writeThroughWriter(Array.from({ length: 3000 }, (_, i): [number, string[]] => [0, ['SET', `k${i}`, 'v']]));
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const progress: number[] = [];
    try {
      await load({ yieldEveryMs: 0, chunkBytes: 4096, onProgress: (loaded, total) => progress.push(loaded / total) });
    } finally {
      clearInterval(timer);
    }
    expect(turns).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(1);
  });

  it('missing or empty file: nothing loaded', async () => {
    expect((await load()).result).toEqual({ commands: 0, bytes: 0 });
    writeFileSync(path, '');
    expect((await load()).result).toEqual({ commands: 0, bytes: 0 });
  });
});

describe('loadAof cut tails', () => {
  it('cut at every byte of the last record: loads every complete record and truncates the file', async () => {
    const head = resp(['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '2']);
    const last = resp(['SET', 'key', 'value with\r\n inside']);
    for (const chunkBytes of [7, 1024 * 1024]) {
      for (let cut = 1; cut < last.length; cut++) {
        writeFileSync(path, head + last.slice(0, cut), 'latin1');
        const { applied, result, logs } = await load({ chunkBytes });
        expect(applied).toEqual([['SELECT', '0'], ['SET', 'a', '1'], ['SET', 'b', '2']]);
        expect(result).toEqual({ commands: 3, bytes: head.length, truncatedFrom: head.length + cut });
        expect(readFileSync(path, 'latin1')).toBe(head);
        expect(logs).toContain(`!!! Warning: short read while loading the AOF file ${path}!!!`);
        expect(logs).toContain(`!!! Truncating the AOF at offset ${head.length} !!!`);
      }
    }
  });

  it('applies a transaction at its EXEC, without MULTI and EXEC', async () => {
    writeFileSync(path, resp(['SET', 'a', '1'], ['MULTI'], ['INCR', 'x'], ['INCR', 'y'], ['exec'], ['SET', 'b', '2']));
    const { applied, result } = await load({ chunkBytes: 3 });
    expect(applied).toEqual([['SET', 'a', '1'], ['INCR', 'x'], ['INCR', 'y'], ['SET', 'b', '2']]);
    expect(result.commands).toBe(4);
  });

  it('reverts a MULTI without EXEC, cut or not, truncating the file at the MULTI', async () => {
    const head = resp(['SET', 'a', '1']);
    const tx = resp(['MULTI'], ['INCR', 'x'], ['INCR', 'y']);
    for (const tail of [tx, tx + resp(['EXEC']).slice(0, 9)]) {
      writeFileSync(path, head + tail);
      const { applied, result, logs } = await load();
      expect(applied).toEqual([['SET', 'a', '1']]);
      expect(result).toEqual({ commands: 1, bytes: head.length, truncatedFrom: head.length + tail.length });
      expect(readFileSync(path, 'latin1')).toBe(head);
      expect(logs[0]).toBe(`Revert incomplete MULTI/EXEC transaction in AOF file ${path}`);
      expect(logs).toContain(`!!! Truncating the AOF at offset ${head.length} !!!`);
    }
  });

  it('with truncateTail false, refuses a cut file and leaves it alone', async () => {
    const text = resp(['SET', 'a', '1']) + '*2\r\n$3\r\nGET\r\n$1';
    writeFileSync(path, text);
    await expect(load({ truncateTail: false })).rejects.toThrow(/Unexpected end of file reading the append only file at offset/);
    expect(readFileSync(path, 'latin1')).toBe(text);
  });
});

describe('loadAof errors', () => {
  async function formatError(text: string): Promise<AofFormatError> {
    writeFileSync(path, text, 'latin1');
    const errors: unknown[] = [];
    for (const chunkBytes of [4, 64 * 1024]) {
      // Small chunks take the byte-at-a-time path, large ones the whole-line fast path: same verdict.
      errors.push(await load({ chunkBytes }).then(() => undefined, (err: unknown) => err));
      expect(errors.at(-1)).toBeInstanceOf(AofFormatError);
    }
    expect((errors[1] as AofFormatError).message).toBe((errors[0] as AofFormatError).message);
    expect(readFileSync(path, 'latin1')).toBe(text); // never truncated
    return errors[0] as AofFormatError;
  }

  it('names the offset of the offending byte', async () => {
    const good = resp(['SELECT', '0'], ['SET', 'a', '1']);
    const bad = await formatError(good + 'x' + resp(['SET', 'b', '2']));
    expect(bad.offset).toBe(good.length);
    expect(bad.message).toBe(
      `Bad file format reading the append only file at offset ${good.length}: expected '*', got 'x'; make a backup of your AOF file, then use ringcache check-aof --fix ${path}`,
    );
    expect((await formatError(good + '*1\r\n$3\r\nSETxx' + good)).offset).toBe(good.length + 11);
    expect((await formatError(good + '*1\r\n#3\r\nSET\r\n')).offset).toBe(good.length + 4);
    expect((await formatError(good + '*1\r\n$-3\r\nSET\r\n')).offset).toBe(good.length + 5);
    expect((await formatError(good + '*0\r\n' + good)).reason).toBe('invalid argument count 0');
    expect((await formatError(good + '*1\r\n$3\rxSET\r\n')).offset).toBe(good.length + 7);
  });

  it('refuses an EXEC without MULTI and a nested MULTI, at the command', async () => {
    const good = resp(['SET', 'a', '1']);
    expect((await formatError(good + resp(['EXEC']) + good)).offset).toBe(good.length);
    const nested = await formatError(good + resp(['MULTI'], ['MULTI'], ['EXEC']));
    expect(nested.offset).toBe(good.length + resp(['MULTI']).length);
    expect(nested.reason).toBe('MULTI inside MULTI');
  });

  it('wraps an error of apply with the offset of the command', async () => {
    const head = resp(['SET', 'a', '1'], ['MULTI']);
    writeFileSync(path, head + resp(['BOGUS', 'x'], ['EXEC']));
    const failure = new Error("ERR unknown command 'BOGUS'");
    const err = (await loadAof(path, (args) => {
      if (args[0] === 'BOGUS') throw failure;
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as AofFormatError;
    expect(err).toBeInstanceOf(AofFormatError);
    expect(err.offset).toBe(head.length);
    expect(err.message).toContain(`at offset ${head.length}`);
    expect(err.message).toContain("ERR unknown command 'BOGUS'");
    expect(err.cause).toBe(failure);
  });
});
