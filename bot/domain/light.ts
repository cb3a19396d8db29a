/**
 * 亮灯 (SPEC §2): red overdue; yellow due within one working day, no progress for N working
 * days (default 3), or behind schedule (序时进度: the last reported percent more than 20 points
 * below the share of working time elapsed between assignment and due); green otherwise. A
 * submitted task is nobody's overdue item: green, marked as waiting for its reviewer.
 * Pure given `now` and the working calendar.
 * @example lightOf(task, now, calendar, DEFAULT_SETTINGS) // → 'yellow'
 */
import type { ChatSettings, Light, Task } from './types.js';
import { isOpen } from './roles.js';

/** The part of WorkCalendar (bot/domain/calendar.ts) the light needs. */
export interface LightCalendar {
  localDate(d: Date): string;
  workdaysBetween(fromYmd: string, toYmd: string): number;
  workingMinutesBetween(a: Date, b: Date, hours: { start: string; end: string }): number;
  /** A year without the State Council's schedule (the card notes it); absent in test doubles. */
  isProvisional?(year: number): boolean;
}

export type LightSettings = Pick<ChatSettings, 'workStart' | 'workEnd' | 'staleProgressWorkdays'>;

/** Points the reported percent may lag the elapsed share of working time before 序时进度 turns yellow. */
export const BEHIND_SCHEDULE_POINTS = 20;

export type LightReason = 'overdue' | 'due_soon' | 'stale' | 'behind' | 'review' | null;

/** What the light depends on: /任务 sorts whole lists by it before loading one page. */
export type LightFields = Pick<Task, 'state' | 'dueAt' | 'percent' | 'lastProgressAt' | 'acceptedAt' | 'createdAt'>;

/** The light and why: the card and /任务 list show the reason next to 🟡. */
export function lightWithReason(task: LightFields, now: Date, calendar: LightCalendar, settings: LightSettings): { light: Light; reason: LightReason } {
  if (!isOpen(task)) return { light: 'green', reason: null };
  // Submitted: the assignees' clock has stopped; the task waits for its reviewer (SPEC §2).
  if (task.state === 'submitted') return { light: 'green', reason: 'review' };
  const hours = { start: settings.workStart, end: settings.workEnd };
  if (task.dueAt && now.getTime() > task.dueAt.getTime()) return { light: 'red', reason: 'overdue' };
  if (task.dueAt) {
    // Due today or on the next working day (Friday evening → Monday counts), or less than a
    // working day's worth of working time left.
    const daysLeft = calendar.workdaysBetween(calendar.localDate(now), calendar.localDate(task.dueAt));
    if (daysLeft <= 1 || calendar.workingMinutesBetween(now, task.dueAt, hours) <= minutesPerDay(hours)) {
      return { light: 'yellow', reason: 'due_soon' };
    }
  }
  const since = task.lastProgressAt ?? task.acceptedAt ?? task.createdAt;
  if (calendar.workdaysBetween(calendar.localDate(since), calendar.localDate(now)) >= settings.staleProgressWorkdays) {
    return { light: 'yellow', reason: 'stale' };
  }
  if (task.dueAt && task.percent !== null) {
    const total = calendar.workingMinutesBetween(task.createdAt, task.dueAt, hours);
    if (total > 0) {
      const elapsed = calendar.workingMinutesBetween(task.createdAt, now, hours);
      const expected = (100 * Math.min(elapsed, total)) / total;
      if (task.percent < expected - BEHIND_SCHEDULE_POINTS) return { light: 'yellow', reason: 'behind' };
    }
  }
  return { light: 'green', reason: null };
}

export function lightOf(task: LightFields, now: Date, calendar: LightCalendar, settings: LightSettings): Light {
  return lightWithReason(task, now, calendar, settings).light;
}

function minutesPerDay(hours: { start: string; end: string }): number {
  const m = (s: string) => {
    const [h, mm] = s.split(':').map(Number);
    return (h ?? 0) * 60 + (mm ?? 0);
  };
  return Math.max(0, m(hours.end) - m(hours.start));
}
