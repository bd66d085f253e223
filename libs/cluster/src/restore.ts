/**
 * A whole-cluster cold start from the members' own files (docs/persistence.md, "In a cluster").
 *
 * A member that loaded keys from its append-only file at start, and whose saved table (the nodes file: the
 * ring's members and epoch when it last changed) lists itself, *restores*: instead of copying its slots from
 * their current owners, it serves the slots the ring gives it from what it loaded. That is right only when no
 * member kept serving meanwhile (the whole cluster stopped) and no member saved a later table (this member's
 * file is not stale). Every member decides alone, from gossip:
 *
 * - `abandon`: some member serves without restoring (the cluster did not stop: copy from it, as any restarted
 *   member), or some member restores a later table (this one's file is older). It then syncs as usual.
 * - `serve`: every member of its saved table (`expected`) is known and alive, or one of them already served
 *   from a table of the same epoch, or the restore timeout passed (the missing members' slots go to their
 *   replicas, whose files hold them, as after a failure).
 * - `wait` otherwise.
 *
 * Once it served, the cold start stays open (`coldStartOpen`) while a member of the same epoch is still
 * restoring, or an expected member is still unknown and the timeout has not passed: meanwhile the ring changes as members
 * enter it one by one, so a restored member copies nothing, drops nothing and answers keyed commands with
 * TRYAGAIN (a client retries), and the final ring decides.
 */
import type { MemberInfo } from './membership.js';

export type RestoreDecision = 'wait' | 'serve' | 'abandon';

export const COLD_START_TRYAGAIN = 'TRYAGAIN The cluster is starting from its members\' append-only files; retry shortly';

/** Known, not declared failed or gone. */
function present(member: MemberInfo): boolean {
  return member.state === 'alive' || member.state === 'suspect';
}

/**
 * What a restoring member (`selfId`, restoring the table of `epoch`) does now; `expected` are the other members
 * of its saved table, `timedOut` whether the restore timeout has passed.
 */
export function restoreDecision(selfId: string, epoch: number, expected: ReadonlySet<string>, members: readonly MemberInfo[], timedOut: boolean): RestoreDecision {
  let servedFromSameEpoch = false;
  for (const member of members) {
    if (member.id === selfId || !present(member)) continue;
    const restoring = member.restoreEpoch;
    if (restoring !== undefined && restoring > epoch) return 'abandon';
    if (member.syncing === true) continue;
    if (restoring !== epoch) return 'abandon'; // serving, and not from this cold start
    servedFromSameEpoch = true;
  }
  if (servedFromSameEpoch || timedOut) return 'serve';
  return allExpectedPresent(selfId, expected, members) ? 'serve' : 'wait';
}

/**
 * After serving from its files: whether the cold start is still open for this member. It is while a member of
 * the same epoch is still restoring (it serves from its file as soon as it sees this one serving: closing now
 * would make it give up its data), unless `expired` (a safety bound); and while an expected member is still
 * unknown, until the restore timeout (`timedOut`).
 */
export function coldStartOpen(selfId: string, epoch: number, expected: ReadonlySet<string>, members: readonly MemberInfo[], timedOut: boolean, expired: boolean): boolean {
  if (expired) return false;
  if (otherRestoring(selfId, members, epoch)) return true;
  return !timedOut && !allExpectedPresent(selfId, expected, members);
}

/**
 * Whether a live member other than `selfId` is still restoring (syncing, with a restore epoch): of `epoch`, or
 * of any epoch without it. A member with nothing to restore waits for such members to serve (a new cluster's
 * members otherwise serve at once) and copies from them.
 */
export function otherRestoring(selfId: string, members: readonly MemberInfo[], epoch?: number): boolean {
  for (const member of members) {
    if (member.id === selfId || !present(member) || member.syncing !== true || member.restoreEpoch === undefined) continue;
    if (epoch === undefined || member.restoreEpoch === epoch) return true;
  }
  return false;
}

function allExpectedPresent(selfId: string, expected: ReadonlySet<string>, members: readonly MemberInfo[]): boolean {
  let found = 0;
  for (const member of members) if (member.id !== selfId && expected.has(member.id) && present(member)) found++;
  return found === expected.size;
}
