/**
 * Types for Node's latin1 Buffer methods, which exist on every Buffer but are missing from @types/node.
 * They copy bytes to and from one-byte "binary strings" without the encoding switch of toString/write.
 */
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(text: string, offset?: number, length?: number): number;
  }
}

const fromCharCode = String.fromCharCode;

/**
 * The binary string of buf[pos, pos + length): for up to 8 bytes through String.fromCharCode with the bytes
 * as arguments (20-30 ns, one-byte strings cached by V8), else latin1Slice (a native call of about 100 ns
 * whatever the length). Short arguments (command names, small values, counts) are most of what RESP carries.
 */
export function latin1String(buf: Buffer, pos: number, length: number): string {
  switch (length) {
    case 0:
      return '';
    case 1:
      return fromCharCode(buf[pos]);
    case 2:
      return fromCharCode(buf[pos], buf[pos + 1]);
    case 3:
      return fromCharCode(buf[pos], buf[pos + 1], buf[pos + 2]);
    case 4:
      return fromCharCode(buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3]);
    case 5:
      return fromCharCode(buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3], buf[pos + 4]);
    case 6:
      return fromCharCode(buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3], buf[pos + 4], buf[pos + 5]);
    case 7:
      return fromCharCode(buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3], buf[pos + 4], buf[pos + 5], buf[pos + 6]);
    case 8:
      return fromCharCode(buf[pos], buf[pos + 1], buf[pos + 2], buf[pos + 3], buf[pos + 4], buf[pos + 5], buf[pos + 6], buf[pos + 7]);
    default:
      return buf.latin1Slice(pos, pos + length);
  }
}

/**
 * Strings shorter than this are copied char by char; longer ones through latin1Write, one native call of about
 * 130 ns whatever the length (a char costs about 6 ns in the loop on the 2-core VM: the two meet near 16).
 */
const SHORT_STRING = 16;
/**
 * Called as `charCodeAt.call(s, i)`: strings reach the encoders in many representations (sequential, sliced,
 * internalized, cons...), which turn `s.charCodeAt` into a megamorphic property load on every char; a call of
 * the known builtin is inlined whatever the representation (3× faster on mixed strings, equal on uniform).
 */
const charCodeAt = String.prototype.charCodeAt;

/**
 * Writes the binary string `s` (one char per byte) into `buf` at `at`, which the caller made room for;
 * returns the position after it.
 */
export function putLatin1(buf: Buffer, at: number, s: string): number {
  const len = s.length;
  if (len >= SHORT_STRING) return at + buf.latin1Write(s, at, len);
  for (let i = 0; i < len; i++) buf[at++] = charCodeAt.call(s, i);
  return at;
}
