/**
 * The chase asks Lark who read its group 催办 (read_users answers for the bot's own messages of
 * the last 7 days): each message at most every 30 minutes while someone it named has not read it,
 * at most 50 messages a run, the newest first. P2p reads arrive as events instead.
 */
import type { Deps } from '../bot/deps.js';
import { markPolled, messagesToPoll, recordReads } from '../db/reads.js';

export async function pollReads(deps: Deps, now: Date): Promise<number> {
  let found = 0;
  for (const m of await messagesToPoll(deps.db, now)) {
    try {
      const readers = await deps.lark.readUsers(m.messageId);
      for (const r of readers) if (m.recipients.includes(r.openId)) found += await recordReads(deps.db, r.openId, [m.messageId], r.readAt);
    } catch (err) {
      deps.log.warn({ err, message_id: m.messageId }, 'read_users failed; asked again later');
    }
    await markPolled(deps.db, m.messageId, now);
  }
  return found;
}
