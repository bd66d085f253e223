/**
 * The seed HTTP API: GET/PUT/DELETE /cache/:key, run through the command table (GET + PTTL, SET [PX], DEL) so
 * the semantics are Redis's. Keys and values are UTF-8 text here and binary strings inside.
 */
import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Put, ValidationPipe } from '@nestjs/common';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { binaryToUtf8, utf8ToBinary } from '../binary-text.js';
import { PutCacheDto } from './put-cache.dto.js';
import { unwrapReply } from './reply-error.exception.js';

export interface CacheEntryView {
  value: string;
  /** Milliseconds left, null when the key has no TTL. */
  ttl_remaining_ms: number | null;
}

const bodyPipe = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

@Controller('cache')
export class CacheController {
  constructor(@Inject(CommandExecutor) private readonly executor: CommandExecutor) {}

  @Get(':key')
  get(@Param('key') key: string): CacheEntryView {
    const k = utf8ToBinary(key);
    const value = unwrapReply(this.executor.call(['GET', k]));
    if (value === null) throw new NotFoundException('key not found');
    const pttl = this.executor.call(['PTTL', k]) as number;
    return { value: binaryToUtf8(value as string), ttl_remaining_ms: pttl >= 0 ? pttl : null };
  }

  @Put(':key')
  @HttpCode(200)
  put(@Param('key') key: string, @Body(bodyPipe) body: PutCacheDto): { ok: true } {
    const args = ['SET', utf8ToBinary(key), utf8ToBinary(body.value)];
    if (body.ttl_ms !== undefined) args.push('PX', String(body.ttl_ms));
    unwrapReply(this.executor.call(args));
    return { ok: true };
  }

  @Delete(':key')
  delete(@Param('key') key: string): { deleted: boolean } {
    return { deleted: unwrapReply(this.executor.call(['DEL', utf8ToBinary(key)])) === 1 };
  }
}
