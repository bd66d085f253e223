/**
 * Payloads of the Nest TCP message patterns. Keys and values are UTF-8 text (as JSON carries them); TTLs and
 * counts are integers. Unknown properties are refused, so a typo (`ttl` for `ttl_ms`) fails loudly.
 */
import {
  ArrayNotEmpty,
  IsArray,
  IsInt,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  type ValidationArguments,
} from 'class-validator';

const MAX_INT64 = Number.MAX_SAFE_INTEGER;

export class KeyDto {
  @IsString()
  key: string;
}

/** `{ key }` or `{ keys: [...] }` (del, exists). */
export class KeyOrKeysDto {
  @ValidateIf((o: KeyOrKeysDto) => o.keys === undefined)
  @IsString()
  key?: string;

  @ValidateIf((o: KeyOrKeysDto) => o.key === undefined)
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  keys?: string[];
}

export class KeysDto {
  @IsArray()
  @ArrayNotEmpty()
  @IsString({ each: true })
  keys: string[];
}

export class SetDto {
  @IsString()
  key: string;

  @IsString()
  value: string;

  @IsOptional()
  @IsInt()
  @IsPositive()
  @Max(MAX_INT64)
  ttl_ms?: number;
}

/** `{ entries: { k: v, ... } }` or `{ entries: [[k, v], ...] }`, at least one entry, string values. */
export type MsetEntries = Record<string, string> | Array<[string, string]>;

function IsMsetEntries(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMsetEntries',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate(value: unknown): boolean {
          if (Array.isArray(value)) {
            return value.length > 0 && value.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string');
          }
          if (value === null || typeof value !== 'object') return false;
          const values = Object.values(value);
          return values.length > 0 && values.every((v) => typeof v === 'string');
        },
        defaultMessage(args: ValidationArguments): string {
          return `${args.property} must be a non-empty object of string values or an array of [key, value] string pairs`;
        },
      },
    });
}

export class MsetDto {
  @IsMsetEntries()
  entries: MsetEntries;
}

export class ExpireDto {
  @IsString()
  key: string;

  /** Seconds from now; zero or negative deletes the key, as EXPIRE does. */
  @IsInt()
  @Min(-MAX_INT64)
  @Max(MAX_INT64)
  seconds: number;
}

export class IncrDto {
  @IsString()
  key: string;

  /** Default 1; any safe integer (negative decrements). */
  @IsOptional()
  @IsInt()
  @Min(-MAX_INT64)
  @Max(MAX_INT64)
  by?: number;
}
