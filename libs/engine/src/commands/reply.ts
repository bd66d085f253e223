/**
 * Where a command handler writes its reply. The RESP writer (libs/protocol) encodes it as RESP2 or RESP3
 * bytes; `ValueReply` builds plain JS values for the Nest TCP and HTTP transports. Handlers never know which.
 *
 * Strings are "binary strings": one char per byte (latin1), as keys and values are stored.
 * Aggregates are written as a header followed by exactly that many items.
 */
export interface Reply {
  /** +OK */
  ok(): void;
  /** Simple string: +text */
  simple(text: string): void;
  /** Error with its Redis prefix included, e.g. "ERR syntax error", "WRONGTYPE Operation ...". */
  error(message: string): void;
  /** Integer: :n (a bigint for int64 values beyond 2^53, e.g. INCR near the int64 limit). */
  integer(n: number | bigint): void;
  /** Bulk string: $len\r\n...; null writes the nil bulk ($-1 in RESP2, _ in RESP3). */
  bulk(value: string | null): void;
  /** Nil bulk string ($-1 / _). */
  nil(): void;
  /** Nil array (*-1 in RESP2, _ in RESP3), e.g. a blocking pop that timed out, or SET ... GET on a missing key where Redis says so. */
  nilArray(): void;
  /** Array header: *n */
  array(length: number): void;
  /** Map header: %n in RESP3 (n pairs follow), *2n flat array in RESP2. */
  map(pairs: number): void;
  /** Set header: ~n in RESP3, *n in RESP2. */
  set(length: number): void;
  /** Push header: >n in RESP3, *n in RESP2 (pub/sub messages and (un)subscribe confirmations). */
  push(length: number): void;
  /** Double: ,d in RESP3; bulk string in RESP2 (formatted as Redis does). */
  double(value: number): void;
  /** Boolean: #t/#f in RESP3; integer 1/0 in RESP2. */
  bool(value: boolean): void;
  /** Verbatim string (=len\r\ntxt:...) in RESP3; bulk string in RESP2. Used by INFO, CLIENT LIST. */
  verbatim(text: string): void;
  /** The protocol version of the connection this reply goes to: 2 or 3. */
  readonly protocol: 2 | 3;
  /** Switch the encoding for the rest of the connection (HELLO 2|3). */
  setProtocol(protocol: 2 | 3): void;
  /** Error replies written so far (the command table compares before/after to count failed calls). */
  readonly errors: number;
}
