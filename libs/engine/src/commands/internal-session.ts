import type { BlockedClient } from './blocking.js';
import type { ClientSession } from './command.js';
import type { MultiState, WatchState } from './transactions.js';
import type { Subscriber } from '../pubsub-registry.js';

/**
 * The session of an in-process caller (Nest TCP, HTTP): already authenticated (those transports sit behind
 * their own listeners), RESP2 replies, never closed by a command.
 */
export class InternalSession implements ClientSession {
  name = '';
  db = 0;
  protocol: 2 | 3 = 2;
  authenticated = true;
  readonly addr = '';
  readonly laddr = '';
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  lastCommand = '';
  libName = '';
  libVer = '';
  readonly kind = 'internal' as const;
  multi: MultiState | undefined = undefined;
  watch: WatchState | undefined = undefined;
  /** Internal sessions never block (BlockingRegistry.block replies nil to them at once). */
  blocked: BlockedClient | undefined = undefined;
  /** Internal sessions never subscribe (SUBSCRIBE needs a connection to push messages to). */
  pubsub: Subscriber | undefined = undefined;
  replOffset = 0;
  replSlot = -1;
  readOnly = false;

  constructor(readonly id: number) {}

  close(): void {
    // Nothing to close: the transport owns its connections.
  }
  outputBytes(): number {
    return 0;
  }
  queryBytes(): number {
    return 0;
  }
  unblocked(): void {
    // Never blocked.
  }
  pushWritten(): void {
    // Never subscribed.
  }
}
