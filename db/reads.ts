/**
 * Read receipts of the bot's 催办 and 督办 (SPEC §4: "who read each 催办 and when is recorded and
 * shown"): which message chased which task and whom (`reminder_messages`, written when Lark gave
 * the message its id), and who read it when (`message_reads`, first read only). P2p reads come
 * as im.message.message_read_v1 events; group reads are asked with read_users for 7 days.
 */
import { and, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { enqueueMessages } from './outbox.js';
import { feedPins, messageReads, reminderMessages } from './schema.js';

const DAY = 86_400_000;
const CHUNK = 500;

export interface Reminds {
  taskId: number;
  kind: 'chase' | 'escalate';
  recipients: string[];
}

export async function recordReminderMessage(
  tx: Tx,
  messageId: string,
  tenantKey: string,
  chatId: string | null,
  reminds: readonly Reminds[],
  now: Date,
): Promise<void> {
  for (const r of reminds) {
    await tx
      .insert(reminderMessages)
      .values({ messageId, taskId: r.taskId, tenantKey, kind: r.kind, chatId, recipients: [...r.recipients], sentAt: now })
      .onConflictDoNothing();
  }
}

/** 即时提醒 turned on for these people in a group (the chase's first 催办 there): kept until they read one. */
export async function recordPins(tx: Tx, tenantKey: string, chatId: string, userIds: readonly string[], now: Date): Promise<void> {
  for (const userId of new Set(userIds)) {
    await tx
      .insert(feedPins)
      .values({ chatId, userId, tenantKey, pinnedAt: now })
      .onConflictDoUpdate({ target: [feedPins.chatId, feedPins.userId], set: { pinnedAt: now, tenantKey } });
  }
}

/**
 * Records first reads of the given messages, for those that are 催办 / 督办 messages. Returns how
 * many were new. A first read of a group 催办 by someone the bot pinned that group for (read after
 * the pin) turns the pin off: one feed_cards patch with time_sensitive false, queued here, once.
 */
export async function recordReads(tx: Tx, readerId: string, messageIds: readonly string[], readAt: Date, now: Date): Promise<number> {
  if (!messageIds.length) return 0;
  const known = await tx
    .selectDistinct({ messageId: reminderMessages.messageId, chatId: reminderMessages.chatId, tenantKey: reminderMessages.tenantKey })
    .from(reminderMessages)
    .where(inArray(reminderMessages.messageId, [...new Set(messageIds)].slice(0, CHUNK)));
  let added = 0;
  const seen = new Set<string>();
  for (const { messageId, chatId, tenantKey } of known) {
    if (seen.has(messageId)) continue;
    seen.add(messageId);
    const r = await tx.insert(messageReads).values({ messageId, readerId, readAt }).onConflictDoNothing().returning({ m: messageReads.messageId });
    added += r.length;
    if (!r.length || !chatId) continue;
    const unpinned = await tx
      .delete(feedPins)
      .where(and(eq(feedPins.chatId, chatId), eq(feedPins.userId, readerId), lte(feedPins.pinnedAt, readAt)))
      .returning({ userId: feedPins.userId });
    if (unpinned.length) await enqueueMessages(tx, tenantKey, [{ kind: 'pin', chatId, openIds: [readerId], timeSensitive: false }], now);
  }
  return added;
}

/** What a task's latest 催办 (and latest 督办) looks like: when it went out, and its first read by whom it was for. */
export interface ReadMark {
  sentAt: Date;
  /** The first read by one of its recipients; null: nobody it was for has read it. */
  readAt: Date | null;
  readBy: string | null;
}

export interface TaskReads {
  chase: ReadMark | null;
  escalate: ReadMark | null;
}

/** The read marks of these tasks' latest 催办 and 督办 messages. */
export async function readsOfTasks(db: Db | Tx, taskIds: readonly number[], before?: Date): Promise<Map<number, TaskReads>> {
  const out = new Map<number, TaskReads>();
  const unique = [...new Set(taskIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const ids = unique.slice(i, i + CHUNK);
    // The newest message of each (task, kind): a window over the (task_id, sent_at) index.
    const latest = await db.all<{ message_id: string; task_id: number; kind: string; recipients: string; sent_at: number }>(sql`
      SELECT message_id, task_id, kind, recipients, sent_at FROM (
        SELECT message_id, task_id, kind, recipients, sent_at,
               row_number() OVER (PARTITION BY task_id, kind ORDER BY sent_at DESC) AS rn
        FROM ${reminderMessages} WHERE task_id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )}) AND sent_at < ${before ? before.getTime() : Number.MAX_SAFE_INTEGER}
      ) WHERE rn = 1`);
    const reads = latest.length
      ? await db
          .select()
          .from(messageReads)
          .where(
            inArray(
              messageReads.messageId,
              latest.map((l) => l.message_id),
            ),
          )
      : [];
    for (const l of latest) {
      const recipients: string[] = JSON.parse(l.recipients);
      const first = reads
        .filter((r) => r.messageId === l.message_id && (recipients.length === 0 || recipients.includes(r.readerId)))
        .sort((a, b) => a.readAt.getTime() - b.readAt.getTime())[0];
      const mark: ReadMark = { sentAt: new Date(Number(l.sent_at)), readAt: first?.readAt ?? null, readBy: first?.readerId ?? null };
      const entry = out.get(l.task_id) ?? { chase: null, escalate: null };
      if (l.kind === 'chase') entry.chase = mark;
      else if (l.kind === 'escalate') entry.escalate = mark;
      out.set(l.task_id, entry);
    }
  }
  return out;
}

/**
 * Group 催办 messages to ask read_users about: sent within Lark's 7 days, not asked in the last
 * `everyMs`, some recipient not yet read; the newest first, at most `limit`.
 */
export async function messagesToPoll(db: Db, now: Date, limit = 50, everyMs = 30 * 60_000): Promise<Array<{ messageId: string; recipients: string[] }>> {
  const rows = await db
    .select({ messageId: reminderMessages.messageId, recipients: reminderMessages.recipients })
    .from(reminderMessages)
    .where(
      and(
        isNotNull(reminderMessages.chatId),
        gt(reminderMessages.sentAt, new Date(now.getTime() - 7 * DAY + 60_000)),
        or(isNull(reminderMessages.polledAt), lt(reminderMessages.polledAt, new Date(now.getTime() - everyMs))),
      ),
    )
    .orderBy(desc(reminderMessages.sentAt))
    .limit(limit * 4);
  const byMessage = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = byMessage.get(r.messageId) ?? new Set<string>();
    for (const u of r.recipients as string[]) set.add(u);
    byMessage.set(r.messageId, set);
  }
  const ids = [...byMessage.keys()];
  const reads = ids.length ? await db.select().from(messageReads).where(inArray(messageReads.messageId, ids)) : [];
  const out: Array<{ messageId: string; recipients: string[] }> = [];
  for (const [messageId, set] of byMessage) {
    const read = new Set(reads.filter((r) => r.messageId === messageId).map((r) => r.readerId));
    if ([...set].every((u) => read.has(u))) continue;
    out.push({ messageId, recipients: [...set] });
    if (out.length >= limit) break;
  }
  return out;
}

export async function markPolled(db: Db, messageId: string, now: Date): Promise<void> {
  await db.update(reminderMessages).set({ polledAt: now }).where(eq(reminderMessages.messageId, messageId));
}

/**
 * Whether read receipts reach the bot for this tenant: some read of its 催办 / 督办 recorded in the
 * last 7 days. Without them (no event subscription, no scope) the ladder does not guess.
 */
export async function receiptsFlowing(db: Db, tenantKey: string, now: Date): Promise<boolean> {
  const r = await db.all<{ one: number }>(sql`
    SELECT 1 AS one FROM ${messageReads} r JOIN ${reminderMessages} m ON m.message_id = r.message_id
    WHERE m.tenant_key = ${tenantKey} AND r.read_at > ${now.getTime() - 7 * DAY} LIMIT 1`);
  return r.length > 0;
}

/** How many 催办 / 督办 messages and reads there are: a change tells the sandbox page to refresh its marks. */
export async function readMarksCount(db: Db): Promise<string> {
  const r = await db.all<{ m: number; r: number }>(sql`SELECT (SELECT count(*) FROM ${reminderMessages}) AS m, (SELECT count(*) FROM ${messageReads}) AS r`);
  return `${r[0]?.m ?? 0}/${r[0]?.r ?? 0}`;
}

/**
 * Who each of these 催办 / 督办 messages was for, and when each of them first read it (null:
 * not yet): the read marks the sandbox shows beside the bot's messages. Other messages are absent.
 */
export async function readStatusOf(db: Db, messageIds: readonly string[]): Promise<Map<string, Array<{ userId: string; readAt: Date | null }>>> {
  const out = new Map<string, Array<{ userId: string; readAt: Date | null }>>();
  const unique = [...new Set(messageIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const ids = unique.slice(i, i + CHUNK);
    const rows = await db
      .select({ messageId: reminderMessages.messageId, recipients: reminderMessages.recipients })
      .from(reminderMessages)
      .where(inArray(reminderMessages.messageId, ids));
    if (!rows.length) continue;
    const reads = await db
      .select()
      .from(messageReads)
      .where(inArray(messageReads.messageId, [...new Set(rows.map((r) => r.messageId))]));
    for (const r of rows) {
      const list = out.get(r.messageId) ?? [];
      for (const u of r.recipients as string[]) {
        if (list.some((x) => x.userId === u)) continue;
        list.push({ userId: u, readAt: reads.find((x) => x.messageId === r.messageId && x.readerId === u)?.readAt ?? null });
      }
      out.set(r.messageId, list);
    }
  }
  return out;
}
