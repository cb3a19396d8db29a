/**
 * SPEC §4 as tables: each row is a task, a moment (Asia/Shanghai) and the reminder keys the
 * policy must plan then. The calendar is the real one: the 2026 National Day week (10-01 … 10-07),
 * 中秋 (Fri 09-25), the make-up Sunday 09-20 and Saturday 10-10, an ordinary weekend, nights,
 * and a 免打扰 window. A simulated year of hourly runs is test/schedules/policy-year.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import { buzzWorthy, escalationStep, planReminders, type Reminder } from '../../../bot/domain/policy.js';
import { DEFAULT_SETTINGS, type ChatSettings, type Task, type TaskEvent } from '../../../bot/domain/types.js';
import { at, sampleTask as task } from './sample-task.js';

const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });

const plan = (t: Task, now: string, settings: Partial<ChatSettings> = {}, log: TaskEvent[] = []) =>
  planReminders(t, log, { ...DEFAULT_SETTINGS, ...settings }, cal, at(now));
const keys = (rs: Reminder[]) => rs.map((r) => r.key);

// Due Wed 2026-09-30 18:00, the eve of the National Day week; created long before.
const beforeHoliday = task({ dueAt: at('2026-09-30T18:00'), createdAt: at('2026-09-25T10:00'), lastProgressAt: at('2026-09-29T10:00') });
const D = '2026-09-30T18:00';

describe('overdue 催办 and the 督办 ladder across the National Day week', () => {
  it.each([
    ['2026-09-30T15:59', 'due day, before due-soon', []],
    ['2026-09-30T16:00', 'due day, two hours before', [`t:7:due_soon:${D}`]],
    ['2026-09-30T18:30', 'due day, after hours', []],
    ['2026-10-01T09:30', 'holiday', []],
    ['2026-10-05T10:00', 'holiday on a Monday', []],
    ['2026-10-07T15:00', 'last holiday', []],
    ['2026-10-08T08:59', 'first working day, before hours', []],
    ['2026-10-08T09:15', 'first working day, before the chase time', []],
    ['2026-10-08T09:30', 'day 1 — only today’s slot, not one per holiday day', [`t:7:overdue:1:${D}`]],
    ['2026-10-08T17:59', 'day 1, late: same slot', [`t:7:overdue:1:${D}`]],
    ['2026-10-08T18:00', 'day 1, after hours', []],
    ['2026-10-09T09:30', 'day 2 — escalation card to the supervisor', [`t:7:overdue:2:${D}`, `t:7:escalate:2:${D}`]],
    ['2026-10-10T11:00', 'day 3 on the make-up Saturday', [`t:7:overdue:3:${D}`, `t:7:escalate:2:${D}`]],
    ['2026-10-11T11:00', 'Sunday', []],
    ['2026-10-12T09:30', 'day 4 — 2E: card again', [`t:7:overdue:4:${D}`, `t:7:escalate:4:${D}`]],
    ['2026-10-13T23:00', 'night', []],
  ])('%s (%s)', (now, _why, expected) => {
    expect(keys(plan(beforeHoliday, now))).toEqual(expected);
  });

  it('steps up the recipient as days pass; 加急 is the batch’s, by buzzWorthy', () => {
    const d1 = plan(beforeHoliday, '2026-10-08T09:30');
    expect(d1[0]).toMatchObject({ kind: 'overdue', to: 'chat', channel: 'chat', userIds: ['ou_lead'], urgentTo: [], overdueDays: 1 });
    const d2 = plan(beforeHoliday, '2026-10-09T09:30');
    expect(d2[0]).toMatchObject({ channel: 'chat', userIds: ['ou_lead', 'ou_creator'], overdueDays: 2 });
    expect(d2[1]).toMatchObject({ kind: 'escalate', to: 'supervisor', channel: 'p2p', userIds: ['ou_boss'], urgentTo: [] });
    const d4 = plan(beforeHoliday, '2026-10-12T09:30');
    expect(d4[0]).toMatchObject({ channel: 'chat', userIds: ['ou_lead', 'ou_creator'], urgentTo: [], overdueDays: 4 });
    expect(d4[1]).toMatchObject({ kind: 'escalate', channel: 'p2p', urgentTo: [] });
  });

  it('加急 by default: 紧急 tasks, and tasks overdue 5 working days or more; `/设置 加急` changes it', () => {
    const overdue = (n: number) => ({ kind: 'overdue' as const, overdueDays: n });
    expect(buzzWorthy({ priority: 'normal' }, overdue(4), DEFAULT_SETTINGS)).toBe(false);
    expect(buzzWorthy({ priority: 'normal' }, overdue(5), DEFAULT_SETTINGS)).toBe(true);
    expect(buzzWorthy({ priority: 'urgent' }, { kind: 'due_soon' }, DEFAULT_SETTINGS)).toBe(true);
    expect(buzzWorthy({ priority: 'urgent' }, { kind: 'review' }, DEFAULT_SETTINGS)).toBe(false);
    expect(buzzWorthy({ priority: 'urgent' }, { kind: 'stale' }, DEFAULT_SETTINGS)).toBe(false);
    const off = { urgentPriority: false, urgentOverdueWorkdays: 0 };
    expect(buzzWorthy({ priority: 'urgent' }, overdue(30), off)).toBe(false);
    expect(buzzWorthy({ priority: 'normal' }, overdue(3), { urgentPriority: false, urgentOverdueWorkdays: 3 })).toBe(true);
  });

  it('a submitted task asks its reviewer each working morning after, and the supervisor after E days', () => {
    const submitted = { ...beforeHoliday, state: 'submitted' as const, submittedAt: at('2026-09-30T16:30') };
    expect(plan(submitted, '2026-09-30T17:00')).toEqual([]);
    // 10-01…10-07 is the National Day holiday; 10-08 is the first working morning after.
    expect(plan(submitted, '2026-10-08T09:00')).toEqual([]);
    expect(plan(submitted, '2026-10-08T09:30')).toMatchObject([{ kind: 'review', userIds: ['ou_creator'], waitedDays: 1 }]);
    expect(plan(submitted, '2026-10-09T09:30')).toMatchObject([
      { kind: 'review', userIds: ['ou_creator'], waitedDays: 2 },
      { kind: 'review_escalate', userIds: ['ou_boss'], waitedDays: 2 },
    ]);
    expect(plan(submitted, '2026-10-10T09:30').map((r) => r.kind)).toEqual(['review']);
    const asking = {
      ...beforeHoliday,
      dueAt: at('2026-10-20T18:00'),
      pendingExtension: { dueAt: at('2026-10-30T18:00'), reason: 'x', requestedBy: 'ou_lead', requestedAt: at('2026-10-08T11:00') },
    };
    expect(plan(asking, '2026-10-09T09:30').filter((r) => r.kind.startsWith('extension'))).toMatchObject([{ kind: 'extension', userIds: ['ou_creator'] }]);
  });

  it('the supervisor falls back to the chat leader, then the creator', () => {
    const noSup = { ...beforeHoliday, supervisorId: null };
    expect(plan(noSup, '2026-10-09T09:30', { supervisorId: 'ou_chatlead' })[1]!.userIds).toEqual(['ou_chatlead']);
    expect(plan(noSup, '2026-10-09T09:30')[1]!.userIds).toEqual(['ou_creator']);
  });

  it('every number comes from the settings', () => {
    const s = { escalateAfterWorkdays: 3, overdueChaseTime: '10:00' };
    expect(keys(plan(beforeHoliday, '2026-10-08T09:45', s))).toEqual([]);
    expect(keys(plan(beforeHoliday, '2026-10-09T10:00', s))).toEqual([`t:7:overdue:2:${D}`]);
    expect(keys(plan(beforeHoliday, '2026-10-10T10:00', s))).toEqual([`t:7:overdue:3:${D}`, `t:7:escalate:3:${D}`]);
  });

  it('an approved extension re-arms the slots; submitted tasks are not chased', () => {
    const extended = { ...beforeHoliday, dueAt: at('2026-10-09T18:00'), originalDueAt: beforeHoliday.dueAt };
    expect(keys(plan(extended, '2026-10-10T09:30'))).toEqual(['t:7:overdue:1:2026-10-09T18:00']);
    expect(plan({ ...beforeHoliday, state: 'submitted' }, '2026-10-12T09:30').filter((r) => r.to !== 'creator' && r.to !== 'supervisor')).toEqual([]);
    expect(plan({ ...beforeHoliday, state: 'cancelled' }, '2026-10-12T09:30')).toEqual([]);
  });

  it('escalationStep is the documented ladder', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => escalationStep(n, 2))).toEqual([
      { cardAt: null, mentionCreator: false },
      { cardAt: 2, mentionCreator: true },
      { cardAt: 2, mentionCreator: true },
      { cardAt: 4, mentionCreator: true },
      { cardAt: 4, mentionCreator: true },
      { cardAt: 6, mentionCreator: true },
    ]);
  });
});

describe('提醒 before the deadline', () => {
  const soon = (due: string, createdAt = '2026-09-14T10:00') => task({ dueAt: at(due), createdAt: at(createdAt), lastProgressAt: at('2026-09-21T10:00') });

  it.each([
    // due the day after the National Day week: the working day before is 09-30
    ['2026-10-08T18:00', '2026-09-30T09:29', []],
    ['2026-10-08T18:00', '2026-09-30T09:30', ['t:7:due_tomorrow:2026-10-08T18:00']],
    ['2026-10-08T18:00', '2026-10-02T10:00', []],
    // due Monday 09-21: the working day before is the make-up Sunday 09-20
    ['2026-09-21T18:00', '2026-09-18T10:00', []],
    ['2026-09-21T18:00', '2026-09-20T09:30', ['t:7:due_tomorrow:2026-09-21T18:00']],
    // due Monday 10-12: the working day before is the make-up Saturday 10-10
    ['2026-10-12T18:00', '2026-10-10T09:30', ['t:7:due_tomorrow:2026-10-12T18:00']],
    // missed entirely (bot down on the day before): not sent on the due day, due soon covers it
    ['2026-09-23T18:00', '2026-09-23T09:30', []],
    ['2026-09-23T18:00', '2026-09-23T16:00', ['t:7:due_soon:2026-09-23T18:00']],
    ['2026-09-23T16:00', '2026-09-23T13:59', []],
    ['2026-09-23T16:00', '2026-09-23T14:00', ['t:7:due_soon:2026-09-23T16:00']],
    ['2026-09-23T16:00', '2026-09-23T16:00', []],
    // due 10:00: two hours before is 08:00, before hours — sent at 09:00, once the gate opens
    ['2026-09-23T10:00', '2026-09-23T08:00', []],
    ['2026-09-23T10:00', '2026-09-23T09:00', ['t:7:due_soon:2026-09-23T10:00']],
    // due outside working hours or on a holiday: no due-soon
    ['2026-09-23T21:00', '2026-09-23T17:00', []],
    ['2026-10-03T12:00', '2026-09-30T10:00', ['t:7:due_tomorrow:2026-10-03T12:00']],
  ])('due %s, at %s', (due, now, expected) => {
    expect(keys(plan(soon(due), now, { staleProgressWorkdays: 0 }))).toEqual(expected);
  });

  it('does not remind about a task assigned after the slot', () => {
    expect(plan(soon('2026-09-23T16:00', '2026-09-23T15:00'), '2026-09-23T15:30')).toEqual([]);
    expect(plan(soon('2026-09-24T18:00', '2026-09-23T11:00'), '2026-09-23T11:30')).toEqual([]);
  });

  it('免打扰 holds a slot until the window closes', () => {
    const t = soon('2026-09-23T13:30');
    const quiet = { quiet: { start: '11:00', end: '13:00' } };
    expect(keys(plan(t, '2026-09-23T11:30'))).toEqual(['t:7:due_soon:2026-09-23T13:30']);
    expect(plan(t, '2026-09-23T11:30', quiet)).toEqual([]);
    expect(plan(t, '2026-09-23T12:59', quiet)).toEqual([]);
    expect(keys(plan(t, '2026-09-23T13:00', quiet))).toEqual(['t:7:due_soon:2026-09-23T13:30']);
  });

  it('a quiet window wrapping midnight and custom hours', () => {
    const t = soon('2026-09-23T18:00');
    expect(plan(t, '2026-09-23T16:30', { quiet: { start: '16:00', end: '08:00' } })).toEqual([]);
    expect(plan(t, '2026-09-23T16:30', { workStart: '08:00', workEnd: '16:00' })).toEqual([]);
  });
});

describe('待签收, 进展询问 and 回头看', () => {
  it('unsigned: 2 working hours, counted across the weekend into the make-up Sunday', () => {
    const t = task({
      state: 'assigned',
      createdAt: at('2026-09-18T17:00'),
      acceptedAt: null,
      assignees: [
        { userId: 'ou_lead', role: 'lead', acceptedAt: null },
        { userId: 'ou_co', role: 'co', acceptedAt: null },
      ],
    });
    expect(plan(t, '2026-09-18T17:59')).toEqual([]);
    expect(plan(t, '2026-09-20T09:59')).toEqual([]);
    expect(plan(t, '2026-09-20T10:00')).toMatchObject([{ key: 't:7:unsigned', to: 'assignee', channel: 'p2p', userIds: ['ou_lead', 'ou_co'] }]);
    expect(plan(t, '2026-09-20T10:00', { unsignedReminderWorkHours: 4 })).toEqual([]);
    expect(plan({ ...t, state: 'in_progress' }, '2026-09-21T10:00')).toEqual([]);
  });

  const long = task({ createdAt: at('2026-09-01T10:00'), dueAt: at('2026-10-30T18:00'), lastProgressAt: at('2026-09-28T10:00') });

  it.each([
    ['2026-09-30T10:00', []], // 2 working days since
    ['2026-10-05T10:00', []], // holiday
    ['2026-10-08T09:29', []],
    ['2026-10-08T09:30', ['t:7:stale:2026-09-28']], // 3rd working day: 09-29, 09-30, 10-08
  ])('stale: no progress since 09-28 10:00, at %s', (now, expected) => {
    expect(keys(plan(long, now))).toEqual(expected);
  });

  it('never asks someone who reported today; nor on a short task', () => {
    const log: TaskEvent[] = [{ taskId: 7, kind: 'progress', actorId: 'ou_co', payload: {}, at: at('2026-10-08T08:30') }];
    expect(plan(long, '2026-10-08T10:00', {}, log)).toMatchObject([{ kind: 'stale', userIds: ['ou_lead'] }]);
    const both: TaskEvent[] = [...log, { ...log[0]!, actorId: 'ou_lead' }];
    expect(plan(long, '2026-10-08T10:00', {}, both)).toEqual([]);
    expect(planReminders(long, { lastProgressByUser: { ou_lead: at('2026-10-08T09:00') } }, DEFAULT_SETTINGS, cal, at('2026-10-08T10:00'))).toMatchObject([
      { userIds: ['ou_co'] },
    ]);
    const short = { ...long, createdAt: at('2026-09-28T10:00'), dueAt: at('2026-10-09T18:00') }; // 4 working days long
    const staleOnly = (rs: Reminder[]) => keys(rs.filter((r) => r.kind === 'stale'));
    expect(staleOnly(plan(short, '2026-10-08T10:00'))).toEqual([]);
    expect(staleOnly(plan(short, '2026-10-08T10:00', { staleMinTaskWorkdays: 3 }))).toEqual(['t:7:stale:2026-09-28']);
  });

  it('revisit: a done task’s 回头看 on a holiday is asked on the next working morning', () => {
    const done = task({ state: 'done', doneAt: at('2026-09-15T10:00'), revisitAt: at('2026-10-03T10:00') });
    expect(plan(done, '2026-10-03T10:00')).toEqual([]);
    expect(plan(done, '2026-10-08T09:00')).toMatchObject([{ key: 't:7:revisit:2026-10-03T10:00', kind: 'revisit', to: 'creator', userIds: ['ou_creator'] }]);
    expect(plan({ ...done, revisitAt: at('2026-10-09T10:00') }, '2026-10-08T09:00')).toEqual([]);
  });
});
