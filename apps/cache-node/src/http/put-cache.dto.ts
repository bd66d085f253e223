/** Body of PUT /cache/:key. */
import { IsInt, IsOptional, IsPositive, IsString, Max } from 'class-validator';

export class PutCacheDto {
  @IsString()
  value: string;

  /** Time to live in milliseconds; without it the key has no TTL (a previous TTL is cleared, as SET does). */
  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(Number.MAX_SAFE_INTEGER)
  ttl_ms?: number;
}
