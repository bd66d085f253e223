/** MurmurHash3 x86 32-bit, of a latin1 string (one char per byte) or of bytes: the ring's point hash. */

/** Bound once: a global lookup per call is slow inside vm contexts (jest). */
const imul = Math.imul;

export function murmur3(text: string, seed = 0): number {
  const length = text.length;
  const blocksEnd = length & ~3;
  let hash = seed | 0;
  for (let i = 0; i < blocksEnd; i += 4) {
    hash = mixHash(hash, (text.charCodeAt(i) & 0xff) | ((text.charCodeAt(i + 1) & 0xff) << 8) |
      ((text.charCodeAt(i + 2) & 0xff) << 16) | ((text.charCodeAt(i + 3) & 0xff) << 24));
  }
  const rest = length & 3;
  if (rest > 0) {
    let tail = text.charCodeAt(blocksEnd) & 0xff;
    if (rest > 1) tail |= (text.charCodeAt(blocksEnd + 1) & 0xff) << 8;
    if (rest > 2) tail |= (text.charCodeAt(blocksEnd + 2) & 0xff) << 16;
    hash ^= mixBlock(tail);
  }
  return finish(hash, length);
}

/** The same hash of bytes[0, length): no string is built, for hashing many generated keys. */
export function murmur3Bytes(bytes: Uint8Array, length: number, seed = 0): number {
  const blocksEnd = length & ~3;
  let hash = seed | 0;
  for (let i = 0; i < blocksEnd; i += 4) {
    hash = mixHash(hash, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  }
  const rest = length & 3;
  if (rest > 0) {
    let tail = bytes[blocksEnd]!;
    if (rest > 1) tail |= bytes[blocksEnd + 1]! << 8;
    if (rest > 2) tail |= bytes[blocksEnd + 2]! << 16;
    hash ^= mixBlock(tail);
  }
  return finish(hash, length);
}

function mixBlock(block: number): number {
  block = imul(block, 0xcc9e2d51);
  block = (block << 15) | (block >>> 17);
  return imul(block, 0x1b873593);
}

function mixHash(hash: number, block: number): number {
  hash ^= mixBlock(block);
  hash = (hash << 13) | (hash >>> 19);
  return (imul(hash, 5) + 0xe6546b64) | 0;
}

function finish(hash: number, length: number): number {
  hash ^= length;
  hash ^= hash >>> 16;
  hash = imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
