/**
 * Reads for the digests and /统计: the tasks a period's figures need, the counted events and the
 * directory (names and departments). /周报 subscriptions are subscriptions.ts, /台账's pages ledger.ts.
 */
import { and, asc, eq, gt, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { FigureEvent, FigureTaskCore, Period } from '../bot/domain/figures.js';
import type { Assignee, Task } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { chats, sends, taskAssignees, taskEvents, tasks, users } from './schema.js';
import { hydrate, toPending, toProgress } from './tasks.js';
import { HOLDER, namesPersonSql } from './sight.js';
import type { SeeingRole } from '../bot/domain/roles.js';

/** Event kinds the figures count (extensions, returns, chases). */
export const COUNTED_EVENT_KINDS = ['extension_approved', 'returned', 'chased'] as const;

const CHUNK = 500;

/** Tasks that can show up in figures from `since` on: every open task, and every task created, closed or changed since then. */
const inFiguresSince = (since: Date) =>
  or(eq(tasks.isOpen, 1), gte(tasks.createdAt, since), gte(tasks.updatedAt, since), gte(tasks.doneAt, since), gte(tasks.cancelledAt, since));

/**
 * Tasks that can show up in figures from `since` on: every open task, and every task created,
 * closed or changed since then. `chatIds` narrows to chats; omitted means the whole tenant.
 */
export async function loadFigureTasks(db: Db | Tx, tenantKey: string, since: Date, chatIds?: readonly string[]): Promise<Task[]> {
  const recent = inFiguresSince(since);
  if (chatIds && chatIds.length === 0) return [];
  if (!chatIds) {
    const rows = await db
      .select()
      .from(tasks)
      .where(and(eq(tasks.tenantKey, tenantKey), recent))
      .orderBy(asc(tasks.number));
    return hydrate(db, rows);
  }
  const out: Task[] = [];
  for (let i = 0; i < chatIds.length; i += CHUNK) {
    const rows = await db
      .select()
      .from(tasks)
      .where(and(eq(tasks.tenantKey, tenantKey), inArray(tasks.chatId, chatIds.slice(i, i + CHUNK)), recent))
      .orderBy(asc(tasks.number));
    out.push(...(await hydrate(db, rows)));
  }
  return out.sort((a, b) => a.number - b.number);
}

/**
 * Each person's latest word on these tasks (assignees who reported, in position order): what the
 * digest cards show under the few tasks they list. One query per CHUNK ids.
 */
export async function progressOfTasks(db: Db | Tx, taskIds: readonly number[]): Promise<Map<number, Assignee[]>> {
  const out = new Map<number, Assignee[]>();
  const ids = [...new Set(taskIds)];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .select()
      .from(taskAssignees)
      .where(and(inArray(taskAssignees.taskId, ids.slice(i, i + CHUNK)), sql`${taskAssignees.progress} IS NOT NULL`))
      .orderBy(asc(taskAssignees.taskId), asc(taskAssignees.position));
    for (const a of rows) {
      const list = out.get(a.taskId) ?? [];
      list.push({ userId: a.userId, role: a.role as Assignee['role'], acceptedAt: a.acceptedAt, progress: toProgress(a.progress) });
      out.set(a.taskId, list);
    }
  }
  return out;
}

/** A task as the digests read it: only the columns figures and the leader card use, its lead (leadOf) resolved. */
export type FigureRow = FigureTaskCore & { leadId: string | null };

const figureColumns = {
  id: tasks.id,
  number: tasks.number,
  title: tasks.title,
  chatId: tasks.chatId,
  state: tasks.state,
  creatorId: tasks.creatorId,
  supervisorId: tasks.supervisorId,
  dueAt: tasks.dueAt,
  originalDueAt: tasks.originalDueAt,
  createdAt: tasks.createdAt,
  submittedAt: tasks.submittedAt,
  doneAt: tasks.doneAt,
  cancelledAt: tasks.cancelledAt,
  pendingExtension: tasks.pendingExtension,
  // leadOf over the assignees in position order: the first lead, else the first assignee.
  // (Spelled out: drizzle leaves columns in a select list unqualified.)
  leadId: sql<
    string | null
  >`(SELECT a.user_id FROM task_assignees AS a WHERE a.task_id = "tasks"."id" ORDER BY a.role = 'lead' DESC, a.position, a.user_id LIMIT 1)`,
};

