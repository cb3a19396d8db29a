/**
 * Figures against a hand-computed week: Mon 2026-11-30 … Sun 2026-12-06 (no holidays), read on
 * Friday 2026-12-04 16:00 Beijing time. The expected numbers are worked out in the comments.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import {
  computeFigures,
  isActiveIn,
  isDoneOnTime,
  isoWeekKey,
  nextWeekOf,
  onTimeTrend,
  overdueWorkdaysOf,
  periodOf,
  weekStartYmd,
  type FigureEvent,
  type FigureTask,
} from '../../../bot/domain/figures.js';
import { scoreOf, scoreFormula } from '../../../bot/domain/score.js';

const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
const bj = (s: string) => new Date(`${s}:00+08:00`);
const now = bj('2026-12-04T16:00');
const week = periodOf('week', now, cal);

function task(p: Partial<FigureTask> & { number: number; lead: string; co?: string[] }): FigureTask {
  const { lead, co = [], ...rest } = p;
  return {
    id: p.number,
    title: `事项${p.number}`,
    chatId: 'oc_1',
    state: 'in_progress',
    creatorId: 'ou_boss',
    supervisorId: null,
    assignees: [{ userId: lead, role: 'lead', acceptedAt: null }, ...co.map((u) => ({ userId: u, role: 'co' as const, acceptedAt: null }))],
    dueAt: null,
    originalDueAt: null,
    createdAt: bj('2026-11-01T09:00'),
    submittedAt: null,
    doneAt: null,
    cancelledAt: null,
    pendingExtension: null,
    ...rest,
  };
}

const tasks: FigureTask[] = [
  // #1 zhang: due 11-27, extended to 12-03 (approved 12-01), submitted 12-03 10:00, done 15:00.
  //    Done this week but LATE: judged against the original 11-27 deadline. One extension.
  task({
    number: 1,
    lead: 'ou_zhang',
    state: 'done',
    createdAt: bj('2026-11-20T09:00'),
    originalDueAt: bj('2026-11-27T18:00'),
    dueAt: bj('2026-12-03T18:00'),
    submittedAt: bj('2026-12-03T10:00'),
    doneAt: bj('2026-12-03T15:00'),
  }),
  // #2 li: new this week; submitted, returned (退回), resubmitted 12-02 17:00 before its 18:00 due: on time.
  task({
    number: 2,
    lead: 'ou_li',
    state: 'done',
    createdAt: bj('2026-11-30T09:00'),
    originalDueAt: bj('2026-12-02T18:00'),
    dueAt: bj('2026-12-02T18:00'),
    submittedAt: bj('2026-12-02T17:00'),
    doneAt: bj('2026-12-02T17:30'),
  }),
  // #3 wang: due Tue 12-01 18:00, still open: overdue Wed, Thu, Fri = 3 working days; chased 3× this week.
  task({ number: 3, lead: 'ou_wang', createdAt: bj('2026-11-25T09:00'), originalDueAt: bj('2026-12-01T18:00'), dueAt: bj('2026-12-01T18:00') }),
  // #4 zhang (+ li 协办): new, not signed, due next Wednesday.
  task({
    number: 4,
    lead: 'ou_zhang',
    co: ['ou_li'],
    state: 'assigned',
    createdAt: bj('2026-12-02T10:00'),
    originalDueAt: bj('2026-12-09T18:00'),
    dueAt: bj('2026-12-09T18:00'),
  }),
  // #5 wang: done the week of 11-16, a day late; outside this week.
  task({
    number: 5,
    lead: 'ou_wang',
    state: 'done',
    createdAt: bj('2026-11-10T09:00'),
    originalDueAt: bj('2026-11-19T18:00'),
    dueAt: bj('2026-11-19T18:00'),
    submittedAt: bj('2026-11-20T10:00'),
    doneAt: bj('2026-11-20T11:00'),
  }),
  // #6 zhang: assigned and cancelled this week: counts as new, nothing else.
  task({ number: 6, lead: 'ou_zhang', state: 'cancelled', createdAt: bj('2026-12-03T09:00'), cancelledAt: bj('2026-12-03T11:00') }),
  // #7 li: in progress, due today 09:00: overdue since this morning, 0 working days.
  task({
    number: 7,
    lead: 'ou_li',
    state: 'in_progress',
    createdAt: bj('2026-11-16T09:00'),
    originalDueAt: bj('2026-12-04T09:00'),
    dueAt: bj('2026-12-04T09:00'),
  }),
  // #8 wang: no deadline, new and done this week: on time.
  task({ number: 8, lead: 'ou_wang', state: 'done', createdAt: bj('2026-12-01T09:00'), submittedAt: bj('2026-12-02T09:00'), doneAt: bj('2026-12-02T10:00') }),
];

const events: FigureEvent[] = [
  { taskId: 1, kind: 'extension_requested', at: bj('2026-11-30T10:00') },
  { taskId: 1, kind: 'extension_approved', at: bj('2026-12-01T10:00') },
  { taskId: 2, kind: 'submitted', at: bj('2026-12-01T10:00') },
  { taskId: 2, kind: 'returned', at: bj('2026-12-01T14:00') },
  { taskId: 3, kind: 'chased', at: bj('2026-11-27T09:30') }, // last week: not counted
  { taskId: 3, kind: 'chased', at: bj('2026-12-02T09:30') },
  { taskId: 3, kind: 'chased', at: bj('2026-12-03T09:30') },
  { taskId: 3, kind: 'escalated', at: bj('2026-12-03T09:31') }, // 督办 is not 催办
  { taskId: 3, kind: 'reminded', at: bj('2026-12-01T09:30') }, // 提醒 is not 催办
  { taskId: 99, kind: 'chased', at: bj('2026-12-05T09:30') }, // a task not among the figures' tasks: ignored
];

const dept: Record<string, string> = { ou_zhang: 'd1', ou_li: 'd1', ou_wang: 'd2' };
const figures = computeFigures({ tasks, events, period: week, now, calendar: cal, departmentOf: (u) => dept[u] });

describe('periods', () => {
  it('weeks start on Monday in the office zone', () => {
    expect(week).toEqual({ from: bj('2026-11-30T00:00'), to: bj('2026-12-07T00:00') });
    expect(nextWeekOf(now, cal)).toEqual({ from: bj('2026-12-07T00:00'), to: bj('2026-12-14T00:00') });
    expect(periodOf('month', now, cal)).toEqual({ from: bj('2026-12-01T00:00'), to: bj('2027-01-01T00:00') });
    expect(periodOf('year', now, cal)).toEqual({ from: bj('2026-01-01T00:00'), to: bj('2027-01-01T00:00') });
    // Sunday 23:30 Beijing is still the same week, though it is Sunday 15:30 UTC.
    expect(periodOf('week', bj('2026-12-06T23:30'), cal)).toEqual(week);
    expect(weekStartYmd('2026-12-06')).toBe('2026-11-30');
  });
  it('ISO week keys', () => {
    expect(isoWeekKey('2026-11-30')).toBe('2026-W49');
    expect(isoWeekKey('2026-01-01')).toBe('2026-W01');
    expect(isoWeekKey('2025-12-29')).toBe('2026-W01');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
    expect(isoWeekKey('2027-01-04')).toBe('2027-W01');
  });
  it('a task belongs to a period while it was open during it', () => {
    expect(tasks.filter((t) => isActiveIn(t, week)).map((t) => t.number)).toEqual([1, 2, 3, 4, 6, 7, 8]);
  });
});

describe('waiting for the reviewer', () => {
  it('a submitted task past its deadline is nobody’s overdue item; returned, the clock runs again', () => {
    const due = bj('2026-12-01T18:00');
    const now = bj('2026-12-04T10:00');
    expect(overdueWorkdaysOf({ state: 'submitted', dueAt: due }, now, cal)).toBeNull();
    expect(overdueWorkdaysOf({ state: 'in_progress', dueAt: due }, now, cal)).toBe(3);
  });
});

describe('on time', () => {
  it('is judged against the original deadline, by the last submission', () => {
    expect(isDoneOnTime(tasks[0]!)).toBe(false); // extended, but late against 11-27
    expect(isDoneOnTime(tasks[1]!)).toBe(true);
    expect(isDoneOnTime(tasks[7]!)).toBe(true); // no deadline
    expect(isDoneOnTime(tasks[2]!)).toBeNull(); // not done
    // Submitted in time, approved after the deadline: still on time.
    expect(isDoneOnTime({ ...tasks[1]!, doneAt: bj('2026-12-03T09:00') })).toBe(true);
  });
});

describe('computeFigures', () => {
  it('totals', () => {
    expect(figures.totals).toEqual({
      new: 4, // #2 #4 #6 #8
      done: 3, // #1 #2 #8
      doneOnTime: 2, // #2 #8
      onTimeRate: 2 / 3,
      open: 3, // #3 #4 #7
      overdue: 2, // #3 #7
      overdueWorkdays: 3, // #3: 3, #7: 0
      dueNextWeek: 1, // #4
      extensions: 1,
      returns: 1,
      chases: 2, // 2 chased this week; a 督办 (escalated) is not a 催办
    });
  });

  it('red list, most overdue first, and due next week', () => {
    expect(figures.red.map((r) => [r.number, r.leadId, r.overdueWorkdays])).toEqual([
      [3, 'ou_wang', 3],
      [7, 'ou_li', 0],
    ]);
    expect(figures.dueNextWeek.map((d) => [d.number, d.leadId])).toEqual([[4, 'ou_zhang']]);
  });

  it('per assignee (lead)', () => {
    const by = Object.fromEntries(figures.byAssignee.map(({ userId, ...c }) => [userId, c]));
    expect(by.ou_zhang).toEqual({
      new: 2,
      done: 1,
      doneOnTime: 0,
      onTimeRate: 0,
      open: 1,
      overdue: 0,
      overdueWorkdays: 0,
      dueNextWeek: 1,
      extensions: 1,
      returns: 0,
      chases: 0,
    });
    expect(by.ou_li).toEqual({
      new: 1,
      done: 1,
      doneOnTime: 1,
      onTimeRate: 1,
      open: 1,
      overdue: 1,
      overdueWorkdays: 0,
      dueNextWeek: 0,
      extensions: 0,
      returns: 1,
      chases: 0,
    });
    expect(by.ou_wang).toEqual({
      new: 1,
      done: 1,
      doneOnTime: 1,
      onTimeRate: 1,
      open: 1,
      overdue: 1,
      overdueWorkdays: 3,
      dueNextWeek: 0,
      extensions: 0,
      returns: 0,
      chases: 2,
    });
    expect(figures.byAssignee.map((p) => p.userId)).toEqual(['ou_li', 'ou_wang', 'ou_zhang']);
  });

  it('per department', () => {
    const by = Object.fromEntries(figures.byDepartment.map(({ departmentId, ...c }) => [departmentId, c]));
    expect(by.d1).toEqual({
      new: 3,
      done: 2,
      doneOnTime: 1,
      onTimeRate: 0.5,
      open: 2,
      overdue: 1,
      overdueWorkdays: 0,
      dueNextWeek: 1,
      extensions: 1,
      returns: 1,
      chases: 0,
    });
    expect(by.d2).toEqual(Object.fromEntries(Object.entries(figures.byAssignee.find((p) => p.userId === 'ou_wang')!).filter(([k]) => k !== 'userId')));
  });

  it('per chat, and a chat filter is just fewer tasks', () => {
    expect(figures.byChat).toEqual([{ chatId: 'oc_1', ...figures.totals }]);
    const other = computeFigures({ tasks: tasks.filter((t) => t.chatId === 'oc_2'), events, period: week, now, calendar: cal });
    expect(other.totals.new + other.totals.open + other.totals.done).toBe(0);
    expect(other.totals.onTimeRate).toBeNull();
  });

  it('a user without a department is counted under the empty department', () => {
    const f = computeFigures({ tasks, events, period: week, now, calendar: cal });
    expect(f.byDepartment.map((d) => d.departmentId)).toEqual(['']);
    expect(f.byDepartment[0]!.new).toBe(4);
  });
});

describe('trend', () => {
  it('on-time rate of the last 8 weeks, oldest first', () => {
    const trend = onTimeTrend(tasks, now, cal);
    expect(trend).toHaveLength(8);
    expect(trend[0]!.week).toBe('2026-W42');
    expect(trend[7]).toEqual({ week: '2026-W49', start: '2026-11-30', done: 3, doneOnTime: 2, onTimeRate: 2 / 3 });
    expect(trend[5]).toEqual({ week: '2026-W47', start: '2026-11-16', done: 1, doneOnTime: 0, onTimeRate: 0 });
    expect(trend.filter((w) => w.onTimeRate === null)).toHaveLength(6);
  });
});

describe('score', () => {
  const score = (c: Parameters<typeof scoreOf>[0]) => scoreOf(c).score;
  it('per person and department, by the printed formula', () => {
    const p = Object.fromEntries(figures.byAssignee.map((c) => [c.userId, score(c)]));
    expect(p).toEqual({ ou_zhang: 0, ou_li: 95, ou_wang: 94 }); // 0−3 → 0; 100−5; 100−2×3
    const d = Object.fromEntries(figures.byDepartment.map((c) => [c.departmentId, score(c)]));
    expect(d).toEqual({ d1: 42, d2: 94 }); // 50 − 3 − 5
  });
  it('caps the overdue penalty and floors at 0', () => {
    expect(score({ onTimeRate: 1, overdueWorkdays: 100, extensions: 0, returns: 0 })).toBe(60);
    expect(score({ onTimeRate: null, overdueWorkdays: 0, extensions: 0, returns: 0 })).toBe(100);
    expect(score({ onTimeRate: 0.2, overdueWorkdays: 10, extensions: 2, returns: 2 })).toBe(0);
  });
  it('prints the formula in both languages', () => {
    expect(scoreFormula('zh')).toContain('100 × 按时办结率');
    expect(scoreFormula('en')).toContain('100 × on-time rate');
  });
});

describe('invariants over random offices', () => {
  const states = ['assigned', 'in_progress', 'submitted', 'done', 'cancelled'] as const;
  const day = 86_400_000;
  const arbTask = fc.record({
    state: fc.constantFrom(...states),
    created: fc.integer({ min: -40, max: 6 }),
    due: fc.option(fc.integer({ min: -30, max: 20 }), { nil: null }),
    extend: fc.integer({ min: 0, max: 5 }),
    finished: fc.integer({ min: 0, max: 10 }),
    lead: fc.constantFrom('ou_a', 'ou_b', 'ou_c'),
    chat: fc.constantFrom('oc_1', 'oc_2'),
  });
  it('totals are the sum of the chats; on time never exceeds done; the rate is their ratio', () => {
    fc.assert(
      fc.property(
        fc.array(arbTask, { maxLength: 40 }),
        fc.array(
          fc.record({ i: fc.nat(), kind: fc.constantFrom('returned', 'extension_approved', 'chased', 'progress'), d: fc.integer({ min: -10, max: 6 }) }),
          { maxLength: 30 },
        ),
        (specs, evs) => {
          const base = bj('2026-11-30T10:00').getTime();
          const list: FigureTask[] = specs.map((p, i) => {
            const createdAt = new Date(base + p.created * day);
            const originalDueAt = p.due === null ? null : new Date(createdAt.getTime() + Math.abs(p.due) * day);
            const closedAt = new Date(createdAt.getTime() + p.finished * day);
            return task({
              number: i + 1,
              lead: p.lead,
              chatId: p.chat,
              state: p.state,
              createdAt,
              originalDueAt,
              dueAt: originalDueAt && new Date(originalDueAt.getTime() + p.extend * day),
              submittedAt: p.state === 'done' || p.state === 'submitted' ? closedAt : null,
              doneAt: p.state === 'done' ? closedAt : null,
              cancelledAt: p.state === 'cancelled' ? closedAt : null,
            });
          });
          const evts = list.length ? evs.map((e) => ({ taskId: list[e.i % list.length]!.id, kind: e.kind, at: new Date(base + e.d * day) })) : [];
          const f = computeFigures({ tasks: list, events: evts, period: week, now, calendar: cal, departmentOf: (u) => (u === 'ou_c' ? 'd2' : 'd1') });
          const keys = ['new', 'done', 'doneOnTime', 'open', 'overdue', 'overdueWorkdays', 'dueNextWeek', 'extensions', 'returns', 'chases'] as const;
          for (const k of keys) {
            expect(f.byChat.reduce((n, c) => n + c[k], 0)).toBe(f.totals[k]);
            expect(f.byAssignee.reduce((n, c) => n + c[k], 0)).toBe(f.totals[k]);
            expect(f.byDepartment.reduce((n, c) => n + c[k], 0)).toBe(f.totals[k]);
          }
          expect(f.totals.doneOnTime).toBeLessThanOrEqual(f.totals.done);
          expect(f.totals.overdue).toBeLessThanOrEqual(f.totals.open);
          expect(f.red).toHaveLength(f.totals.overdue);
          expect(f.totals.onTimeRate).toBe(f.totals.done ? f.totals.doneOnTime / f.totals.done : null);
          for (const c of [...f.byAssignee, ...f.byDepartment]) {
            const s = scoreOf(c).score;
            expect(s).toBeGreaterThanOrEqual(0);
            expect(s).toBeLessThanOrEqual(100);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
