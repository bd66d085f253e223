import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import type { ClientSession } from '../../engine/src/commands/command.js';
import type { CommandDispatcher } from './command-dispatcher.js';
import { RespTransport } from './resp-transport.js';
import type { RespWriter } from './resp-writer.js';

@Module({})
class EmptyModule {}

class EchoDispatcher implements CommandDispatcher {
  connected(): void {}
  disconnected(): void {}
  execute(_session: ClientSession, reply: RespWriter, args: string[]): void {
    if (args[0].toLowerCase() === 'ping') reply.simple('PONG');
    else reply.bulk(args[args.length - 1]);
  }
}

describe('RespTransport', () => {
  it('is started and stopped by the Nest application lifecycle', async () => {
    const transport = new RespTransport({ port: 0 }, new EchoDispatcher());
    const app = await NestFactory.create(EmptyModule, { logger: false });
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false });
    await app.startAllMicroservices();
    const port = transport.resp.port;
    expect(port).toBeGreaterThan(0);
    expect(transport.unwrap<import('node:net').Server>().listening).toBe(true);

    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
    expect(await redis.call('echo', 'hi')).toBe('hi');
    redis.disconnect();

    await app.close();
    expect(transport.unwrap<import('node:net').Server>().listening).toBe(false);
  });
});
