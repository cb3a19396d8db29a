/**
 * Reads for the digests, /统计 and /台账: the tasks a period's figures need, the counted events,
 * the directory (names and departments), subscriptions, and the ledger's full event log.
 */
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { FigureEvent, FigureTaskCore, Period } from '../bot/domain/figures.js';
import type { LedgerEvent, LedgerTask } from '../bot/domain/ledger.js';
import type { Assignee, Category, Task, TaskState } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { chats, sends, subscriptions, taskAssignees, taskEvents, tasks, users } from './schema.js';
import { hydrate, toPending, toProgress } from './tasks.js';
import { nextTurn } from '../bot/turn.js';

/** Event kinds the figures count (extensions, returns, chases). */
export const COUNTED_EVENT_KINDS = ['extension_approved', 'returned', 'chased', 'escalated'] as const;

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
 * The chats of the figure tasks (see loadFigureTasks) each of these people created or
 * supervises: who → chat ids.
 */
export async function chatsOfTasksBy(db: Db | Tx, tenantKey: string, since: Date, userIds: readonly string[]): Promise<Map<string, Set<string>>> {
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
    for (const r of await db
      .selectDistinct({ userId: tasks.creatorId, chatId: tasks.chatId })
      .from(tasks)
      .where(and(recent, inArray(tasks.creatorId, some)))) {
      add(r.userId, r.chatId);
    }
    for (const r of await db
      .selectDistinct({ userId: tasks.supervisorId, chatId: tasks.chatId })
      .from(tasks)
      .where(and(recent, inArray(tasks.supervisorId, some)))) {
      add(r.userId, r.chatId);
    }
  }
  return out;
}

/** Like loadFigureTasks, for the tasks a person created, supervises or is assigned to (p2p /统计). */
export async function loadTasksInvolving(db: Db | Tx, tenantKey: string, userId: string, since: Date): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.tenantKey, tenantKey),
        or(
          eq(tasks.creatorId, userId),
          eq(tasks.supervisorId, userId),
          inArray(tasks.id, db.select({ id: taskAssignees.taskId }).from(taskAssignees).where(eq(taskAssignees.userId, userId))),
        ),
        or(eq(tasks.isOpen, 1), gte(tasks.createdAt, since), gte(tasks.updatedAt, since), gte(tasks.doneAt, since), gte(tasks.cancelledAt, since)),
      ),
    )
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

export async function listSubscribers(db: Db | Tx, tenantKey: string): Promise<string[]> {
  const rows = await db.select({ userId: subscriptions.userId }).from(subscriptions).where(eq(subscriptions.tenantKey, tenantKey));
  return rows.map((r) => r.userId).sort();
}

/** /周报 订阅: true when newly subscribed. */
export async function subscribe(db: Db | Tx, tenantKey: string, userId: string, now: Date): Promise<boolean> {
  const r = await db.insert(subscriptions).values({ tenantKey, userId, createdAt: now }).onConflictDoNothing().returning({ userId: subscriptions.userId });
  return r.length > 0;
}

/** /周报 退订: true when a subscription was removed. */
export async function unsubscribe(db: Db | Tx, tenantKey: string, userId: string): Promise<boolean> {
  const r = await db
    .delete(subscriptions)
    .where(and(eq(subscriptions.tenantKey, tenantKey), eq(subscriptions.userId, userId)))
    .returning({ userId: subscriptions.userId });
  return r.length > 0;
}

export async function isSubscribed(db: Db | Tx, tenantKey: string, userId: string): Promise<boolean> {
  const r = await db
    .select({ userId: subscriptions.userId })
    .from(subscriptions)
    .where(and(eq(subscriptions.tenantKey, tenantKey), eq(subscriptions.userId, userId)));
  return r.length > 0;
}

