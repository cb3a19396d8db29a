/**
 * The chase asks Lark who read its group 催办 (read_users answers for the bot's own messages of
 * the last 7 days): each message at most every 30 minutes while someone it named has not read it,
 * at most 50 messages a run, the newest first. P2p reads arrive as events instead. The sandbox
 * asks at once (`everyMs` 0) after someone opened a group there.
 */
import type { Deps } from '../bot/deps.js';
import { markPolled, messagesToPoll, recordReads } from '../db/reads.js';

export async function pollReads(deps: Deps, now: Date, everyMs?: number): Promise<number> {
  let found = 0;
  for (const m of await messagesToPoll(deps.db, now, 50, everyMs)) {
    try {
      const readers = (await deps.lark.readUsers(m.messageId)).filter((r) => m.recipients.includes(r.openId));
      if (readers.length) {
        found += await deps.db.transaction(async (tx) => {
          let n = 0;
          for (const r of readers) n += await recordReads(tx, r.openId, [m.messageId], r.readAt, now);
          return n;
        });
      }
    } catch (err) {
      deps.log.warn({ err, message_id: m.messageId }, 'read_users failed; asked again later');
    }
    await markPolled(deps.db, m.messageId, now);
  }
  // A read may have queued the 即时提醒's end (db/reads.ts recordReads).
  if (found) deps.kickOutbox();
  return found;
}
