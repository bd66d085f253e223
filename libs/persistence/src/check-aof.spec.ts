/** check-aof: valid files, cut tails, --fix, corruption before the end, and redis-check-aof's wording. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkAof, checkAofCli } from './check-aof.js';

const resp = (...commands: string[][]): string =>
  commands.map((args) => `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')).join('');

const GOOD = resp(['SELECT', '0'], ['SET', 'a', 'b']); // redis-check-aof: size=50, ok_up_to_line=13
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ringcache-check-aof-'));
  path = join(dir, 'appendonly.aof');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await checkAofCli(argv, (line) => lines.push(line));
  return { code, lines };
}

describe('checkAof', () => {
  it('a valid file', async () => {
    writeFileSync(path, GOOD);
    expect(await checkAof(path, false)).toEqual({ size: 50, okUpTo: 50, line: 13, diff: 0, valid: true, fixed: false, cutTail: false });
    expect(await cli(path)).toEqual({
      code: 0,
      lines: [`AOF analyzed: filename=${path}, size=50, ok_up_to=50, ok_up_to_line=13, diff=0`, `AOF ${path} is valid`],
    });
  });

  it('a cut tail: not valid without --fix, file untouched', async () => {
    writeFileSync(path, GOOD + '*3\r\n$3\r\nSET\r\n$1\r\nc');
    const result = await checkAof(path, false);
    expect(result).toMatchObject({ size: 68, okUpTo: 50, line: 17, diff: 18, valid: false, fixed: false, cutTail: true, errorOffset: 67 });
    expect(await cli(path)).toEqual({
      code: 1,
      lines: [
        '0x              43: expected to read 3 bytes, got 1 bytes',
        `AOF analyzed: filename=${path}, size=68, ok_up_to=50, ok_up_to_line=17, diff=18`,
        `AOF ${path} is not valid. Use the --fix option to try fixing it.`,
      ],
    });
    expect(readFileSync(path).length).toBe(68);
  });

  it('--fix truncates a cut tail or an open MULTI to the last good command', async () => {
    for (const tail of ['*3\r\n$3\r\nSET\r\n$1\r\nc', resp(['MULTI'], ['SET', 'a', 'b'])]) {
      writeFileSync(path, GOOD + tail);
      const { code, lines } = await cli('--fix', path);
      expect(code).toBe(0);
      expect(lines).toContain(`This will shrink the AOF ${path} from ${50 + tail.length} bytes, with ${tail.length} bytes, to 50 bytes`);
      expect(lines.at(-1)).toBe(`Successfully truncated AOF ${path}`);
      expect(readFileSync(path, 'latin1')).toBe(GOOD);
      expect((await checkAof(path, false)).valid).toBe(true);
    }
  });

  it('corruption before the end: reported, and --fix drops everything from the bad command on', async () => {
    const text = resp(['SELECT', '0']) + 'xx' + resp(['SET', 'a', 'b']);
    writeFileSync(path, text);
    expect(await checkAof(path, false)).toMatchObject({ size: 52, okUpTo: 23, line: 6, diff: 29, valid: false, cutTail: false, errorOffset: 23 });
    const { code, lines } = await cli('--fix', path);
    expect(code).toBe(0);
    expect(lines).toContain(`This will shrink the AOF ${path} from 52 bytes, with 29 bytes, to 23 bytes`);
    expect(lines.some((l) => l.startsWith('The AOF is corrupt before its end'))).toBe(true);
    expect(readFileSync(path, 'latin1')).toBe(resp(['SELECT', '0']));
  });

  it('an empty file, a missing file, bad usage', async () => {
    writeFileSync(path, '');
    expect(await cli(path)).toEqual({ code: 0, lines: [`AOF ${path} is empty`] });
    expect(await cli(join(dir, 'nope.aof'))).toEqual({ code: 1, lines: [`Cannot open file ${join(dir, 'nope.aof')}: No such file or directory`] });
    expect((await cli()).code).toBe(1);
    expect((await cli('--fix')).lines).toEqual(['Usage: ringcache check-aof [--fix] <file>']);
  });
});
