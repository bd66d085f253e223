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
import { ReplyError } from '../../../../libs/engine/src/commands/value-reply.js';
import { binaryToUtf8, utf8ToBinary } from '../binary-text.js';
import { CommandRouter, whenRouted, type Routed } from '../cluster/command-router.js';
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
  constructor(@Inject(CommandRouter) private readonly router: CommandRouter) {}

  @MessagePattern('get', Transport.TCP)
  get(data: unknown): Routed<string | null> {
    const p = checkKey(data);
    return run(this.router.call(['GET', utf8ToBinary(p.key)]), (value) => (value === null ? null : binaryToUtf8(value as string)));
  }

  @MessagePattern('set', Transport.TCP)
  set(data: unknown): Routed<'OK'> {
    const p = checkSet(data);
    const args = ['SET', utf8ToBinary(p.key), utf8ToBinary(p.value)];
    if (p.ttl_ms != null) args.push('PX', String(p.ttl_ms));
    return run(this.router.call(args), () => 'OK' as const);
  }

  @MessagePattern('del', Transport.TCP)
  del(data: unknown): Routed<number> {
    return run(this.router.callPerSlot('DEL', keysOf(checkKeyOrKeys(data))), (n) => n as number);
  }

  @MessagePattern('mget', Transport.TCP)
  mget(data: unknown): Routed<Array<string | null>> {
    const p = checkKeys(data);
    return run(this.router.callPerSlot('MGET', p.keys.map(utf8ToBinary)), (values) =>
      (values as Array<string | null>).map((v) => (v === null ? null : binaryToUtf8(v))),
    );
  }

  @MessagePattern('mset', Transport.TCP)
  mset(data: unknown): Routed<'OK'> {
    const p = checkMset(data);
    const pairs = Array.isArray(p.entries) ? p.entries : Object.entries(p.entries);
    const keys = pairs.map(([k]) => utf8ToBinary(k));
    const values = pairs.map(([, v]) => utf8ToBinary(v));
    return run(this.router.callPerSlot('MSET', keys, values), () => 'OK' as const);
  }

  @MessagePattern('exists', Transport.TCP)
  exists(data: unknown): Routed<number> {
    return run(this.router.callPerSlot('EXISTS', keysOf(checkKeyOrKeys(data))), (n) => n as number);
  }

  @MessagePattern('expire', Transport.TCP)
  expire(data: unknown): Routed<boolean> {
    const p = checkExpire(data);
    return run(this.router.call(['EXPIRE', utf8ToBinary(p.key), String(p.seconds)]), (n) => n === 1);
  }

  @MessagePattern('ttl', Transport.TCP)
  ttl(data: unknown): Routed<number> {
    return run(this.router.call(['TTL', utf8ToBinary(checkKey(data).key)]), (n) => n as number);
  }

  @MessagePattern('incr', Transport.TCP)
  incr(data: unknown): Routed<number | string> {
    const p = checkIncr(data);
    // JSON has no int64: results beyond 2^53 come back as their exact decimal string.
    return run(this.router.call(['INCRBY', utf8ToBinary(p.key), String(p.by ?? 1)]), (n) => (typeof n === 'bigint' ? n.toString() : (n as number)));
  }
}

/** A reply (now, or from the owner) through `fn`; error replies become RpcExceptions carrying Redis's message. */
function run<R>(routed: Routed, fn: (reply: unknown) => R): Routed<R> {
  return whenRouted(routed, (reply) => {
    if (reply instanceof ReplyError) throw new RpcException(reply.message);
    return fn(reply);
  });
}

function keysOf(p: KeyOrKeysPayload): string[] {
  return p.keys !== undefined ? p.keys.map(utf8ToBinary) : [utf8ToBinary(p.key!)];
}
