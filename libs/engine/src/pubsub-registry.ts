import type { ClientSession, CommandContext } from './commands/command.js';
import { globMatch } from './commands/glob.js';

/**
 * Pub/sub subscriptions of the whole node, as Redis's pubsub.c: channel → subscribers and pattern →
 * subscribers, each a Set in subscription order, plus each client's own channels and patterns (its
 * `ClientSession.pubsub`, undefined while it has none, which is what the command table tests).
 *
 * `publish` writes the message frames straight into each subscriber's reply writer (a RESP3 push `>`, an
 * array in RESP2) and tells its connection to send them (`pushWritten`), so it works from a command and from
 * node code alike. Empty sets are deleted at once: after the last client goes the registry holds nothing.
 */

/** One client's subscriptions; its `ctx` is the context its commands run in, whose reply is its writer. */
export class Subscriber {
  /** In subscription order (UNSUBSCRIBE / PUNSUBSCRIBE without arguments reply in this order). */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();

  constructor(readonly ctx: CommandContext) {}

  /** Redis's clientSubscriptionsCount: the number in (un)subscribe confirmations. */
  get count(): number {
    return this.channels.size + this.patterns.size;
  }
}

export class PubSubRegistry {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();

  /** INFO pubsub_channels: channels with at least one subscriber. */
  get channelCount(): number {
    return this.channels.size;
  }

  /** INFO pubsub_patterns, PUBSUB NUMPAT: distinct patterns with at least one subscriber. */
  get patternCount(): number {
    return this.patterns.size;
  }

  /** Subscribers of exactly `channel` (PUBSUB NUMSUB; patterns not counted). */
  subscribers(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  /** Channels with subscribers (PUBSUB CHANNELS). */
  activeChannels(): IterableIterator<string> {
    return this.channels.keys();
  }

  /** Subscribe `ctx`'s client to `channel` (no-op if it already is); returns its subscription count. */
  subscribe(ctx: CommandContext, channel: string): number {
    return this.join(ctx, channel, false);
  }

  psubscribe(ctx: CommandContext, pattern: string): number {
    return this.join(ctx, pattern, true);
  }

  /** Unsubscribe `client` from `channel` if subscribed; returns its remaining subscription count. */
  unsubscribe(client: ClientSession, channel: string): number {
    return this.leave(client, channel, false);
  }

  punsubscribe(client: ClientSession, pattern: string): number {
    return this.leave(client, pattern, true);
  }

  private join(ctx: CommandContext, name: string, pattern: boolean): number {
    let sub = ctx.client.pubsub;
    if (sub === undefined) {
      sub = new Subscriber(ctx);
      ctx.client.pubsub = sub;
    }
    const own = pattern ? sub.patterns : sub.channels;
    if (!own.has(name)) {
      own.add(name);
      addTo(pattern ? this.patterns : this.channels, name, sub);
    }
    return sub.count;
  }

  /** A client left with no subscriptions leaves subscribed mode. */
  private leave(client: ClientSession, name: string, pattern: boolean): number {
    const sub = client.pubsub;
    if (sub === undefined) return 0;
    if ((pattern ? sub.patterns : sub.channels).delete(name)) removeFrom(pattern ? this.patterns : this.channels, name, sub);
    const count = sub.count;
    if (count === 0) client.pubsub = undefined;
    return count;
  }

  /** Drop every subscription of `client` without replying (RESET, disconnect). */
  unsubscribeAll(client: ClientSession): void {
    const sub = client.pubsub;
    if (sub === undefined) return;
    for (const channel of sub.channels) removeFrom(this.channels, channel, sub);
    for (const pattern of sub.patterns) removeFrom(this.patterns, pattern, sub);
    sub.channels.clear();
    sub.patterns.clear();
    client.pubsub = undefined;
  }

  /**
   * Send `message` to the subscribers of `channel`, then to those of every pattern matching it; returns the
   * number of messages sent (a client subscribed to the channel and to two matching patterns counts 3).
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.channels.get(channel);
    if (direct !== undefined) {
      for (const sub of direct) deliver(sub, null, channel, message);
      receivers += direct.size;
    }
    if (this.patterns.size === 0) return receivers;
    for (const [pattern, subs] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const sub of subs) deliver(sub, pattern, channel, message);
      receivers += subs.size;
    }
    return receivers;
  }
}

/** Write one message frame into the subscriber's reply: [message, channel, payload] or [pmessage, pattern, ...]. */
function deliver(sub: Subscriber, pattern: string | null, channel: string, message: string): void {
  const r = sub.ctx.reply;
  if (pattern === null) {
    r.push(3);
    r.bulk('message');
  } else {
    r.push(4);
    r.bulk('pmessage');
    r.bulk(pattern);
  }
  r.bulk(channel);
  r.bulk(message);
  sub.ctx.client.pushWritten();
}

function addTo(index: Map<string, Set<Subscriber>>, name: string, sub: Subscriber): void {
  let set = index.get(name);
  if (set === undefined) {
    set = new Set();
    index.set(name, set);
  }
  set.add(sub);
}

function removeFrom(index: Map<string, Set<Subscriber>>, name: string, sub: Subscriber): void {
  const set = index.get(name);
  if (set === undefined) return;
  set.delete(sub);
  if (set.size === 0) index.delete(name);
}
