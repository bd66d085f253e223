/** `ringcache check-aof [--fix] <file>`: validates an append-only file and truncates a damaged one, as redis-check-aof. */
import { open, truncate } from 'node:fs/promises';
import { AofFormatError, AofScanner, scanAof } from './aof-loader.js';

export interface CheckAofResult {
  size: number;
  /** End of the last good command (or of the last EXEC before an open transaction). */
  okUpTo: number;
  /** Lines read before stopping, counted as redis-check-aof's ok_up_to_line. */
  line: number;
  /** Bytes after okUpTo: what --fix drops. */
  diff: number;
  valid: boolean;
  /** Whether the file was truncated to okUpTo. */
  fixed: boolean;
  /** Whether the damage is a cut tail (a crash mid-write) rather than corruption before the end. */
  cutTail: boolean;
  /** What is wrong, when not valid. */
  reason?: string;
  /** Where the problem was found. */
  errorOffset?: number;
}

/** Scans `path` with the loader's parser (applying nothing); with `fix`, truncates a damaged file to okUpTo. */
export async function checkAof(path: string, fix: boolean): Promise<CheckAofResult> {
  const handle = await open(path, 'r');
  let size: number;
  let scanner: AofScanner;
  let problem: { reason: string; offset: number; cutTail: boolean } | undefined;
  try {
    size = (await handle.stat()).size;
    scanner = new AofScanner(path, size);
    try {
      await scanAof(handle, size, scanner);
      if (scanner.incomplete) problem = { reason: scanner.cutReason, offset: scanner.cutOffset, cutTail: true };
    } catch (err) {
      if (!(err instanceof AofFormatError)) throw err;
      problem = { reason: err.reason, offset: err.offset, cutTail: false };
    }
  } finally {
    await handle.close();
  }
  const okUpTo = problem === undefined ? size : scanner.okUpTo;
  const result: CheckAofResult = {
    size,
    okUpTo,
    line: scanner.lines,
    diff: size - okUpTo,
    valid: problem === undefined,
    fixed: false,
    cutTail: problem?.cutTail ?? false,
  };
  if (problem !== undefined) {
    result.reason = problem.reason;
    result.errorOffset = problem.offset;
    if (fix) {
      await truncate(path, okUpTo);
      result.fixed = true;
    }
  }
  return result;
}

const USAGE = 'Usage: ringcache check-aof [--fix] <file>';

/** The CLI: prints as redis-check-aof 7 does; returns the exit code. */
export async function checkAofCli(argv: string[], out: (line: string) => void = (line) => process.stdout.write(line + '\n')): Promise<number> {
  const fix = argv[0] === '--fix';
  const files = fix ? argv.slice(1) : argv;
  if (files.length !== 1 || files[0]!.startsWith('-')) {
    out(USAGE);
    return 1;
  }
  const path = files[0]!;
  let result: CheckAofResult;
  try {
    result = await checkAof(path, fix);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    out(e.code === 'ENOENT' ? `Cannot open file ${path}: No such file or directory` : `Cannot check AOF ${path}: ${e.message}`);
    return 1;
  }
  if (result.size === 0) {
    out(`AOF ${path} is empty`);
    return 0;
  }
  if (result.reason !== undefined) out(`0x${result.errorOffset!.toString(16).padStart(16)}: ${result.reason}`);
  out(`AOF analyzed: filename=${path}, size=${result.size}, ok_up_to=${result.okUpTo}, ok_up_to_line=${result.line}, diff=${result.diff}`);
  if (result.valid) {
    out(`AOF ${path} is valid`);
    return 0;
  }
  if (!result.fixed) {
    out(`AOF ${path} is not valid. Use the --fix option to try fixing it.`);
    return 1;
  }
  out(`This will shrink the AOF ${path} from ${result.size} bytes, with ${result.diff} bytes, to ${result.okUpTo} bytes`);
  if (!result.cutTail) {
    out(`The AOF is corrupt before its end: the ${result.diff} bytes dropped from offset ${result.okUpTo} on may hold complete commands`);
  }
  out(`Successfully truncated AOF ${path}`);
  return 0;
}
