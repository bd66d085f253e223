/** UTF-8 text at the HTTP and Nest TCP boundaries ↔ latin1 binary strings inside (one char per byte). */
export function utf8ToBinary(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** Bytes that are not valid UTF-8 come out as U+FFFD. */
export function binaryToUtf8(binary: string): string {
  return Buffer.from(binary, 'latin1').toString('utf8');
}
