import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  INVALID_BULK_LENGTH,
  INVALID_MULTIBULK_LENGTH,
  NO_BYTES,
  QUERY_BUFFER_LIMIT,
  RespParser,
  TOO_BIG_BULK_COUNT,
  TOO_BIG_INLINE,
  TOO_BIG_MBULK_COUNT,
  UNAUTHENTICATED_BULK_LENGTH,
  UNAUTHENTICATED_MULTIBULK_LENGTH,
  UNBALANCED_QUOTES,
  splitArgs,
  type RespParserOptions,
} from './resp-parser.js';

const bin = (s: string): Buffer => Buffer.from(s, 'latin1');

function encode(args: string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${a.length}\r\n${a}\r\n`;
  return out;
}

/** Feeds the chunks and returns the commands parsed and the first error. */
function run(chunks: (string | Buffer)[], options?: RespParserOptions): { commands: string[][]; error: string | null } {
  const commands: string[][] = [];
  const parser = new RespParser((args) => {
    commands.push(args);
  }, options);
  for (const chunk of chunks) {
    const error = parser.feed(typeof chunk === 'string' ? bin(chunk) : chunk);
    if (error !== null) return { commands, error };
  }
  return { commands, error: null };
}

function splitAt(s: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(s.slice(last, p));
    last = p;
  }
  parts.push(s.slice(last));
  return parts;
}

describe('RespParser multibulk', () => {
  it('parses one command and a pipeline in one chunk', () => {
    expect(run([encode(['SET', 'k', 'v']) + encode(['GET', 'k'])]).commands).toEqual([['SET', 'k', 'v'], ['GET', 'k']]);
  });

  it('keeps binary data, CRLF and high bytes inside bulks', () => {
    const value = 'a\r\nb\x00\xff\r\n*2\r\n$1\r\n';
    expect(run([encode(['SET', 'k\r\n', value])]).commands).toEqual([['SET', 'k\r\n', value]]);
  });

  it('parses a frame split at every byte offset', () => {
    const stream = encode(['SET', 'key', 'a\r\nvalue']) + encode(['PING']) + 'PING\r\n' + encode(['GET', '']);
    const expected = [['SET', 'key', 'a\r\nvalue'], ['PING'], ['PING'], ['GET', '']];
    for (let i = 0; i <= stream.length; i++) {
      expect(run([stream.slice(0, i), stream.slice(i)]).commands).toEqual(expected);
    }
    expect(run(stream.split('')).commands).toEqual(expected);
  });

  it('skips empty multibulks (*0, *-1)', () => {
    expect(run(['*0\r\n*-1\r\n' + encode(['PING'])]).commands).toEqual([['PING']]);
  });

  it('skips the two bytes after a bulk without checking them, as Redis', () => {
    expect(run(['*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n']).commands).toEqual([['PING'], ['PING']]);
  });

  it('joins a big bulk that spans many chunks once, without losing bytes', () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const stream = Buffer.concat([bin(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${big.length}\r\n`), big, bin('\r\n'), bin(encode(['GET', 'k']))]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 65536) chunks.push(stream.subarray(i, i + 65536));
    const { commands, error } = run(chunks);
    expect(error).toBeNull();
    expect(commands.length).toBe(2);
    expect(commands[0][2] === big.latin1Slice()).toBe(true);
    expect(commands[1]).toEqual(['GET', 'k']);
  });

  it('parses any arguments split anywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'binary-ascii', maxLength: 40 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (commands, cuts) => {
          const stream = commands.map(encode).join('');
          expect(run(splitAt(stream, cuts)).commands).toEqual(commands);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parses big bulks split anywhere (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 32 * 1024 - 3, max: 100_000 }), fc.array(fc.nat(), { maxLength: 6 }), (size, cuts) => {
        const value = 'x'.repeat(size - 1) + '\n';
        const stream = encode(['SET', 'k', value]) + encode(['GET', 'k']);
        expect(run(splitAt(stream, cuts)).commands).toEqual([['SET', 'k', value], ['GET', 'k']]);
      }),
      { numRuns: 50 },
    );
  });

  it('stops when the sink returns false and resumes on an empty feed', () => {
    const seen: string[][] = [];
    let stopAfter = 1;
    const parser = new RespParser((args) => {
      seen.push(args);
      return --stopAfter > 0;
    });
    expect(parser.feed(bin(encode(['A']) + encode(['B']) + encode(['C'])))).toBeNull();
    expect(seen).toEqual([['A']]);
    expect(parser.buffered()).toBeGreaterThan(0);
    stopAfter = 10;
    expect(parser.feed(NO_BYTES)).toBeNull();
    expect(seen).toEqual([['A'], ['B'], ['C']]);
    expect(parser.buffered()).toBe(0);
  });
});

