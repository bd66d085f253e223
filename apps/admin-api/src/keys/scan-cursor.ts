/**
 * The cursor of a cluster-wide SCAN: which member (index in id order) and that member's own SCAN cursor,
 * written `index:cursor`. "0" starts a scan and "0" ends it, as Redis's SCAN.
 */
export interface ScanPosition {
  readonly member: number;
  /** The member's SCAN cursor, an unsigned 64-bit decimal. */
  readonly cursor: string;
}

export const SCAN_CURSOR_PATTERN = /^(?:0|\d{1,5}:\d{1,20})$/;

/** Undefined for text that is not a cursor this API hands out. */
export function decodeScanCursor(text: string): ScanPosition | undefined {
  if (!SCAN_CURSOR_PATTERN.test(text)) return undefined;
  if (text === '0') return { member: 0, cursor: '0' };
  const [member, cursor] = text.split(':') as [string, string];
  return { member: Number(member), cursor: cursor.replace(/^0+(?=\d)/, '') };
}

/** "0" when `member` is past the last one (the scan is over). */
export function encodeScanCursor(position: ScanPosition, memberCount: number): string {
  return position.member >= memberCount ? '0' : `${position.member}:${position.cursor}`;
}
