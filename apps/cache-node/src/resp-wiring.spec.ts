import { describe, expect, it } from '@jest/globals';
import { ConfigStore } from '../../../libs/engine/src/commands/config-store.js';
import { NODE_PARAMS } from '../../../libs/engine/src/commands/params.js';
import { ServerState } from '../../../libs/engine/src/commands/server-state.js';
import { RespServer } from '../../../libs/protocol/src/resp-server.js';
import { followRespConfig, normalOutputBufferLimit, pubsubOutputBufferLimit, respServerOptions } from './resp-wiring.js';

const noDispatch = { connected: () => undefined, disconnected: () => undefined, execute: () => undefined };

function wired(settings: Record<string, string> = {}): { config: ConfigStore; resp: RespServer } {
  const config = new ConfigStore(NODE_PARAMS);
  for (const [name, value] of Object.entries(settings)) config.set(name, value, true);
  const resp = new RespServer(respServerOptions(config, new ServerState(config), '127.0.0.1', 0), noDispatch);
  followRespConfig(config, resp);
  return { config, resp };
}

describe('RESP wiring', () => {
  it('takes timeout from the config (default 0 = never) and follows CONFIG SET timeout', () => {
    expect(wired().resp.idleTimeout).toBe(0);
    const { config, resp } = wired({ timeout: '30' });
    expect(resp.idleTimeout).toBe(30);
    config.set('timeout', '5');
    expect(resp.idleTimeout).toBe(5);
    config.set('timeout', '0');
    expect(resp.idleTimeout).toBe(0);
  });

  it('follows CONFIG SET maxclients and client-output-buffer-limit', () => {
    const { config, resp } = wired();
    config.set('maxclients', '7');
    expect(resp.maxClients).toBe(7);
    config.set('client-output-buffer-limit', 'normal 1mb 0 0');
    expect(resp.clientOutputBufferLimit).toBe(1024 * 1024);
    expect(normalOutputBufferLimit('replica 256mb 64mb 60')).toBe(0);
  });

  it('takes the pubsub class of client-output-buffer-limit, kept when CONFIG SET does not name it', () => {
    const { config, resp } = wired();
    expect(resp.pubsubOutputBufferLimit).toEqual({ hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 });
    config.set('client-output-buffer-limit', 'pubsub 1mb 512kb 10');
    expect(resp.pubsubOutputBufferLimit).toEqual({ hard: 1024 * 1024, soft: 512 * 1024, softSeconds: 10 });
    config.set('client-output-buffer-limit', 'normal 1mb 0 0');
    expect(resp.pubsubOutputBufferLimit).toEqual({ hard: 1024 * 1024, soft: 512 * 1024, softSeconds: 10 });
    expect(pubsubOutputBufferLimit('pubsub 0 0 0')).toEqual({ hard: 0, soft: 0, softSeconds: 0 });
  });
});
