/** Reading tasks, and the one way to change them: commitChange (db/commit.ts). */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { isOpen } from '../bot/domain/roles.js';
import type {
  Assignee,
  Category,
  EditNote,
  OriginMessage,
  PendingExtension,
  PersonProgress,
  Priority,
  ReturnNote,
  Task,
  TaskState,
} from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { botMessages, botMessageTasks, taskAssignees, tasks } from './schema.js';

type TaskRow = typeof tasks.$inferSelect;
type AssigneeRow = typeof taskAssignees.$inferSelect;

/** The pending_extension column (JSON) as the task carries it. */
export function toPending(v: unknown): PendingExtension | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  return {
    dueAt: new Date(p.dueAt as string),
    reason: String(p.reason ?? ''),
    requestedBy: String(p.requestedBy ?? ''),
    requestedAt: new Date(p.requestedAt as string),
  };
}

/** The task_assignees.progress column (JSON) as the assignee carries it. */
export function toProgress(v: unknown): PersonProgress | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  return { text: String(p.text ?? ''), percent: typeof p.percent === 'number' ? p.percent : null, at: new Date(p.at as string) };
}

export function fromProgress(p: PersonProgress | null | undefined): unknown {
  return p ? { text: p.text, percent: p.percent, at: p.at.toISOString() } : null;
}

/** The tasks.last_return column (JSON). */
export function toReturnNote(v: unknown): ReturnNote | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  return {
    reason: String(p.reason ?? ''),
    by: String(p.by ?? ''),
    at: new Date(p.at as string),
    ...(typeof p.rework === 'number' ? { rework: p.rework } : {}),
  };
}

/** The tasks.last_edit column (JSON). */
export function toEditNote(v: unknown): EditNote | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  const payload = p.payload && typeof p.payload === 'object' ? (p.payload as Record<string, unknown>) : {};
  return { kind: String(p.kind ?? '') as EditNote['kind'], actorId: String(p.actorId ?? ''), payload, at: new Date(p.at as string) };
}

/** The tasks.origin column (JSON). */
export function toOrigin(v: unknown): OriginMessage | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  return typeof p.messageId === 'string' ? { messageId: p.messageId, chatId: String(p.chatId ?? ''), link: String(p.link ?? '') } : null;
}

export function toTask(row: TaskRow, assignees: AssigneeRow[]): Task {
  return {
    id: row.id,
    tenantKey: row.tenantKey,
    number: row.number,
    title: row.title,
    detail: row.detail,
    category: (row.category as Category | null) ?? null,
    source: row.source,
    priority: row.priority as Priority,
    state: row.state as TaskState,
    creatorId: row.creatorId,
    supervisorId: row.supervisorId,
    chatId: row.chatId,
    assignees: assignees
      .filter((a) => a.taskId === row.id)
      .sort((a, b) => a.position - b.position)
      .map((a): Assignee => ({ userId: a.userId, role: a.role as Assignee['role'], acceptedAt: a.acceptedAt, progress: toProgress(a.progress) })),
    dueAt: row.dueAt,
    originalDueAt: row.originalDueAt,
    revisitAt: row.revisitAt,
    percent: row.percent,
    lastProgressAt: row.lastProgressAt,
    lastProgressText: row.lastProgressText,
    returned: toReturnNote(row.lastReturn),
    pendingExtension: toPending(row.pendingExtension),
    lastEdit: toEditNote(row.lastEdit),
    origin: toOrigin(row.origin),
    extensionCount: row.extensionCount,
    returnCount: row.returnCount,
    chaseCount: row.chaseCount,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    acceptedAt: row.acceptedAt,
    submittedAt: row.submittedAt,
    doneAt: row.doneAt,
    cancelledAt: row.cancelledAt,
    cardMessageId: row.cardMessageId,
    cardSentAt: row.cardSentAt,
    version: row.version,
  };
}

export function toRow(t: Task): Omit<TaskRow, 'id'> {
  return {
    tenantKey: t.tenantKey,
    number: t.number,
    title: t.title,
    detail: t.detail,
    category: t.category,
    source: t.source,
    priority: t.priority,
    state: t.state,
    creatorId: t.creatorId,
    supervisorId: t.supervisorId,
    chatId: t.chatId,
    dueAt: t.dueAt,
    originalDueAt: t.originalDueAt,
    revisitAt: t.revisitAt,
    percent: t.percent,
    lastProgressAt: t.lastProgressAt,
    lastProgressText: t.lastProgressText,
    lastReturn: t.returned
      ? { reason: t.returned.reason, by: t.returned.by, at: t.returned.at.toISOString(), ...(t.returned.rework ? { rework: t.returned.rework } : {}) }
      : null,
    pendingExtension: t.pendingExtension
      ? {
          dueAt: t.pendingExtension.dueAt.toISOString(),
          reason: t.pendingExtension.reason,
          requestedBy: t.pendingExtension.requestedBy,
          requestedAt: t.pendingExtension.requestedAt.toISOString(),
        }
      : null,
    lastEdit: t.lastEdit ? { kind: t.lastEdit.kind, actorId: t.lastEdit.actorId, payload: t.lastEdit.payload, at: t.lastEdit.at.toISOString() } : null,
    origin: t.origin ? { messageId: t.origin.messageId, chatId: t.origin.chatId, link: t.origin.link } : null,
    extensionCount: t.extensionCount,
    returnCount: t.returnCount,
    chaseCount: t.chaseCount,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    acceptedAt: t.acceptedAt,
    submittedAt: t.submittedAt,
    doneAt: t.doneAt,
    cancelledAt: t.cancelledAt,
    cardMessageId: t.cardMessageId,
    cardSentAt: t.cardSentAt,
    version: t.version,
    isOpen: isOpen(t) ? 1 : 0,
  };
}

