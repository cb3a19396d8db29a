/**
 * The reads of the chase and revisit jobs. Each is a range on an index, so a scan costs what
 * is due, not what is open (SPEC §10):
 * - due or overdue: `tasks_open_due` (is_open, due_at), due_at < the window's end;
 * - unsigned: `tasks_state_created` (state, created_at), recent assignments only;
 * - silent (no progress): `tasks_open_activity` (is_open, last sign of life) in a window;
 * - 回头看: `tasks_revisit` (revisit_at) in a window;
 * - extension requests waiting for a decision: `tasks_pending_extension`, a partial index.
 * Claimed slots are checked in bulk (`sends` primary key) before anything is written.
 */
import { and, between, eq, gte, inArray, isNotNull, lt, lte, ne, sql } from 'drizzle-orm';
import type { ChatSettings, Task } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { settingsOf } from './chats.js';
import { chats, outbox, sends, taskActivityAt, taskEvents, tasks } from './schema.js';
import { hydrate } from './tasks.js';

export interface ChaseWindows {
  /** Open tasks due before this (everything overdue, and what is due within a working day or so). */
  dueBefore: Date;
  /** Unsigned tasks created in [from, to]. */
  unsignedFrom: Date;
  unsignedTo: Date;
  /** Open tasks whose last sign of life lies in [from, to]. */
  silentFrom: Date;
  silentTo: Date;
}

const CHUNK = 500;

/**
 * Candidate open tasks for the chase: the union of the index ranges, each task once, with
 * assignees. Submitted tasks come only as decisions waiting on their reviewer (`state` prefix of
 * `tasks_state_created`), never as the assignees' due or silent work; open tasks with a pending
 * extension request likewise wait on a decision.
 */
export async function loadChaseCandidates(db: Db, w: ChaseWindows): Promise<Task[]> {
  const [due, unsigned, silent, waiting, asking] = await Promise.all([
    db
      .select()
      .from(tasks)
      .where(and(eq(tasks.isOpen, 1), lt(tasks.dueAt, w.dueBefore), ne(tasks.state, 'submitted'))),
    db
      .select()
      .from(tasks)
      .where(and(eq(tasks.state, 'assigned'), between(tasks.createdAt, w.unsignedFrom, w.unsignedTo))),
    db
      .select()
      .from(tasks)
      .where(
        and(eq(tasks.isOpen, 1), sql`${taskActivityAt(tasks)} BETWEEN ${w.silentFrom.getTime()} AND ${w.silentTo.getTime()}`, ne(tasks.state, 'submitted')),
      ),
    db.select().from(tasks).where(eq(tasks.state, 'submitted')),
    pendingExtensions(db),
  ]);
  const byId = new Map<number, (typeof due)[number]>();
  for (const r of [...due, ...unsigned, ...silent, ...waiting, ...asking]) byId.set(r.id, r);
  return hydrate(
    db,
    [...byId.values()].sort((a, b) => a.id - b.id),
  );
}

/** Open tasks with an extension request waiting for a decision: a range on `tasks_pending_extension` (partial). */
export function pendingExtensions(db: Db) {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.isOpen, 1), isNotNull(tasks.pendingExtension), ne(tasks.state, 'submitted')));
}

/** Done tasks whose 回头看 time lies in [from, to]. */
export async function loadRevisitCandidates(db: Db, from: Date, to: Date): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(isNotNull(tasks.revisitAt), gte(tasks.revisitAt, from), lte(tasks.revisitAt, to), eq(tasks.state, 'done')));
  return hydrate(db, rows);
}

/** 催办次数 (SPEC §6) counts every 催办 sent, automatic or by hand: one more for each of these tasks. */
export async function bumpChaseCounts(tx: Tx, taskIds: readonly number[]): Promise<void> {
  for (let i = 0; i < taskIds.length; i += CHUNK) {
    await tx
      .update(tasks)
      .set({ chaseCount: sql`${tasks.chaseCount} + 1`, version: sql`${tasks.version} + 1` })
      .where(inArray(tasks.id, taskIds.slice(i, i + CHUNK)));
  }
}

