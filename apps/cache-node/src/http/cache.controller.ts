/**
 * The seed HTTP API: GET/PUT/DELETE /cache/:key, run through the command table (GET + PTTL, SET [PX], DEL) so
 * the semantics are Redis's. Keys and values are UTF-8 text here and binary strings inside.
 */
import { Body, Controller, Delete, Get, HttpCode, Inject, NotFoundException, Param, Put, ValidationPipe } from '@nestjs/common';
import { CommandRouter, whenRouted, type Routed } from '../cluster/command-router.js';
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
  constructor(@Inject(CommandRouter) private readonly router: CommandRouter) {}

  @Get(':key')
  get(@Param('key') key: string): Routed<CacheEntryView> {
    const k = utf8ToBinary(key);
    return whenRouted(this.router.call(['GET', k]), (value) => {
      if (unwrapReply(value) === null) throw new NotFoundException('key not found');
      return whenRouted(this.router.call(['PTTL', k]), (pttl) => ({
        value: binaryToUtf8(value as string),
        ttl_remaining_ms: typeof pttl === 'number' && pttl >= 0 ? pttl : null,
      }));
    }) as Routed<CacheEntryView>;
  }

  @Put(':key')
  @HttpCode(200)
  put(@Param('key') key: string, @Body(bodyPipe) body: PutCacheDto): Routed<{ ok: true }> {
    const args = ['SET', utf8ToBinary(key), utf8ToBinary(body.value)];
    if (body.ttl_ms !== undefined) args.push('PX', String(body.ttl_ms));
    return whenRouted(this.router.call(args), (reply) => {
      unwrapReply(reply);
      return { ok: true as const };
    });
  }

  @Delete(':key')
  delete(@Param('key') key: string): Routed<{ deleted: boolean }> {
    return whenRouted(this.router.call(['DEL', utf8ToBinary(key)]), (reply) => ({ deleted: unwrapReply(reply) === 1 }));
  }
}
