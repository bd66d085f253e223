/** Query of GET /keys: SCAN's MATCH, the cursor of the previous page, and COUNT. */
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { SCAN_CURSOR_PATTERN } from './scan-cursor.js';

export class ScanKeysQuery {
  /** Glob-style pattern, as SCAN MATCH. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  match?: string;

  @IsOptional()
  @IsString()
  @Matches(SCAN_CURSOR_PATTERN, { message: 'cursor must be "0" or the cursor of a previous page' })
  cursor?: string;

  /** Keys wanted per page (a hint, as SCAN's COUNT): 1 to 1000, default 100. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  count?: number;
}
