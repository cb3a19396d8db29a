/**
 * 请假 (leave) as the chase sees it: who is away at a moment, until when, and who acts for
 * them. Pure: leaves and `now` in. The reminder routing itself is the policy's
 * (bot/domain/policy.ts `routeAroundLeave`).
 *
 * A leave runs from `startAt` up to `endAt` (exclusive); a revert or /销假 (`endedAt`) ends it
 * early. Its deputies are the ones named with it, else the person's standing deputies.
 */

export interface Leave {
  userId: string;
  startAt: Date;
  /** Exclusive. */
  endAt: Date;
  endedAt: Date | null;
  /** Named with the leave; [] = the person's standing deputies. */
  deputies: string[];
}

/** Someone away at a moment: until when (the last day, local 'YYYY-MM-DD') and who acts for them. */
export interface Absence {
  userId: string;
  startAt: Date;
  /** The first moment they are back. */
  backAt: Date;
  /** The last day of the leave, local date. */
  lastDay: string;
  deputies: string[];
}

/** Who is away at `now`, by open_id. `standing` holds each person's /设置 代理人 list. */
export function absencesAt(
  leaves: readonly Leave[],
  standing: ReadonlyMap<string, readonly string[]>,
  now: Date,
  localDate: (d: Date) => string,
): Map<string, Absence> {
  const out = new Map<string, Absence>();
  const t = now.getTime();
  for (const l of leaves) {
    const end = Math.min(l.endAt.getTime(), l.endedAt?.getTime() ?? Infinity);
    if (l.startAt.getTime() > t || end <= t) continue;
    const prev = out.get(l.userId);
    if (prev && prev.backAt.getTime() >= end) continue;
    const deputies = (l.deputies.length ? l.deputies : [...(standing.get(l.userId) ?? [])]).filter((d) => d !== l.userId);
    out.set(l.userId, { userId: l.userId, startAt: l.startAt, backAt: new Date(end), lastDay: localDate(new Date(end - 1)), deputies });
  }
  // A deputy who is away too does not act for anyone.
  for (const a of out.values()) a.deputies = a.deputies.filter((d) => !out.has(d));
  return out;
}

/**
 * The leave a Lark approval describes: `leave_start_time` / `leave_end_time` are local times
 * 'YYYY-MM-DD HH:MM:SS' (open.feishu.cn/document/server-docs/approval-v4/event/special-event/leave:
 * "请假开始时间。示例格式：2025-01-14 00:00:00"); a day-unit leave ends at 00:00 of the day after.
 * Null when either is missing or unreadable.
 */
export function approvalLeaveRange(start: unknown, end: unknown, at: (ymd: string, hhmm: string) => Date): { startAt: Date; endAt: Date } | null {
  const read = (v: unknown): Date | null => {
    if (typeof v !== 'string') return null;
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::\d{2})?$/.exec(v.trim());
    if (!m) return null;
    const d = at(m[1]!, `${m[2]}:${m[3]}`);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  const startAt = read(start);
  const endAt = read(end);
  if (!startAt || !endAt || endAt.getTime() <= startAt.getTime()) return null;
  return { startAt, endAt };
}
