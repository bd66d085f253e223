/**
 * Nest TCP message patterns for the core commands, run through the command table like every transport.
 * Results are JSON: strings are UTF-8 text, `set`/`mset` answer 'OK' as Redis does, `expire` a boolean,
 * `ttl` Redis's TTL (-1 no TTL, -2 missing). Error replies (WRONGTYPE, OOM, ERR ...) become RpcExceptions
 * carrying the Redis message.
 */
import { Controller, Inject, UsePipes } from '@nestjs/common';
import { MessagePattern, Payload, RpcException, Transport } from '@nestjs/microservices';
import { CommandExecutor } from '../../../../libs/engine/src/commands/command-executor.js';
import { ReplyError } from '../../../../libs/engine/src/commands/value-reply.js';
import { binaryToUtf8, utf8ToBinary } from '../binary-text.js';
import { ExpireDto, IncrDto, KeyDto, KeyOrKeysDto, KeysDto, MsetDto, SetDto } from './cache-rpc.dto.js';
import { rpcValidationPipe } from './rpc-validation.pipe.js';

@Controller()
@UsePipes(rpcValidationPipe())
export class CacheRpcController {
  constructor(@Inject(CommandExecutor) private readonly executor: CommandExecutor) {}

  private run(args: string[]): unknown {
    const reply = this.executor.call(args);
    if (reply instanceof ReplyError) throw new RpcException(reply.message);
    return reply;
  }

  @MessagePattern('get', Transport.TCP)
  get(@Payload() p: KeyDto): string | null {
    const value = this.run(['GET', utf8ToBinary(p.key)]) as string | null;
    return value === null ? null : binaryToUtf8(value);
  }

  @MessagePattern('set', Transport.TCP)
  set(@Payload() p: SetDto): 'OK' {
    const args = ['SET', utf8ToBinary(p.key), utf8ToBinary(p.value)];
    if (p.ttl_ms !== undefined) args.push('PX', String(p.ttl_ms));
    this.run(args);
    return 'OK';
  }

  @MessagePattern('del', Transport.TCP)
  del(@Payload() p: KeyOrKeysDto): number {
    return this.run(['DEL', ...keysOf(p)]) as number;
  }

  @MessagePattern('mget', Transport.TCP)
  mget(@Payload() p: KeysDto): Array<string | null> {
    const values = this.run(['MGET', ...p.keys.map(utf8ToBinary)]) as Array<string | null>;
    return values.map((v) => (v === null ? null : binaryToUtf8(v)));
  }

  @MessagePattern('mset', Transport.TCP)
  mset(@Payload() p: MsetDto): 'OK' {
    const pairs = Array.isArray(p.entries) ? p.entries : Object.entries(p.entries);
    const args = ['MSET'];
    for (const [k, v] of pairs) args.push(utf8ToBinary(k), utf8ToBinary(v));
    this.run(args);
    return 'OK';
  }

  @MessagePattern('exists', Transport.TCP)
  exists(@Payload() p: KeyOrKeysDto): number {
    return this.run(['EXISTS', ...keysOf(p)]) as number;
  }

  @MessagePattern('expire', Transport.TCP)
  expire(@Payload() p: ExpireDto): boolean {
    return this.run(['EXPIRE', utf8ToBinary(p.key), String(p.seconds)]) === 1;
  }

  @MessagePattern('ttl', Transport.TCP)
  ttl(@Payload() p: KeyDto): number {
    return this.run(['TTL', utf8ToBinary(p.key)]) as number;
  }

  @MessagePattern('incr', Transport.TCP)
  incr(@Payload() p: IncrDto): number | string {
    const n = this.run(['INCRBY', utf8ToBinary(p.key), String(p.by ?? 1)]) as number | bigint;
    // JSON has no int64: results beyond 2^53 come back as their exact decimal string.
    return typeof n === 'bigint' ? n.toString() : n;
  }
}

function keysOf(p: KeyOrKeysDto): string[] {
  return p.keys !== undefined ? p.keys.map(utf8ToBinary) : [utf8ToBinary(p.key!)];
}
