/**
 * Reads for the digests, /统计 and /台账: the tasks a period's figures need, the counted events,
 * the directory (names and departments), subscriptions, and the ledger's full event log.
 */
import { and, asc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { FigureEvent } from '../bot/domain/figures.js';
import type { LedgerEvent } from '../bot/domain/ledger.js';
import type { Task } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { chats, sends, subscriptions, taskAssignees, taskEvents, tasks, users } from './schema.js';
import { hydrate } from './tasks.js';

/** Event kinds the figures count (extensions, returns, chases). */
export const COUNTED_EVENT_KINDS = ['extension_approved', 'returned', 'chased', 'escalated'] as const;

const CHUNK = 500;

/**
 * Tasks that can show up in figures from `since` on: every open task, and every task created,
 * closed or changed since then. `chatIds` narrows to chats; omitted means the whole tenant.
 */
export async function loadFigureTasks(db: Db | Tx, tenantKey: string, since: Date, chatIds?: readonly string[]): Promise<Task[]> {
  const recent = or(
    eq(tasks.isOpen, 1),
    gte(tasks.createdAt, since),
    gte(tasks.updatedAt, since),
    gte(tasks.doneAt, since),
    gte(tasks.cancelledAt, since),
  );
  if (chatIds && chatIds.length === 0) return [];
  if (!chatIds) {
    const rows = await db.select().from(tasks).where(and(eq(tasks.tenantKey, tenantKey), recent)).orderBy(asc(tasks.number));
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
    .where(
      and(
        eq(taskEvents.tenantKey, tenantKey),
        gte(taskEvents.at, from),
        lt(taskEvents.at, to),
        inArray(taskEvents.kind, [...COUNTED_EVENT_KINDS]),
      ),
    );
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
    const rows = await db.select({ key: sends.key }).from(sends).where(inArray(sends.key, keys.slice(i, i + CHUNK)));
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
  const r = await db
    .insert(subscriptions)
    .values({ tenantKey, userId, createdAt: now })
    .onConflictDoNothing()
    .returning({ userId: subscriptions.userId });
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
  /** Tasks assigned (created) in [from, to); omitted: all. */
  from?: Date;
  to?: Date;
}

function ledgerWhere(s: LedgerScope) {
  return and(
    eq(tasks.tenantKey, s.tenantKey),
    s.chatId ? eq(tasks.chatId, s.chatId) : undefined,
    s.ownerId ? or(eq(tasks.creatorId, s.ownerId), eq(tasks.supervisorId, s.ownerId)) : undefined,
    s.from ? gte(tasks.createdAt, s.from) : undefined,
    s.to ? lt(tasks.createdAt, s.to) : undefined,
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

/** The tasks of a ledger export and their whole event log (with hashes), in number / seq order. */
export async function loadLedger(db: Db | Tx, scope: LedgerScope): Promise<{ tasks: Task[]; events: LedgerEvent[] }> {
  const rows = await db.select().from(tasks).where(ledgerWhere(scope)).orderBy(asc(tasks.number));
  const loaded = await hydrate(db, rows);
  // One joined query rather than a round trip per chunk of tasks: remote libSQL pays per trip.
  const rawEvents = await db
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
    .innerJoin(tasks, eq(tasks.id, taskEvents.taskId))
    .where(ledgerWhere(scope))
    .orderBy(asc(taskEvents.taskId), asc(taskEvents.seq));
  const events: LedgerEvent[] = rawEvents.map((e) => ({ ...e, payload: parsePayload(e.payload) }));
  return { tasks: loaded, events };
}

function parsePayload(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: text };
  }
}
