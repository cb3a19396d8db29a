/**
 * Reads for the /台账 export: which tasks a ledger holds (a chat's, or a person's in p2p, over a
 * period), read in short pages by task number with their assignees and events, and the whole
 * event log with its hashes.
 */
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { LedgerEvent, LedgerTask } from '../bot/domain/ledger.js';
import type { Assignee, Category, Task, TaskState } from '../bot/domain/types.js';
import { nextTurn } from '../bot/turn.js';
import type { Db, Tx } from './client.js';
import { taskAssignees, taskEvents, tasks } from './schema.js';
import { toProgress } from './tasks.js';

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
