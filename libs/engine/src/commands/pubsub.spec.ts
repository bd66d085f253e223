import { describe, expect, it } from '@jest/globals';
import { RespWriter } from '../../../protocol/src/resp-writer.js';
import { Engine } from '../engine.js';
import { FakeClock } from '../clock.js';
import type { CommandContext } from './command.js';
import { CommandTable } from './command-table.js';
import { ConfigStore } from './config-store.js';
import { InternalSession } from './internal-session.js';
import { NODE_PARAMS } from './params.js';
import { ServerState } from './server-state.js';
import { ValueReply } from './value-reply.js';
import { RespLikeSession } from './test-kit.js';
import { RespDispatcher } from './resp-dispatcher.js';
import { connectionCommands } from './connection.js';
import { stringCommands } from './strings.js';
import { clientCommands } from './client.js';
import { infoCommands } from './info.js';
import { pubsubCommands } from './pubsub.js';

const table = new CommandTable([...connectionCommands, ...stringCommands, ...clientCommands, ...infoCommands, ...pubsubCommands]);

interface Client {
  readonly session: RespLikeSession;
  /** Run a command; returns everything written to this client since the last call, CRLF shown as spaces. */
  (...args: string[]): string;
  /** What was written to this client from outside (messages), read like the call's result. */
  output(): string;
}

function setup() {
  const engine = new Engine({ clock: new FakeClock() });
  const server = new ServerState(new ConfigStore(NODE_PARAMS));
  const dispatcher = new RespDispatcher(table, engine, server);
  const open = (protocol: 2 | 3 = 2): Client => {
    const session = new RespLikeSession(server.nextClientId());
    const writer = new RespWriter();
    session.protocol = writer.protocol = protocol;
    dispatcher.connected(session);
    const output = (): string => (writer.take()?.latin1Slice() ?? '').replace(/\r\n/g, ' ').trimEnd();
    const client = ((...args: string[]): string => {
      dispatcher.execute(session, writer, args);
      return output();
    }) as Client;
    Object.defineProperty(client, 'session', { value: session });
    client.output = output;
    return client;
  };
  const internal = (): CommandContext => ({ engine, keyspace: engine.keyspace, server, client: new InternalSession(server.nextClientId()), reply: new ValueReply(2) });
  return { engine, server, dispatcher, open, internal };
}

