import type { Reply } from './reply.js';

/**
 * A Reply that keeps nothing: for commands whose reply nobody reads, as a replica's commands from its
 * primary's replication stream (Redis's master client gets no replies either). Counts errors only.
 */
export class DiscardReply implements Reply {
  readonly protocol = 2 as const;
  errors = 0;

  ok(): void {}
  simple(): void {}
  error(): void {
    this.errors++;
  }
  integer(): void {}
  bulk(): void {}
  nil(): void {}
  nilArray(): void {}
  array(): void {}
  map(): void {}
  set(): void {}
  push(): void {}
  double(): void {}
  bool(): void {}
  verbatim(): void {}
  setProtocol(): void {}
}
