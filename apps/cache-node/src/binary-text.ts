/**
 * UTF-8 text at the HTTP and Nest TCP boundaries ↔ latin1 binary strings inside (one char per byte).
 * ASCII is the same in both, and is the common case: a string whose UTF-8 length equals its length is
 * ASCII (any other char takes 2+ bytes), so it passes through without a Buffer round trip.
 */
export function utf8ToBinary(text: string): string {
  return Buffer.byteLength(text, 'utf8') === text.length ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** Bytes that are not valid UTF-8 come out as U+FFFD. */
export function binaryToUtf8(binary: string): string {
  return Buffer.byteLength(binary, 'utf8') === binary.length ? binary : Buffer.from(binary, 'latin1').toString('utf8');
}