describe('SUBSCRIBE / PUBLISH / UNSUBSCRIBE (RESP2)', () => {
  it('confirms each subscription with the running count, repeats included', () => {
    const { open } = setup();
    const a = open();
    expect(a('SUBSCRIBE', 'x', 'y', 'x')).toBe('*3 $9 subscribe $1 x :1 *3 $9 subscribe $1 y :2 *3 $9 subscribe $1 x :2');
    expect(a('PSUBSCRIBE', 'n*')).toBe('*3 $10 psubscribe $2 n* :3');
  });

  it('delivers messages and pattern messages, and PUBLISH counts every delivery', () => {
    const { open } = setup();
    const [a, b, pub] = [open(), open(), open()];
    a('SUBSCRIBE', 'news');
    a('PSUBSCRIBE', 'n*', 'ne?s');
    b('PSUBSCRIBE', 'x*');
    expect(pub('PUBLISH', 'news', 'hi')).toBe(':3');
    expect(a.output()).toBe('*3 $7 message $4 news $2 hi *4 $8 pmessage $2 n* $4 news $2 hi *4 $8 pmessage $4 ne?s $4 news $2 hi');
    expect(a.session.pushes).toBe(3);
    expect(b.output()).toBe('');
    expect(pub('PUBLISH', 'other', 'hi')).toBe(':0');
  });

  it('UNSUBSCRIBE without channels drops all in subscription order, and a nil confirmation when none', () => {
    const { open, server } = setup();
    const a = open();
    expect(a('UNSUBSCRIBE')).toBe('*3 $11 unsubscribe $-1 :0');
    expect(a('PUNSUBSCRIBE')).toBe('*3 $12 punsubscribe $-1 :0');
    a('SUBSCRIBE', 'b', 'a');
    a('PSUBSCRIBE', 'p');
    expect(a('UNSUBSCRIBE', 'zz')).toBe('*3 $11 unsubscribe $2 zz :3');
    expect(a('UNSUBSCRIBE')).toBe('*3 $11 unsubscribe $1 b :2 *3 $11 unsubscribe $1 a :1');
    expect(a('UNSUBSCRIBE')).toBe('*3 $11 unsubscribe $-1 :1');
    expect(a('PUNSUBSCRIBE')).toBe('*3 $12 punsubscribe $1 p :0');
    expect(a.session.pubsub).toBeUndefined();
    expect([server.pubsub.channelCount, server.pubsub.patternCount]).toEqual([0, 0]);
    expect(a('GET', 'k')).toBe('$-1');
  });

  it('allows only (P)(UN)SUBSCRIBE, PING, QUIT and RESET in subscribed mode, with PING as a message', () => {
    const { open, server } = setup();
    const a = open();
    a('SUBSCRIBE', 'x');
    const refused = (name: string): string =>
      `-ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
    expect(a('GET', 'k')).toBe(refused('get'));
    expect(a('CLIENT', 'ID')).toBe(refused('client|id'));
    expect(a('GET')).toBe("-ERR wrong number of arguments for 'get' command");
    expect(a('PING')).toBe('*2 $4 pong $0');
    expect(a('PING', 'hi')).toBe('*2 $4 pong $2 hi');
    expect(server.statsFor('get').rejectedCalls).toBe(2);
    expect(a('RESET')).toBe('+RESET');
    expect(a('PING')).toBe('+PONG');
    expect(server.pubsub.channelCount).toBe(0);
  });
});

describe('RESP3', () => {
  it('sends push frames and runs any command while subscribed', () => {
    const { open } = setup();
    const a = open(3);
    expect(a('SUBSCRIBE', 'x')).toBe('>3 $9 subscribe $1 x :1');
    expect(a('GET', 'k')).toBe('_');
    expect(a('PING')).toBe('+PONG');
    // Publishing to itself: the message comes before PUBLISH's own reply.
    expect(a('PUBLISH', 'x', 'm')).toBe('>3 $7 message $1 x $1 m :1');
    expect(a('UNSUBSCRIBE')).toBe('>3 $11 unsubscribe $1 x :0');
    expect(a('UNSUBSCRIBE')).toBe('>3 $11 unsubscribe _ :0');
  });
});

describe('registry', () => {
  it('is empty once subscribers disconnect', () => {
    const { open, server, dispatcher } = setup();
    const [a, b] = [open(), open()];
    a('SUBSCRIBE', 'x', 'y');
    b('SUBSCRIBE', 'x');
    b('PSUBSCRIBE', '*');
    expect([server.pubsub.channelCount, server.pubsub.patternCount, server.pubsub.subscribers('x')]).toEqual([2, 1, 2]);
    dispatcher.disconnected(a.session);
    expect(server.pubsub.subscribers('x')).toBe(1);
    dispatcher.disconnected(b.session);
    expect([server.pubsub.channelCount, server.pubsub.patternCount]).toEqual([0, 0]);
    expect(server.pubsub.publish('x', 'gone')).toBe(0);
  });

  it('publishes from node code', () => {
    const { open, server } = setup();
    const a = open(3);
    a('SUBSCRIBE', '__ringcache__:topology');
    expect(server.pubsub.publish('__ringcache__:topology', 'epoch 7')).toBe(1);
    expect(a.output()).toBe('>3 $7 message $22 __ringcache__:topology $7 epoch 7');
  });
});

describe('PUBSUB', () => {
  it('CHANNELS, NUMSUB, NUMPAT, the shard subcommands and HELP', () => {
    const { open } = setup();
    const [a, b, q] = [open(), open(), open()];
    a('SUBSCRIBE', 'news.1', 'sport');
    b('SUBSCRIBE', 'news.1');
    b('PSUBSCRIBE', 'news.*', 'news.*', 's*');
    a('PSUBSCRIBE', 's*');
    expect(q('PUBSUB', 'CHANNELS')).toBe('*2 $6 news.1 $5 sport');
    expect(q('PUBSUB', 'channels', 'n*')).toBe('*1 $6 news.1');
    expect(q('PUBSUB', 'ChAnNeLs', 'a', 'b')).toBe("-ERR unknown subcommand or wrong number of arguments for 'ChAnNeLs'. Try PUBSUB HELP.");
    expect(q('PUBSUB', 'NUMSUB', 'news.1', 'nope')).toBe('*4 $6 news.1 :2 $4 nope :0');
    expect(q('PUBSUB', 'NUMSUB')).toBe('*0');
    expect(q('PUBSUB', 'NUMPAT')).toBe(':2');
    expect(q('PUBSUB', 'NUMPAT', 'x')).toBe("-ERR wrong number of arguments for 'pubsub|numpat' command");
    expect(q('PUBSUB', 'SHARDCHANNELS')).toBe('*0');
    expect(q('PUBSUB', 'SHARDNUMSUB', 'x')).toBe('*2 $1 x :0');
    expect(q('PUBSUB', 'HELP')).toMatch(/^\*14 \+PUBSUB <subcommand>/);
    expect(q('PUBSUB', 'nope')).toBe("-ERR unknown subcommand 'nope'. Try PUBSUB HELP.");
  });

  it('shows in CLIENT LIST and INFO', () => {
    const { open } = setup();
    const [a, q] = [open(), open()];
    a('SUBSCRIBE', 'x', 'y');
    a('PSUBSCRIBE', 'z*');
    const list = q('CLIENT', 'LIST');
    expect(list).toMatch(new RegExp(`id=${a.session.id} .* flags=P db=0 sub=2 psub=1 ssub=0 `));
    expect(q('CLIENT', 'LIST', 'TYPE', 'pubsub').match(/id=/g)).toHaveLength(1);
    expect(q('CLIENT', 'LIST', 'TYPE', 'normal')).not.toMatch(new RegExp(`id=${a.session.id} `));
    expect(q('INFO', 'stats')).toMatch(/pubsub_channels:2 pubsub_patterns:1 /);
  });
});

describe('transports without a connection', () => {
  it('refuse to subscribe but may publish', () => {
    const { internal, open } = setup();
    const ctx = internal();
    const a = open();
    a('SUBSCRIBE', 'x');
    table.execute(ctx, ['SUBSCRIBE', 'x']);
    expect((ctx.reply as ValueReply).take()).toMatchObject({ message: 'ERR SUBSCRIBE needs a RESP connection: this transport cannot receive pushed messages' });
    table.execute(ctx, ['PUBLISH', 'x', 'm']);
    expect((ctx.reply as ValueReply).take()).toBe(1);
    expect(a.output()).toBe('*3 $7 message $1 x $1 m');
  });
});
