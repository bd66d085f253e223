/**
 * Nest TCP message patterns for the core commands, run through the command table like every transport.
 * Results are JSON: strings are UTF-8 text, `set`/`mset` answer 'OK' as Redis does, `expire` a boolean,
 * `ttl` Redis's TTL (-1 no TTL, -2 missing). Error replies (WRONGTYPE, OOM, ERR ...) become RpcExceptions
 * carrying the Redis message, and so do bad payloads (see cache-rpc.payloads.ts).
 *
 * Handlers take the raw payload as their first argument and check it with a plain function: no pipes and no
 * parameter decorators, which would put Nest's async pipe chain on every message.
 */
import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, RpcException, Transport } from '@nestjs/microservices';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { ReplyError } from '../../../../libs/engine/src/commands/value-reply.js';
import { binaryToUtf8, utf8ToBinary } from '../binary-text.js';
import {
  checkExpire,
  checkIncr,
  checkKey,
  checkKeyOrKeys,
  checkKeys,
  checkMset,
  checkSet,
  type KeyOrKeysPayload,
} from './cache-rpc.payloads.js';

@Controller()
export class CacheRpcController {
  constructor(@Inject(CommandExecutor) private readonly executor: CommandExecutor) {}

  private run(args: string[]): unknown {
    const reply = this.executor.call(args);
    if (reply instanceof ReplyError) throw new RpcException(reply.message);
    return reply;
  }

  @MessagePattern('get', Transport.TCP)
  get(data: unknown): string | null {
    const p = checkKey(data);
    const value = this.run(['GET', utf8ToBinary(p.key)]) as string | null;
    return value === null ? null : binaryToUtf8(value);
  }

  @MessagePattern('set', Transport.TCP)
  set(data: unknown): 'OK' {
    const p = checkSet(data);
    const args = ['SET', utf8ToBinary(p.key), utf8ToBinary(p.value)];
    if (p.ttl_ms != null) args.push('PX', String(p.ttl_ms));
    this.run(args);
    return 'OK';
  }

  @MessagePattern('del', Transport.TCP)
  del(data: unknown): number {
    return this.run(['DEL', ...keysOf(checkKeyOrKeys(data))]) as number;
  }

  @MessagePattern('mget', Transport.TCP)
  mget(data: unknown): Array<string | null> {
    const p = checkKeys(data);
    const values = this.run(['MGET', ...p.keys.map(utf8ToBinary)]) as Array<string | null>;
    return values.map((v) => (v === null ? null : binaryToUtf8(v)));
  }

  @MessagePattern('mset', Transport.TCP)
  mset(data: unknown): 'OK' {
    const p = checkMset(data);
    const pairs = Array.isArray(p.entries) ? p.entries : Object.entries(p.entries);
    const args = ['MSET'];
    for (const [k, v] of pairs) args.push(utf8ToBinary(k), utf8ToBinary(v));
    this.run(args);
    return 'OK';
  }

  @MessagePattern('exists', Transport.TCP)
  exists(data: unknown): number {
    return this.run(['EXISTS', ...keysOf(checkKeyOrKeys(data))]) as number;
  }

  @MessagePattern('expire', Transport.TCP)
  expire(data: unknown): boolean {
    const p = checkExpire(data);
    return this.run(['EXPIRE', utf8ToBinary(p.key), String(p.seconds)]) === 1;
  }

  @MessagePattern('ttl', Transport.TCP)
  ttl(data: unknown): number {
    return this.run(['TTL', utf8ToBinary(checkKey(data).key)]) as number;
  }

  @MessagePattern('incr', Transport.TCP)
  incr(data: unknown): number | string {
    const p = checkIncr(data);
    const n = this.run(['INCRBY', utf8ToBinary(p.key), String(p.by ?? 1)]) as number | bigint;
    // JSON has no int64: results beyond 2^53 come back as their exact decimal string.
    return typeof n === 'bigint' ? n.toString() : n;
  }
}

function keysOf(p: KeyOrKeysPayload): string[] {
  return p.keys !== undefined ? p.keys.map(utf8ToBinary) : [utf8ToBinary(p.key!)];
}
