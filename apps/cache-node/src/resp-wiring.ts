/**
 * Wires the RESP server to the node: its options from the config (and CONFIG SET changes to the limits and
 * the idle timeout, which may change at run time), client ids from ServerState, AUTH from requirepass, and
 * and its counters kept in ServerState itself, so INFO and /metrics read one set of numbers.
 */
import type { ConfigStore } from '../../../libs/engine/src/commands/config-store.js';
import { parseMemory } from '../../../libs/engine/src/commands/config-store.js';
import type { ServerState } from '../../../libs/engine/src/commands/server-state.js';
import type { RespServer, RespServerOptions } from '../../../libs/protocol/src/resp-server.js';
import type { OutputBufferLimit } from '../../../libs/protocol/src/resp-connection.js';

/** Hard limit of the `normal` class in client-output-buffer-limit ("normal 0 0 0 replica ..."); 0 = none. */
export function normalOutputBufferLimit(value: string): number {
  const words = value.trim().split(/\s+/);
  const at = words.indexOf('normal');
  return at < 0 ? 0 : (parseMemory(words[at + 1] ?? '0') ?? 0);
}

/** Redis's default pubsub class: 32 MB hard, 8 MB soft for 60 s. */
const PUBSUB_DEFAULT: OutputBufferLimit = { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 };

/**
 * The `pubsub` class of client-output-buffer-limit ("... pubsub 33554432 8388608 60"). A value that does not
 * name the class leaves it as it was (`previous`), as Redis's CONFIG SET does for the classes it omits.
 */
export function pubsubOutputBufferLimit(value: string, previous = PUBSUB_DEFAULT): OutputBufferLimit {
  const words = value.trim().split(/\s+/);
  const at = words.indexOf('pubsub');
  if (at < 0) return previous;
  return {
    hard: parseMemory(words[at + 1] ?? '0') ?? 0,
    soft: parseMemory(words[at + 2] ?? '0') ?? 0,
    softSeconds: Number(words[at + 3] ?? '0') || 0,
  };
}

export function respServerOptions(config: ConfigStore, server: ServerState, host: string, port: number): RespServerOptions {
  return {
    host,
    port,
    maxClients: config.getNumber('maxclients'),
    clientOutputBufferLimit: normalOutputBufferLimit(config.get('client-output-buffer-limit')),
    pubsubOutputBufferLimit: pubsubOutputBufferLimit(config.get('client-output-buffer-limit')),
    clientQueryBufferLimit: config.getNumber('client-query-buffer-limit'),
    protoMaxBulkLen: config.getNumber('proto-max-bulk-len'),
    idleTimeout: config.getNumber('timeout'),
    nextClientId: () => server.nextClientId(),
    authRequired: () => server.requirePass !== '',
    beforeReply: () => server.beforeReply?.(),
    counters: server,
  };
}

/** CONFIG SET of the RESP limits and timeout the server reads at run time (parser limits apply to new connections). */
export function followRespConfig(config: ConfigStore, resp: RespServer): void {
  config.onChange((name, value) => {
    if (name === 'maxclients') resp.maxClients = Number(value);
    else if (name === 'client-output-buffer-limit') {
      resp.clientOutputBufferLimit = normalOutputBufferLimit(value);
      resp.pubsubOutputBufferLimit = pubsubOutputBufferLimit(value, resp.pubsubOutputBufferLimit);
    }
    else if (name === 'timeout') resp.idleTimeout = Number(value);
  });
}
