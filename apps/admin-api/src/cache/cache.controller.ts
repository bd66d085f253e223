/**
 * GET/PUT/DELETE /cache/:key on the whole cluster, with the node's own HTTP API's bodies and errors:
 * GET → { value, ttl_remaining_ms }, PUT { value, ttl_ms? } → { ok: true }, DELETE → { deleted }.
 */
import { Body, Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import type { CacheEntryView } from '../../../cache-node/src/http/cache.controller.js';
import { PutCacheDto } from '../../../cache-node/src/http/put-cache.dto.js';
import { isReplyError } from '../cluster/node-pool.js';
import { ClusterCache } from './cluster-cache.js';

/** Error replies by prefix, as the node's HTTP API maps them; anything not a reply means the cluster is unreachable. */
const STATUS_BY_PREFIX: Array<[string, HttpStatus, string]> = [
  ['WRONGTYPE', HttpStatus.CONFLICT, 'Conflict'],
  ['OOM', HttpStatus.INSUFFICIENT_STORAGE, 'Insufficient Storage'],
  ['CLUSTERDOWN', HttpStatus.SERVICE_UNAVAILABLE, 'Service Unavailable'],
  ['ERR', HttpStatus.BAD_REQUEST, 'Bad Request'],
];

function toHttp(err: unknown): HttpException {
  if (err instanceof HttpException) return err;
  const message = (err as Error)?.message ?? String(err);
  const [, status, error] = (isReplyError(err) && STATUS_BY_PREFIX.find(([prefix]) => message.startsWith(prefix + ' '))) || [
    '',
    HttpStatus.SERVICE_UNAVAILABLE,
    'Service Unavailable',
  ];
  return new HttpException({ statusCode: status, error, message }, status);
}

@Controller('cache')
export class CacheController {
  constructor(@Inject(ClusterCache) private readonly cache: ClusterCache) {}

  @Get(':key')
  async get(@Param('key') key: string): Promise<CacheEntryView> {
    try {
      const client = await this.cache.connected();
      const [value, pttl] = await Promise.all([client.get(key), client.call('PTTL', key) as Promise<number>]);
      if (value === null) throw new NotFoundException('key not found');
      return { value, ttl_remaining_ms: pttl >= 0 ? pttl : null };
    } catch (err) {
      throw toHttp(err);
    }
  }

  @Put(':key')
  @HttpCode(200)
  async put(@Param('key') key: string, @Body() body: PutCacheDto): Promise<{ ok: true }> {
    try {
      await (await this.cache.connected()).set(key, body.value, body.ttl_ms === undefined ? {} : { ttlMs: body.ttl_ms });
      return { ok: true };
    } catch (err) {
      throw toHttp(err);
    }
  }

  @Delete(':key')
  async delete(@Param('key') key: string): Promise<{ deleted: boolean }> {
    try {
      return { deleted: (await (await this.cache.connected()).del(key)) === 1 };
    } catch (err) {
      throw toHttp(err);
    }
  }
}