export interface LedgerScope {
  tenantKey: string;
  /** Tasks of this chat… */
  chatId?: string;
  /** …or tasks this person created or supervises (a p2p export). */
  ownerId?: string;
  /**
   * The period [from, to); omitted: all. A period's ledger holds every task open at any time
   * in it — carried-over work included — and so every task created or closed in it.
   */
  from?: Date;
  to?: Date;
}

function ledgerWhere(s: LedgerScope) {
  return and(
    eq(tasks.tenantKey, s.tenantKey),
    s.chatId ? eq(tasks.chatId, s.chatId) : undefined,
    s.ownerId ? or(eq(tasks.creatorId, s.ownerId), eq(tasks.supervisorId, s.ownerId)) : undefined,
    s.to ? lt(tasks.createdAt, s.to) : undefined,
    s.from ? or(isNull(tasks.doneAt), gte(tasks.doneAt, s.from)) : undefined,
    s.from ? or(isNull(tasks.cancelledAt), gte(tasks.cancelledAt, s.from)) : undefined,
  );
}

/** Whether the person created or supervises any task of the chat. */
export async function hasTaskAnsweredBy(db: Db | Tx, tenantKey: string, chatId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.tenantKey, tenantKey), eq(tasks.chatId, chatId), or(eq(tasks.creatorId, userId), eq(tasks.supervisorId, userId))))
    .limit(1);
  return !!row;
}

