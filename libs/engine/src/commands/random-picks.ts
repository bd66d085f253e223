/** The random picks of HRANDFIELD, SRANDMEMBER/SPOP and ZRANDMEMBER: count parsing and distinct positions. */
import type { CommandContext } from './command.js';
import { INT64_MIN, parseInt64 } from './args.js';
import { NOT_INTEGER, SYNTAX } from './errors.js';

/** With values/scores, |count| above LONG_MAX / 2 is refused (Redis doubles it for the reply length). */
const LONG_MAX_HALF = 4611686018427387903n;

/** A uniformly random integer in [0, n). */
export function randomIndex(n: number): number {
  return Math.floor(Math.random() * n);
}

/**
 * HRANDFIELD / ZRANDMEMBER `key count [option]`: the count and whether `option` (WITHVALUES, WITHSCORES) was
 * given, checked in Redis's order; undefined after replying the error.
 */
export function parseRandomCount(ctx: CommandContext, args: string[], option: string): { count: number; withOption: boolean } | undefined {
  const { reply } = ctx;
  const parsed = parseInt64(args[2]);
  if (parsed === undefined) return void reply.error(NOT_INTEGER);
  if (parsed === INT64_MIN) return void reply.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  if (args.length > 4 || (args.length === 4 && args[3].toLowerCase() !== option)) return void reply.error(SYNTAX);
  const withOption = args.length === 4;
  if (withOption && (BigInt(parsed) < -LONG_MAX_HALF || BigInt(parsed) > LONG_MAX_HALF)) return void reply.error('ERR value is out of range');
  return { count: Number(parsed), withOption };
}

/** `count` distinct random positions in [0, size), count < size: a partial Fisher-Yates shuffle kept sparse, O(count). */
export function* distinctIndexes(size: number, count: number): Generator<number> {
  const swapped = new Map<number, number>();
  for (let k = 0; k < count; k++) {
    const j = k + randomIndex(size - k);
    const picked = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(k) ?? k);
    yield picked;
  }
}