/** Which of these slot keys are already claimed. */
export async function claimedKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const rows = await db
      .select({ key: sends.key })
      .from(sends)
      .where(inArray(sends.key, keys.slice(i, i + CHUNK)));
    for (const r of rows) out.add(r.key);
  }
  return out;
}

/** Settings of the given chats (defaults for a chat the bot has no row for). */
export async function settingsForChats(db: Db, chatIds: readonly string[]): Promise<Map<string, ChatSettings>> {
  const out = new Map<string, ChatSettings>();
  const unique = [...new Set(chatIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .select()
      .from(chats)
      .where(inArray(chats.chatId, unique.slice(i, i + CHUNK)));
    for (const r of rows) out.set(r.chatId, settingsOf(r));
  }
  for (const id of unique) if (!out.has(id)) out.set(id, settingsOf(null));
  return out;
}

/**
 * The loosest of every chat's chase numbers, so one scan window serves all chats: only chats
 * with their own settings are read (the table holds a row per chat, a few hundred at most).
 */
export async function loosestSettings(db: Db): Promise<Pick<ChatSettings, 'unsignedReminderWorkHours' | 'dueSoonHours' | 'staleProgressWorkdays'>> {
  const rows = await db.select({ settings: chats.settings }).from(chats).where(ne(chats.settings, sql`'{}'`));
  const all = [settingsOf(null), ...rows.map((r) => settingsOf(r))];
  const positive = (xs: number[]) => xs.filter((x) => x > 0);
  return {
    unsignedReminderWorkHours: Math.min(...positive(all.map((s) => s.unsignedReminderWorkHours)), Infinity),
    dueSoonHours: Math.max(...all.map((s) => s.dueSoonHours)),
    staleProgressWorkdays: Math.min(...positive(all.map((s) => s.staleProgressWorkdays)), Infinity),
  };
}

/**
 * When each person last reported progress on each task since `since` (the start of today):
 * nobody who already reported today is asked again. Reads `events_task_seq` by task.
 */
export async function progressSince(db: Db, taskIds: readonly number[], since: Date): Promise<Map<number, Record<string, Date>>> {
  const out = new Map<number, Record<string, Date>>();
  for (let i = 0; i < taskIds.length; i += CHUNK) {
    const rows = await db
      .select({ taskId: taskEvents.taskId, actorId: taskEvents.actorId, at: sql<number>`max(${taskEvents.at})` })
      .from(taskEvents)
      .where(and(inArray(taskEvents.taskId, taskIds.slice(i, i + CHUNK)), inArray(taskEvents.kind, ['progress', 'submitted']), gte(taskEvents.at, since)))
      .groupBy(taskEvents.taskId, taskEvents.actorId);
    for (const r of rows) {
      const m = out.get(r.taskId) ?? {};
      m[r.actorId] = new Date(Number(r.at));
      out.set(r.taskId, m);
    }
  }
  return out;
}

/**
 * When the next outbox row not leased by anyone comes due (a retry after a rate limit or a
 * failure), or null. Rows another process holds are that process's to send.
 */
export async function nextUnleasedDueAt(db: Db, now: Date): Promise<Date | null> {
  const [r] = await db
    .select({ at: sql<number | null>`min(${outbox.nextAttemptAt})` })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), sql`(${outbox.leaseUntil} IS NULL OR ${outbox.leaseUntil} < ${now.getTime()})`));
  return r?.at ? new Date(Number(r.at)) : null;
}

/** The tasks of one batch message (at most a card's items), for redrawing it after a click. */
export async function loadTasksByIds(db: Db, tenantKey: string, ids: readonly number[]): Promise<Task[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.tenantKey, tenantKey), inArray(tasks.id, [...ids])));
  return hydrate(db, rows);
}