export async function countLedgerTasks(db: Db | Tx, scope: LedgerScope): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)` }).from(tasks).where(ledgerWhere(scope));
  return Number(r?.n ?? 0);
}

/** Tasks per page of ledgerTaskPages / ledgerEventPages. */
export const LEDGER_PAGE_SIZE = 500;

/** A task as the ledger reads it: the columns its row and its light need. */
export type LedgerTaskRow = LedgerTask & Pick<Task, 'chatId' | 'percent' | 'acceptedAt'>;

const ledgerTaskColumns = {
  id: tasks.id,
  number: tasks.number,
  title: tasks.title,
  category: tasks.category,
  source: tasks.source,
  state: tasks.state,
  creatorId: tasks.creatorId,
  chatId: tasks.chatId,
  createdAt: tasks.createdAt,
  dueAt: tasks.dueAt,
  originalDueAt: tasks.originalDueAt,
  submittedAt: tasks.submittedAt,
  doneAt: tasks.doneAt,
  acceptedAt: tasks.acceptedAt,
  percent: tasks.percent,
  lastProgressText: tasks.lastProgressText,
  lastProgressAt: tasks.lastProgressAt,
  extensionCount: tasks.extensionCount,
  chaseCount: tasks.chaseCount,
};

export interface LedgerPageOptions {
  /** Tasks per page (default LEDGER_PAGE_SIZE). */
  pageSize?: number;
  /** Only tasks numbered up to this (the second pass keeps to the tasks the first one wrote). */
  maxNumber?: number;
}

/**
 * The ledger's tasks in pages by task number, each query short: `pageSize` tasks after the
 * last number given, then their assignees and events by the page's ids (one JSON parameter,
 * one round trip whatever the page size).
 */
async function* ledgerTaskIdPages<R extends { id: number; number: number }>(
  db: Db | Tx,
  scope: LedgerScope,
  columns: Record<keyof R, unknown>,
  opts: LedgerPageOptions,
): AsyncGenerator<R[]> {
  const pageSize = Math.max(1, opts.pageSize ?? LEDGER_PAGE_SIZE);
  let after = 0;
  for (;;) {
    const rows = (await db
      .select(columns as typeof ledgerTaskColumns)
      .from(tasks)
      .where(and(ledgerWhere(scope), gt(tasks.number, after), opts.maxNumber !== undefined ? lte(tasks.number, opts.maxNumber) : undefined))
      .orderBy(asc(tasks.number))
      .limit(pageSize)) as unknown as R[];
    if (rows.length === 0) return;
    await nextTurn();
    yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.number;
  }
}

const idsParam = (rows: readonly { id: number }[]) => JSON.stringify(rows.map((r) => r.id));
const inIds = (column: typeof taskEvents.taskId | typeof taskAssignees.taskId, ids: string) => sql`${column} IN (SELECT value FROM json_each(${ids}))`;

/** One page of sheet 督查台账: tasks in number order, with the events their rows may need. */
export interface LedgerTaskPage {
  tasks: LedgerTaskRow[];
  /** The progress / submission events of the page's tasks that have no latest progress text of their own. */
  events: LedgerEvent[];
}

/** The tasks of a ledger export in number order, a page at a time (see LedgerPageOptions). */
export async function* ledgerTaskPages(db: Db | Tx, scope: LedgerScope, opts: LedgerPageOptions = {}): AsyncGenerator<LedgerTaskPage> {
  type Row = Omit<LedgerTaskRow, 'assignees' | 'category' | 'state'> & { category: string | null; state: string };
  for await (const rows of ledgerTaskIdPages<Row>(db, scope, ledgerTaskColumns, opts)) {
    const assignees = await db
      .select({
        taskId: taskAssignees.taskId,
        userId: taskAssignees.userId,
        role: taskAssignees.role,
        acceptedAt: taskAssignees.acceptedAt,
        progress: taskAssignees.progress,
      })
      .from(taskAssignees)
      .where(inIds(taskAssignees.taskId, idsParam(rows)))
      .orderBy(asc(taskAssignees.taskId), asc(taskAssignees.position));
    const byTask = new Map<number, Assignee[]>();
    for (const a of assignees) {
      const list = byTask.get(a.taskId) ?? [];
      list.push({ userId: a.userId, role: a.role as Assignee['role'], acceptedAt: a.acceptedAt, progress: toProgress(a.progress) });
      byTask.set(a.taskId, list);
    }
    await nextTurn();
    const silent = rows.filter((r) => r.lastProgressText === null);
    const events = silent.length ? await loadEvents(db, scope.tenantKey, idsParam(silent), ['progress', 'submitted']) : [];
    await nextTurn();
    yield {
      tasks: rows.map((r) => ({
        ...r,
        category: (r.category as Category | null) ?? null,
        state: r.state as TaskState,
        assignees: byTask.get(r.id) ?? [],
      })),
      events,
    };
  }
}

/** One page of sheet 事件日志: tasks (number order) and all their events. */
export interface LedgerEventPage {
  tasks: { id: number; number: number }[];
  events: LedgerEvent[];
}

/** The whole event log (with hashes) of a ledger export's tasks, a page of tasks at a time. */
export async function* ledgerEventPages(db: Db | Tx, scope: LedgerScope, opts: LedgerPageOptions = {}): AsyncGenerator<LedgerEventPage> {
  for await (const rows of ledgerTaskIdPages<{ id: number; number: number }>(db, scope, { id: tasks.id, number: tasks.number }, opts)) {
    const events = await loadEvents(db, scope.tenantKey, idsParam(rows));
    await nextTurn();
    yield { tasks: rows, events };
  }
}

async function loadEvents(db: Db | Tx, tenantKey: string, ids: string, kinds?: string[]): Promise<LedgerEvent[]> {
  const raw = await db
    .select({
      taskId: taskEvents.taskId,
      seq: taskEvents.seq,
      kind: taskEvents.kind,
      actorId: taskEvents.actorId,
      payload: taskEvents.payload,
      at: taskEvents.at,
      hash: taskEvents.hash,
    })
    .from(taskEvents)
    // By events_task_seq: a plain tenant_key term would lead SQLite to events_tenant_at and a
    // scan of all the tenant's events per page (the unary + keeps that index out).
    .where(and(inIds(taskEvents.taskId, ids), sql`+${taskEvents.tenantKey} = ${tenantKey}`, kinds ? inArray(taskEvents.kind, kinds) : undefined))
    .orderBy(asc(taskEvents.taskId), asc(taskEvents.seq));
  return raw.map((e) => ({ ...e, payload: parsePayload(e.payload) }));
}

function parsePayload(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: text };
  }
}