type FigureSelectRow = Omit<FigureRow, 'state' | 'pendingExtension'> & { state: string; pendingExtension: unknown };

const toFigureRow = (r: FigureSelectRow): FigureRow => ({ ...r, state: r.state as FigureRow['state'], pendingExtension: toPending(r.pendingExtension) });

/** How many figure tasks (see loadFigureTasks) each chat of the tenant has. */
export async function countFigureTasks(db: Db | Tx, tenantKey: string, since: Date): Promise<Map<string, number>> {
  const rows = await db
    .select({ chatId: tasks.chatId, n: sql<number>`count(*)` })
    .from(tasks)
    .where(and(eq(tasks.tenantKey, tenantKey), inFiguresSince(since)))
    .groupBy(tasks.chatId);
  return new Map(rows.map((r) => [r.chatId, Number(r.n)]));
}

/** One page of figureTaskPages: tasks, their counted events, and the chats now complete. */
export interface FigurePage {
  tasks: FigureRow[];
  /** The counted events in the period of exactly these tasks. */
  events: FigureEvent[];
  /** Chats all of whose tasks have now been given (in the order asked, with or without tasks). */
  complete: string[];
}

/** Tasks per page of figureTaskPages. */
export const FIGURE_PAGE_SIZE = 1_000;

/**
 * The figure tasks (see loadFigureTasks) of these chats, in pages of about `pageSize` tasks,
 * each with its tasks' counted events in `period`: the digests read a tenant without holding
 * it. Small chats share a page; a chat larger than a page is read in several, by creation
 * time. Chats complete in the order given.
 */
export async function* figureTaskPages(
  db: Db | Tx,
  tenantKey: string,
  since: Date,
  chatIds: readonly string[],
  period: Period,
  pageSize = FIGURE_PAGE_SIZE,
): AsyncGenerator<FigurePage> {
  const counts = await countFigureTasks(db, tenantKey, since);
  const recent = and(eq(tasks.tenantKey, tenantKey), inFiguresSince(since));
  const page = async (rows: FigureSelectRow[], complete: string[]): Promise<FigurePage> => {
    // The page's ids as one JSON parameter: one round trip (remote libSQL pays per trip) whatever the page size.
    const ids = JSON.stringify(rows.map((r) => r.id));
    const events = rows.length
      ? await db
          .select({ taskId: taskEvents.taskId, kind: taskEvents.kind, at: taskEvents.at })
          .from(taskEvents)
          .where(
            and(
              sql`${taskEvents.taskId} IN (SELECT value FROM json_each(${ids}))`,
              eq(taskEvents.tenantKey, tenantKey),
              gte(taskEvents.at, period.from),
              lt(taskEvents.at, period.to),
              inArray(taskEvents.kind, [...COUNTED_EVENT_KINDS]),
            ),
          )
      : [];
    return { tasks: rows.map(toFigureRow), events, complete };
  };
  const ofChats = (ids: string[]) =>
    db
      .select(figureColumns)
      .from(tasks)
      .where(and(recent, inArray(tasks.chatId, ids)));

  let batch: string[] = [];
  let inBatch = 0;
  for (const chatId of chatIds) {
    const n = counts.get(chatId) ?? 0;
    if (batch.length && (inBatch + n > pageSize || batch.length >= CHUNK)) {
      yield await page(await ofChats(batch), batch);
      batch = [];
      inBatch = 0;
    }
    if (n <= pageSize) {
      batch.push(chatId);
      inBatch += n;
      continue;
    }
    // A chat larger than a page: by (created_at, id), the order of its index.
    let after: { createdAt: Date; id: number } | null = null;
    for (;;) {
      const rows: FigureSelectRow[] = await db
        .select(figureColumns)
        .from(tasks)
        .where(
          and(
            recent,
            eq(tasks.chatId, chatId),
            after ? and(gte(tasks.createdAt, after.createdAt), or(gt(tasks.createdAt, after.createdAt), gt(tasks.id, after.id))) : undefined,
          ),
        )
        .orderBy(asc(tasks.createdAt), asc(tasks.id))
        .limit(pageSize);
      const last = rows.length < pageSize;
      const tail = rows[rows.length - 1];
      after = tail ? { createdAt: tail.createdAt, id: tail.id } : null;
      yield await page(rows, last ? [chatId] : []);
      if (last) break;
    }
  }
  if (batch.length) yield await page(await ofChats(batch), batch);
}