describe('RespParser protocol errors (Redis 7 wording)', () => {
  const cases: [string, string][] = [
    ['*abc\r\n', INVALID_MULTIBULK_LENGTH],
    ['*01\r\n', INVALID_MULTIBULK_LENGTH],
    ['*+1\r\n', INVALID_MULTIBULK_LENGTH],
    ['*-0\r\n', INVALID_MULTIBULK_LENGTH],
    ['*2147483648\r\n', INVALID_MULTIBULK_LENGTH],
    ['*99999999999999999999\r\n', INVALID_MULTIBULK_LENGTH],
    ['*1\r\n$-1\r\n', INVALID_BULK_LENGTH],
    ['*1\r\n$04\r\nPING\r\n', INVALID_BULK_LENGTH],
    ['*1\r\n$x\r\n', INVALID_BULK_LENGTH],
    ['*1\r\n$536870913\r\n', INVALID_BULK_LENGTH],
    ["*2\r\n$3\r\nGET\r\n:1\r\n", "ERR Protocol error: expected '$', got ':'"],
    ['*1\r\n\r\n', "ERR Protocol error: expected '$', got ' '"],
    ['ECHO "abc"d\r\n', UNBALANCED_QUOTES],
    ["ECHO 'abc\r\n", UNBALANCED_QUOTES],
  ];
  it.each(cases)('%j', (input, error) => {
    expect(run([input]).error).toBe(error);
  });

  it('accepts multibulk counts up to INT_MAX and waits for the arguments', () => {
    expect(run(['*3000000\r\n'])).toEqual({ commands: [], error: null });
  });

  it('waits for the CR of a header until it is longer than 64 KB', () => {
    expect(run(['*' + '1'.repeat(1000)]).error).toBeNull();
    expect(run(['*' + '1'.repeat(70_000)]).error).toBe(TOO_BIG_MBULK_COUNT);
    expect(run(['*1\r\n$' + '1'.repeat(70_000)]).error).toBe(TOO_BIG_BULK_COUNT);
    expect(run(['PING' + ' '.repeat(70_000)]).error).toBe(TOO_BIG_INLINE);
    expect(run(['PING' + ' '.repeat(70_000) + '\n']).commands).toEqual([['PING']]);
  });

  it('honours configured limits', () => {
    expect(run([encode(['SET', 'k', 'x'.repeat(11)])], { protoMaxBulkLen: 10 }).error).toBe(INVALID_BULK_LENGTH);
    expect(run([encode(['A', 'B', 'C'])], { maxMultibulkLength: 2 }).error).toBe(INVALID_MULTIBULK_LENGTH);
    expect(run(['x'.repeat(100)], { maxInlineSize: 50 }).error).toBe(TOO_BIG_INLINE);
    expect(run([encode(['SET', 'k', 'x'.repeat(100)]).slice(0, 60), 'x'.repeat(80)], { clientQueryBufferLimit: 100 }).error).toBe(
      QUERY_BUFFER_LIMIT,
    );
  });

  it('applies the unauthenticated limits only when told to', () => {
    const parser = new RespParser(() => undefined);
    parser.unauthenticated = true;
    expect(parser.feed(bin(encode(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K'])))).toBe(UNAUTHENTICATED_MULTIBULK_LENGTH);
    const other = new RespParser(() => undefined);
    other.unauthenticated = true;
    expect(other.feed(bin(encode(['AUTH', 'x'.repeat(16385)])))).toBe(UNAUTHENTICATED_BULK_LENGTH);
    expect(run([encode(['AUTH', 'x'.repeat(16385)])]).error).toBeNull();
  });

  it('never throws on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 5 }), (bytes, cuts) => {
        const parts = splitAt(Buffer.from(bytes).latin1Slice(), cuts);
        const whole = run([Buffer.from(bytes)]);
        const split = run(parts);
        // Split or not, the same commands come out before the same error (or the same wait).
        expect(split).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });
});

describe('RespParser inline commands', () => {
  it('splits on blanks, accepts LF or CRLF and skips empty lines', () => {
    expect(run(['\r\n\n  PING  \r\nSET  k\tv\nGET k\r\n']).commands).toEqual([['PING'], ['SET', 'k', 'v'], ['GET', 'k']]);
  });

  it('keeps empty quoted arguments, as Redis 7', () => {
    expect(run(['SET k ""\r\n']).commands).toEqual([['SET', 'k', '']]);
  });

  it('mixes inline and multibulk in one stream', () => {
    expect(run(['PING\r\n' + encode(['ECHO', 'x']) + 'ECHO y\n']).commands).toEqual([['PING'], ['ECHO', 'x'], ['ECHO', 'y']]);
  });
});

describe('splitArgs (sdssplitargs)', () => {
  const split = (s: string): string[] | null => splitArgs(bin(s), 0, s.length);
  it('handles double-quote escapes', () => {
    expect(split('ECHO "a\\x41\\x4g\\n\\q\\r\\t\\b\\a\\"\\\\"')).toEqual(['ECHO', 'aAx4g\nq\r\t\b\x07"\\']);
  });
  it('handles single quotes, where only \\\' is an escape', () => {
    expect(split("ECHO 'b\\'c\\n'")).toEqual(['ECHO', "b'c\\n"]);
  });
  it('opens quotes mid-argument', () => {
    expect(split('SET a"b c" \'x y\'z')).toBeNull();
    expect(split('SET a"b c" \'x y\'')).toEqual(['SET', 'ab c', 'x y']);
  });
  it('treats \\v and \\f as blanks between arguments but not inside them', () => {
    expect(split('\x0bA\x0cB')).toEqual(['A\x0cB']);
  });
  it('stops at a NUL byte as the C string does', () => {
    expect(split('ECHO a\x00b c')).toEqual(['ECHO', 'a']);
  });
  it('rejects unbalanced quotes', () => {
    expect(split('"abc')).toBeNull();
    expect(split('"abc\\"')).toBeNull();
    expect(split("'abc")).toBeNull();
    expect(split('"abc"x')).toBeNull();
  });
  it('returns no arguments for a blank line', () => {
    expect(split('   \t ')).toEqual([]);
  });
});

describe('latin1String', () => {
  it('gives the same binary string as latin1Slice for every length and byte', async () => {
    const { latin1String } = await import('./latin1.js');
    const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 255));
    for (let len = 0; len <= 12; len++) {
      for (let pos = 0; pos + len <= 40; pos++) expect(latin1String(bytes, pos, len)).toBe(bytes.latin1Slice(pos, pos + len));
    }
    for (let b = 0; b < 256; b++) expect(latin1String(Buffer.from([b, 255 - b]), 0, 2)).toBe(Buffer.from([b, 255 - b]).latin1Slice());
  });
});
