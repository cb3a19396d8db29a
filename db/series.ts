/**
 * 周期任务 and 反馈周期 in the database: the series, the (series, period) → task links whose
 * key makes each instance at most once, and the tasks' feedback cadences.
 */
import { and, asc, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { Recurrence, SeriesInput } from '../bot/domain/series.js';
import type { Category, Priority } from '../bot/domain/types.js';
import type { Db, Tx } from './client.js';
import { feedbackCadences, series, seriesTasks, tasks } from './schema.js';

/** A series as stored: what its instances are made of, and its own state. */
export interface SeriesRecord extends SeriesInput {
  id: number;
  leadWorkdays: number;
  feedback: Recurrence | null;
  startYmd: string;
  endYmd: string | null;
  endCount: number | null;
  state: 'active' | 'cancelled';
  createdAt: Date;
  cancelledAt: Date | null;
  cancelledBy: string | null;
}

type Row = typeof series.$inferSelect;

function toRecord(r: Row): SeriesRecord {
  return {
    ...r,
    coIds: Array.isArray(r.coIds) ? (r.coIds as string[]) : [],
    category: (r.category as Category | null) ?? null,
    priority: r.priority as Priority,
    rule: r.rule as Recurrence,
    feedback: (r.feedback as Recurrence | null) ?? null,
    state: r.state === 'cancelled' ? 'cancelled' : 'active',
  };
}

export type NewSeries = Omit<SeriesRecord, 'id' | 'state' | 'cancelledAt' | 'cancelledBy'>;

export async function insertSeries(tx: Tx, s: NewSeries): Promise<number> {
  const [row] = await tx
    .insert(series)
    .values({ ...s, state: 'active' })
    .returning({ id: series.id });
  return row!.id;
}

/** Links an instance to its period; false when the period already has one (nothing written). */
export async function linkInstance(tx: Tx, seriesId: number, period: string, taskId: number): Promise<boolean> {
  const r = await tx.insert(seriesTasks).values({ seriesId, period, taskId }).onConflictDoNothing().returning({ taskId: seriesTasks.taskId });
  return r.length > 0;
}

export async function getSeries(db: Db, tenantKey: string, id: number): Promise<SeriesRecord | null> {
  const [r] = await db
    .select()
    .from(series)
    .where(and(eq(series.id, id), eq(series.tenantKey, tenantKey)));
  return r ? toRecord(r) : null;
}

/** Active series after `afterId`, in id order, one page at a time (the job walks them all). */
export async function activeSeriesPage(db: Db, afterId: number, limit: number): Promise<SeriesRecord[]> {
  const rows = await db
    .select()
    .from(series)
    .where(and(eq(series.state, 'active'), gt(series.id, afterId)))
    .orderBy(asc(series.id))
    .limit(limit);
  return rows.map(toRecord);
}

/** The series active in a chat, newest first, at most `limit`; and how many there are. */
export async function seriesOfChat(db: Db, tenantKey: string, chatId: string, limit: number): Promise<{ rows: SeriesRecord[]; total: number }> {
  const where = and(eq(series.tenantKey, tenantKey), eq(series.chatId, chatId), eq(series.state, 'active'));
  const [rows, [count]] = await Promise.all([
    db.select().from(series).where(where).orderBy(desc(series.id)).limit(limit),
    db.select({ n: sql<number>`count(*)` }).from(series).where(where),
  ]);
  return { rows: rows.map(toRecord), total: Number(count?.n ?? 0) };
}

/** The active series a person set up or leads, newest first, at most `limit`; and how many there are. */
export async function seriesOfPerson(db: Db, tenantKey: string, openId: string, limit: number): Promise<{ rows: SeriesRecord[]; total: number }> {
  const where = and(eq(series.tenantKey, tenantKey), eq(series.state, 'active'), or(eq(series.creatorId, openId), eq(series.leadId, openId)));
  const [rows, [count]] = await Promise.all([
    db.select().from(series).where(where).orderBy(desc(series.id)).limit(limit),
    db.select({ n: sql<number>`count(*)` }).from(series).where(where),
  ]);
  return { rows: rows.map(toRecord), total: Number(count?.n ?? 0) };
}

/** Periods of a series that already have an instance, among those asked. */
export async function periodsMade(db: Db, seriesId: number, periods: readonly string[]): Promise<Set<string>> {
  if (periods.length === 0) return new Set();
  const rows = await db
    .select({ period: seriesTasks.period })
    .from(seriesTasks)
    .where(and(eq(seriesTasks.seriesId, seriesId), inArray(seriesTasks.period, [...periods])));
  return new Set(rows.map((r) => r.period));
}

/** How many instances each series has, and the number of its newest. */
export async function instanceCounts(db: Db, seriesIds: readonly number[]): Promise<Map<number, { made: number; lastNumber: number | null }>> {
  const out = new Map<number, { made: number; lastNumber: number | null }>();
  if (seriesIds.length === 0) return out;
  const rows = await db
    .select({ id: seriesTasks.seriesId, made: sql<number>`count(*)`, last: sql<number | null>`max(${tasks.number})` })
    .from(seriesTasks)
    .innerJoin(tasks, eq(tasks.id, seriesTasks.taskId))
    .where(inArray(seriesTasks.seriesId, [...seriesIds]))
    .groupBy(seriesTasks.seriesId);
  for (const r of rows) out.set(r.id, { made: Number(r.made), lastNumber: r.last === null ? null : Number(r.last) });
  return out;
}

/** The series a task is an instance of, with its period. */
export async function seriesOfTask(db: Db, tenantKey: string, taskId: number): Promise<{ series: SeriesRecord; period: string } | null> {
  const [r] = await db
    .select({ s: series, period: seriesTasks.period })
    .from(seriesTasks)
    .innerJoin(series, eq(series.id, seriesTasks.seriesId))
    .where(and(eq(seriesTasks.taskId, taskId), eq(series.tenantKey, tenantKey)));
  return r ? { series: toRecord(r.s), period: r.period } : null;
}

/** The rule of each task's series, for the ledger's 周期 column. */
export async function rulesOfTasks(db: Db | Tx, taskIds: readonly number[]): Promise<Map<number, Recurrence>> {
  const out = new Map<number, Recurrence>();
  for (let i = 0; i < taskIds.length; i += 500) {
    const part = taskIds.slice(i, i + 500);
    const rows = await db
      .select({ taskId: seriesTasks.taskId, rule: series.rule })
      .from(seriesTasks)
      .innerJoin(series, eq(series.id, seriesTasks.seriesId))
      .where(inArray(seriesTasks.taskId, [...part]));
    for (const r of rows) out.set(r.taskId, r.rule as Recurrence);
  }
  return out;
}

/** Open instances of a series (their task ids). */
export async function openInstanceIds(db: Db, seriesId: number): Promise<number[]> {
  const rows = await db
    .select({ id: tasks.id })
    .from(seriesTasks)
    .innerJoin(tasks, eq(tasks.id, seriesTasks.taskId))
    .where(and(eq(seriesTasks.seriesId, seriesId), eq(tasks.isOpen, 1)))
    .orderBy(asc(tasks.number));
  return rows.map((r) => r.id);
}

/** Stops a series; false when it was already stopped. */
export async function cancelSeries(tx: Tx, id: number, by: string, now: Date): Promise<boolean> {
  const r = await tx
    .update(series)
    .set({ state: 'cancelled', cancelledAt: now, cancelledBy: by })
    .where(and(eq(series.id, id), eq(series.state, 'active')))
    .returning({ id: series.id });
  return r.length > 0;
}

// ---- 反馈周期 ---------------------------------------------------------------------------

export async function setCadence(
  tx: Tx,
  row: { taskId: number; tenantKey: string; chatId: string; rule: Recurrence; setBy: string; setAt: Date },
): Promise<void> {
  await tx
    .insert(feedbackCadences)
    .values(row)
    .onConflictDoUpdate({ target: feedbackCadences.taskId, set: { rule: row.rule, setBy: row.setBy, setAt: row.setAt } });
}

export async function removeCadence(tx: Tx, taskId: number): Promise<void> {
  await tx.delete(feedbackCadences).where(eq(feedbackCadences.taskId, taskId));
}

export async function cadenceOf(db: Db, taskId: number): Promise<Recurrence | null> {
  const [r] = await db.select({ rule: feedbackCadences.rule }).from(feedbackCadences).where(eq(feedbackCadences.taskId, taskId));
  return r ? (r.rule as Recurrence) : null;
}

/** The cadences of open tasks, one page at a time in task order. */
export async function openCadencesPage(db: Db, afterTaskId: number, limit: number): Promise<Array<{ taskId: number; rule: Recurrence }>> {
  const rows = await db
    .select({ taskId: feedbackCadences.taskId, rule: feedbackCadences.rule })
    .from(feedbackCadences)
    .innerJoin(tasks, eq(tasks.id, feedbackCadences.taskId))
    .where(and(eq(tasks.isOpen, 1), gt(feedbackCadences.taskId, afterTaskId)))
    .orderBy(asc(feedbackCadences.taskId))
    .limit(limit);
  return rows.map((r) => ({ taskId: r.taskId, rule: r.rule as Recurrence }));
}