/**
 * The chats of the figure tasks (see loadFigureTasks) where each of these people holds one of
 * `roles` (bot/domain/roles.ts: the leader card passes LEADER_CARD_ROLES): who → chat ids.
 */
export async function chatsOfTasksBy(
  db: Db | Tx,
  tenantKey: string,
  since: Date,
  userIds: readonly string[],
  roles: readonly SeeingRole[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const add = (userId: string | null, chatId: string) => {
    if (!userId) return;
    let set = out.get(userId);
    if (!set) out.set(userId, (set = new Set()));
    set.add(chatId);
  };
  const recent = and(eq(tasks.tenantKey, tenantKey), inFiguresSince(since));
  for (let i = 0; i < userIds.length; i += CHUNK) {
    const some = userIds.slice(i, i + CHUNK);
    for (const role of roles) {
      const q = db.selectDistinct({ userId: HOLDER[role], chatId: tasks.chatId }).from(tasks).$dynamic();
      const from = role === 'assignee' ? q.innerJoin(taskAssignees, eq(taskAssignees.taskId, tasks.id)) : q;
      for (const r of await from.where(and(recent, inArray(HOLDER[role], some)))) add(r.userId, r.chatId);
    }
  }
  return out;
}

/** Like loadFigureTasks, for the tasks a person created, supervises or is assigned to (p2p /统计). */
export async function loadTasksInvolving(db: Db | Tx, tenantKey: string, userId: string, since: Date): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.tenantKey, tenantKey), namesPersonSql(db, userId), inFiguresSince(since)))
    .orderBy(asc(tasks.number));
  return hydrate(db, rows);
}

/** The counted events of a tenant in [from, to). */
export async function loadFigureEvents(db: Db | Tx, tenantKey: string, from: Date, to: Date): Promise<FigureEvent[]> {
  return db
    .select({ taskId: taskEvents.taskId, kind: taskEvents.kind, at: taskEvents.at })
    .from(taskEvents)
    .where(and(eq(taskEvents.tenantKey, tenantKey), gte(taskEvents.at, from), lt(taskEvents.at, to), inArray(taskEvents.kind, [...COUNTED_EVENT_KINDS])));
}

export interface Directory {
  names: Record<string, string>;
  departmentOf: Record<string, string | null>;
  departmentNames: Record<string, string>;
}

/** Names and departments from the directory cache (no Lark calls: digests run in bulk). */
export async function loadDirectory(db: Db | Tx, tenantKey: string): Promise<Directory> {
  const rows = await db
    .select({ openId: users.openId, name: users.name, departmentId: users.departmentId, departmentName: users.departmentName })
    .from(users)
    .where(eq(users.tenantKey, tenantKey));
  const dir: Directory = { names: {}, departmentOf: {}, departmentNames: {} };
  for (const r of rows) {
    dir.names[r.openId] = r.name;
    dir.departmentOf[r.openId] = r.departmentId;
    if (r.departmentId && r.departmentName) dir.departmentNames[r.departmentId] = r.departmentName;
  }
  return dir;
}

export async function listTenants(db: Db | Tx): Promise<string[]> {
  const rows = await db.all<{ tenant_key: string }>(
    sql`SELECT tenant_key FROM chats UNION SELECT tenant_key FROM subscriptions UNION SELECT DISTINCT tenant_key FROM tasks WHERE is_open = 1`,
  );
  return rows.map((r) => r.tenant_key).sort();
}

/** Which of these `sends` keys are already claimed (a cheap check before loading a tenant). */
export async function claimedKeys(db: Db | Tx, keys: readonly string[]): Promise<Set<string>> {
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

export async function listChats(db: Db | Tx, tenantKey: string) {
  return db.select().from(chats).where(eq(chats.tenantKey, tenantKey));
}
