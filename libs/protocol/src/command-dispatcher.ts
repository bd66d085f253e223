import type { ClientSession } from '../../engine/src/commands/command.js';
import type { RespWriter } from './resp-writer.js';

/**
 * What the RESP server hands each command to (the command table's adapter). Called synchronously on the
 * socket's 'data' turn; `execute` writes exactly one reply into `reply` and may call `session.close()`.
 */
export interface CommandDispatcher {
  execute(session: ClientSession, reply: RespWriter, args: string[]): void;
  connected(session: ClientSession): void;
  disconnected(session: ClientSession): void;
}
