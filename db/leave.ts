/**
 * Leaves, standing deputies and the leave approval definitions the app subscribed to. Reads are
 * ranges on `leaves_user` / `leaves_end`: what is active now, or ended recently.
 */
import { and, eq, gt, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { absencesAt, type Absence, type Leave } from '../bot/domain/leave.js';
import type { Db, Tx } from './client.js';
import { deputies, leaveApprovals, leaves } from './schema.js';

const DAY = 86_400_000;
const CHUNK = 500;

export interface LeaveRow extends Leave {
  id: number;
  tenantKey: string;
  source: string;
  instanceCode: string | null;
  briefedAt: Date | null;
}

const toLeave = (r: typeof leaves.$inferSelect): LeaveRow => ({
  id: r.id,
  tenantKey: r.tenantKey,
  userId: r.userId,
  startAt: r.startAt,
  endAt: r.endAt,
  endedAt: r.endedAt,
  deputies: Array.isArray(r.deputies) ? (r.deputies as string[]) : [],
  source: r.source,
  instanceCode: r.instanceCode,
  briefedAt: r.briefedAt,
});

/** The effective end of a leave: its end, or the revert / 销假 that came first. */
export const backAtOf = (l: Pick<Leave, 'endAt' | 'endedAt'>): Date => new Date(Math.min(l.endAt.getTime(), l.endedAt?.getTime() ?? Infinity));

/** Leaves of these people that are active at `now` or ended within `recentDays`. */
/** The leave an approval instance recorded, if any. */
export async function leaveOfInstance(db: Db | Tx, tenantKey: string, instanceCode: string): Promise<LeaveRow | null> {
  const [row] = await db
    .select()
    .from(leaves)
    .where(and(eq(leaves.tenantKey, tenantKey), eq(leaves.instanceCode, instanceCode)));
  return row ? toLeave(row) : null;
}

export async function leavesOf(db: Db | Tx, tenantKey: string, userIds: readonly string[], now: Date, recentDays = 14): Promise<LeaveRow[]> {
  const out: LeaveRow[] = [];
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .select()
      .from(leaves)
      .where(
        and(
          eq(leaves.tenantKey, tenantKey),
          inArray(leaves.userId, unique.slice(i, i + CHUNK)),
          lte(leaves.startAt, now),
          gt(leaves.endAt, new Date(now.getTime() - recentDays * DAY)),
        ),
      );
    out.push(...rows.map(toLeave));
  }
  return out;
}

/** Standing deputies (/设置 代理人) of these people. */
export async function standingDeputies(db: Db | Tx, tenantKey: string, userIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const unique = [...new Set(userIds)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .select()
      .from(deputies)
      .where(and(eq(deputies.tenantKey, tenantKey), inArray(deputies.userId, unique.slice(i, i + CHUNK))));
    for (const r of rows) out.set(r.userId, Array.isArray(r.deputies) ? (r.deputies as string[]) : []);
  }
  return out;
}

/** Everyone away at `now` in a tenant, with who acts for them (one read: the leaves active now). */
export async function absencesIn(db: Db, tenantKey: string, now: Date, localDate: (d: Date) => string): Promise<Map<string, Absence>> {
  const rows = (
    await db
      .select()
      .from(leaves)
      .where(and(eq(leaves.tenantKey, tenantKey), gt(leaves.endAt, now), lte(leaves.startAt, now), or(isNull(leaves.endedAt), gt(leaves.endedAt, now))))
  ).map(toLeave);
  if (!rows.length) return new Map();
  const standing = await standingDeputies(
    db,
    tenantKey,
    rows.map((r) => r.userId),
  );
  return absencesAt(rows, standing, now, localDate);
}

/** Records a leave. A Lark approval instance is recorded once (its code is unique per tenant). Returns the row id, or null when already known. */
export async function recordLeave(
  tx: Tx,
  l: {
    tenantKey: string;
    userId: string;
    startAt: Date;
    endAt: Date;
    deputies: string[];
    source: 'approval' | 'command';
    instanceCode?: string | null;
    createdBy: string;
  },
  now: Date,
): Promise<number | null> {
  const r = await tx
    .insert(leaves)
    .values({ ...l, instanceCode: l.instanceCode ?? null, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: leaves.id });
  return r[0]?.id ?? null;
}

/** 销假: every leave of the person that is active or still to come ends now. Returns how many. */
export async function endLeavesOf(tx: Tx, tenantKey: string, userId: string, now: Date): Promise<number> {
  const r = await tx
    .update(leaves)
    .set({ endedAt: now })
    .where(and(eq(leaves.tenantKey, tenantKey), eq(leaves.userId, userId), gt(leaves.endAt, now), or(isNull(leaves.endedAt), gt(leaves.endedAt, now))))
    .returning({ id: leaves.id });
  return r.length;
}