/** Loads full tasks (with assignees) for the given rows. */
export async function hydrate(db: Db | Tx, rows: TaskRow[]): Promise<Task[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const assignees: AssigneeRow[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    assignees.push(
      ...(await db
        .select()
        .from(taskAssignees)
        .where(inArray(taskAssignees.taskId, ids.slice(i, i + 500)))),
    );
  }
  const byTask = new Map<number, AssigneeRow[]>();
  for (const a of assignees) byTask.set(a.taskId, [...(byTask.get(a.taskId) ?? []), a]);
  return rows.map((r) => toTask(r, byTask.get(r.id) ?? []));
}

export async function getTaskById(db: Db | Tx, id: number): Promise<Task | null> {
  const rows = await db.select().from(tasks).where(eq(tasks.id, id));
  return (await hydrate(db, rows))[0] ?? null;
}

/** Whether the database holds any task at all (the sandbox seeds an empty office only). */
export async function hasAnyTask(db: Db | Tx): Promise<boolean> {
  const [row] = await db.select({ id: tasks.id }).from(tasks).limit(1);
  return Boolean(row);
}

export async function getTaskByNumber(db: Db | Tx, tenantKey: string, number: number): Promise<Task | null> {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.tenantKey, tenantKey), eq(tasks.number, number)));
  return (await hydrate(db, rows))[0] ?? null;
}

/** The task a bot message (card, reminder, reply) was about, for replies to it. */
export async function getTaskByMessageId(db: Db | Tx, tenantKey: string, messageId: string): Promise<Task | null> {
  const [m] = await db
    .select({ taskId: botMessages.taskId })
    .from(botMessages)
    .where(and(eq(botMessages.messageId, messageId), eq(botMessages.tenantKey, tenantKey)));
  if (m) return getTaskById(db, m.taskId);
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.tenantKey, tenantKey), eq(tasks.cardMessageId, messageId)));
  return (await hydrate(db, rows))[0] ?? null;
}

export async function listTasksInChat(db: Db | Tx, tenantKey: string, chatId: string): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.tenantKey, tenantKey), eq(tasks.chatId, chatId)))
    .orderBy(asc(tasks.number));
  return hydrate(db, rows);
}

/** The assignee's newest p2p card of the task (its message id and when it was sent), if any. */
export async function latestAssigneeCard(db: Db | Tx, taskId: number, assignee: string): Promise<{ messageId: string; sentAt: Date } | null> {
  const [m] = await db
    .select({ messageId: botMessages.messageId, sentAt: botMessages.sentAt })
    .from(botMessages)
    .where(and(eq(botMessages.taskId, taskId), eq(botMessages.cardFor, assignee)))
    .orderBy(desc(botMessages.sentAt))
    .limit(1);
  return m ?? null;
}

/** The task's chat and its group card's message id and send time. */
export async function groupCardOf(db: Db | Tx, taskId: number): Promise<{ chatId: string; cardMessageId: string | null; cardSentAt: Date | null } | null> {
  const [task] = await db
    .select({ chatId: tasks.chatId, cardMessageId: tasks.cardMessageId, cardSentAt: tasks.cardSentAt })
    .from(tasks)
    .where(eq(tasks.id, taskId));
  return task ?? null;
}

/** Records the tasks a message about several tasks lists (see bot_message_tasks). */
export async function recordBatchMessage(tx: Db | Tx, m: { messageId: string; tenantKey: string; taskIds: readonly number[] }): Promise<void> {
  const ids = [...new Set(m.taskIds)].filter((id) => Number.isSafeInteger(id) && id > 0);
  if (!ids.length) return;
  await tx
    .insert(botMessageTasks)
    .values(ids.map((taskId) => ({ messageId: m.messageId, tenantKey: m.tenantKey, taskId })))
    .onConflictDoNothing();
}

/** The tasks a message about several tasks lists, in number order; [] for any other message. */
export async function tasksOfBatchMessage(db: Db | Tx, tenantKey: string, messageId: string): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.tenantKey, tenantKey),
        inArray(
          tasks.id,
          db
            .select({ id: botMessageTasks.taskId })
            .from(botMessageTasks)
            .where(and(eq(botMessageTasks.messageId, messageId), eq(botMessageTasks.tenantKey, tenantKey))),
        ),
      ),
    )
    .orderBy(asc(tasks.number));
  return hydrate(db, rows);
}

/**
 * Records a message the bot sent about a task (replies to it then count for the task); a group
 * task card also becomes the card later updates edit in place.
 */
export async function recordBotMessage(
  tx: Db | Tx,
  m: { messageId: string; tenantKey: string; taskId: number; chatId: string | null; cardFor: string | null; groupCard: boolean },
  now: Date,
): Promise<void> {
  const { groupCard, ...row } = m;
  await tx
    .insert(botMessages)
    .values({ ...row, sentAt: now })
    .onConflictDoNothing();
  if (groupCard) await tx.update(tasks).set({ cardMessageId: m.messageId, cardSentAt: now }).where(eq(tasks.id, m.taskId));
}

/** Whose p2p task card the message is (null when it is none). */
export async function assigneeCardOwner(db: Db | Tx, tenantKey: string, messageId: string): Promise<string | null> {
  const [m] = await db
    .select({ cardFor: botMessages.cardFor })
    .from(botMessages)
    .where(and(eq(botMessages.messageId, messageId), eq(botMessages.tenantKey, tenantKey)));
  return m?.cardFor ?? null;
}