/**
 * leave_approval_revert: the approved leave was withdrawn. It ends at once; one that had not
 * started yet ends before it starts. Returns the person, or null when the instance is unknown.
 */
export async function revertLeave(tx: Tx, tenantKey: string, instanceCode: string, now: Date): Promise<string | null> {
  const r = await tx
    .update(leaves)
    .set({ endedAt: sql`min(${leaves.startAt}, ${now.getTime()})` })
    .where(and(eq(leaves.tenantKey, tenantKey), eq(leaves.instanceCode, instanceCode), isNull(leaves.endedAt)))
    .returning({ userId: leaves.userId });
  return r[0]?.userId ?? null;
}

/** Leaves that ended (by their end, a revert or 销假) within `lookbackDays` and were not yet briefed. */
export async function leavesToBrief(db: Db, now: Date, lookbackDays = 30): Promise<LeaveRow[]> {
  const since = new Date(now.getTime() - lookbackDays * DAY);
  const rows = await db
    .select()
    .from(leaves)
    .where(and(isNull(leaves.briefedAt), or(and(lte(leaves.endAt, now), gte(leaves.endAt, since)), and(lte(leaves.endedAt, now), gte(leaves.endedAt, since)))));
  // A revert before the leave began: nothing was missed, nothing to brief.
  return rows.map(toLeave).filter((l) => backAtOf(l).getTime() > l.startAt.getTime());
}

export async function markBriefed(tx: Tx, id: number, now: Date): Promise<void> {
  await tx.update(leaves).set({ briefedAt: now }).where(eq(leaves.id, id));
}

export async function setDeputies(tx: Tx, tenantKey: string, userId: string, ids: readonly string[], now: Date): Promise<void> {
  if (!ids.length) {
    await tx.delete(deputies).where(and(eq(deputies.tenantKey, tenantKey), eq(deputies.userId, userId)));
    return;
  }
  await tx
    .insert(deputies)
    .values({ tenantKey, userId, deputies: [...ids], updatedAt: now })
    .onConflictDoUpdate({ target: [deputies.tenantKey, deputies.userId], set: { deputies: [...ids], updatedAt: now } });
}

/** A leave approval code to subscribe to; returns whether it is new. */
export async function addLeaveApproval(db: Db | Tx, tenantKey: string, code: string, now: Date): Promise<boolean> {
  const r = await db
    .insert(leaveApprovals)
    .values({ tenantKey, approvalCode: code, createdAt: now })
    .onConflictDoNothing()
    .returning({ code: leaveApprovals.approvalCode });
  return r.length > 0;
}

export async function leaveApprovalsOf(db: Db, tenantKey?: string): Promise<Array<{ tenantKey: string; approvalCode: string; subscribedAt: Date | null }>> {
  const q = db.select().from(leaveApprovals);
  return tenantKey ? q.where(eq(leaveApprovals.tenantKey, tenantKey)) : q;
}

export async function isLeaveApproval(db: Db, tenantKey: string, code: string): Promise<boolean> {
  const r = await db
    .select({ code: leaveApprovals.approvalCode })
    .from(leaveApprovals)
    .where(and(eq(leaveApprovals.tenantKey, tenantKey), eq(leaveApprovals.approvalCode, code)));
  return r.length > 0;
}

export async function markSubscribed(db: Db, tenantKey: string, code: string, now: Date, error: string | null): Promise<void> {
  await db
    .update(leaveApprovals)
    .set(error ? { lastError: error } : { subscribedAt: now, lastError: null })
    .where(and(eq(leaveApprovals.tenantKey, tenantKey), eq(leaveApprovals.approvalCode, code)));
}

/** The card view's leave marks of these people (CardView.leaves): their latest leave active now or ended within two weeks. */
export async function leaveMarks(
  db: Db | Tx,
  tenantKey: string,
  userIds: readonly string[],
  now: Date,
  localDate: (d: Date) => string,
): Promise<Record<string, { startAt: Date; backAt: Date; lastDay: string; active: boolean }>> {
  const out: Record<string, { startAt: Date; backAt: Date; lastDay: string; active: boolean }> = {};
  for (const l of await leavesOf(db, tenantKey, userIds, now)) {
    const backAt = backAtOf(l);
    if (backAt.getTime() <= l.startAt.getTime()) continue;
    const prev = out[l.userId];
    if (prev && prev.backAt.getTime() >= backAt.getTime()) continue;
    out[l.userId] = { startAt: l.startAt, backAt, lastDay: localDate(new Date(backAt.getTime() - 1)), active: backAt.getTime() > now.getTime() };
  }
  return out;
}
