import { describe, expect, test } from 'vitest';
import { lightOf, lightWithReason } from '../../../bot/domain/light.js';
import { newTask } from '../../../bot/domain/task.js';
import { DEFAULT_SETTINGS, type Task } from '../../../bot/domain/types.js';
import { WeekdayCalendar } from './weekday-calendar.js';

const cal = new WeekdayCalendar({ '2026-10-01': 'holiday', '2026-10-10': 'workday' });
const at = (s: string) => new Date(`${s}+08:00`);

function task(over: Partial<Task> = {}): Task {
  const t = newTask({
    tenantKey: 't',
    number: 1,
    title: 'x',
    category: null,
    source: null,
    priority: 'normal',
    creatorId: 'ou_c',
    supervisorId: null,
    chatId: 'oc',
    leadId: 'ou_l',
    coIds: [],
    dueAt: at('2026-12-11T18:00:00'), // Friday
    now: at('2026-11-30T09:00:00'), // Monday
  }).task;
  return { ...t, state: 'in_progress', ...over };
}

describe('亮灯', () => {
  test.each([
    ['green: plenty of time, fresh progress', task({ lastProgressAt: at('2026-12-01T10:00:00'), percent: 30 }), at('2026-12-02T10:00:00'), 'green', null],
    ['red: past due', task(), at('2026-12-11T18:01:00'), 'red', 'overdue'],
    ['yellow: due within one working day', task({ lastProgressAt: at('2026-12-10T10:00:00') }), at('2026-12-10T18:00:00'), 'yellow', 'due_soon'],
    [
      'yellow: due Monday, now Friday evening (the weekend does not count)',
      task({ dueAt: at('2026-12-07T18:00:00'), lastProgressAt: at('2026-12-04T17:00:00') }),
      at('2026-12-04T17:30:00'),
      'yellow',
      'due_soon',
    ],
    ['green: two working days left', task({ lastProgressAt: at('2026-12-09T10:00:00') }), at('2026-12-09T18:00:00'), 'green', null],
    ['yellow: no progress for 3 working days', task({ lastProgressAt: at('2026-11-30T10:00:00') }), at('2026-12-03T10:00:00'), 'yellow', 'stale'],
    ['green: 2 working days without progress is still fine', task({ lastProgressAt: at('2026-11-30T10:00:00') }), at('2026-12-02T17:00:00'), 'green', null],
    ['green: a weekend is not silence', task({ lastProgressAt: at('2026-12-04T10:00:00') }), at('2026-12-08T10:00:00'), 'green', null],
    // 10 working days, 5 elapsed → 50% expected; 25% reported is 25 points behind.
    ['yellow: behind schedule (序时进度)', task({ lastProgressAt: at('2026-12-04T17:00:00'), percent: 25 }), at('2026-12-07T09:00:00'), 'yellow', 'behind'],
    ['green: 35% at half time is within 20 points', task({ lastProgressAt: at('2026-12-04T17:00:00'), percent: 35 }), at('2026-12-07T09:00:00'), 'green', null],
    [
      'green: no percent reported means no 序时 judgement',
      task({ lastProgressAt: at('2026-12-04T17:00:00'), percent: null }),
      at('2026-12-07T09:00:00'),
      'green',
      null,
    ],
    ['yellow: an unsigned task untouched for 3 working days', task({ state: 'assigned' }), at('2026-12-03T10:00:00'), 'yellow', 'stale'],
    [
      'green: a submitted task waits on the reviewer',
      task({ state: 'submitted', lastProgressAt: at('2026-11-30T10:00:00') }),
      at('2026-12-07T10:00:00'),
      'green',
      'review',
    ],
    ['green: a done task is never lit', task({ state: 'done' }), at('2027-01-10T10:00:00'), 'green', null],
    [
      'red: no deadline never goes red',
      task({ dueAt: null, originalDueAt: null, lastProgressAt: at('2026-12-01T10:00:00') }),
      at('2026-12-02T10:00:00'),
      'green',
      null,
    ],
  ] as const)('%s', (_name, t, now, light, reason) => {
    expect(lightWithReason(t, now, cal, DEFAULT_SETTINGS)).toEqual({ light, reason });
    expect(lightOf(t, now, cal, DEFAULT_SETTINGS)).toBe(light);
  });

  test('the stale threshold follows the chat setting', () => {
    const t = task({ lastProgressAt: at('2026-11-30T10:00:00') });
    expect(lightOf(t, at('2026-12-03T10:00:00'), cal, { ...DEFAULT_SETTINGS, staleProgressWorkdays: 5 })).toBe('green');
  });

  test('holidays and make-up days count as the calendar says', () => {
    // 2026-10-01 (Thu) is a holiday: Wed → Mon is only 2 working days (Fri, Mon).
    const t = task({ createdAt: at('2026-09-28T09:00:00'), dueAt: at('2026-10-30T18:00:00'), lastProgressAt: at('2026-09-30T10:00:00') });
    expect(lightOf(t, at('2026-10-05T10:00:00'), cal, DEFAULT_SETTINGS)).toBe('green');
    // Saturday 2026-10-10 is a make-up working day: Thu 8th → Sat 10th → Mon 12th = 3.
    const u = { ...t, lastProgressAt: at('2026-10-08T10:00:00') };
    expect(lightOf(u, at('2026-10-12T10:00:00'), cal, DEFAULT_SETTINGS)).toBe('yellow');
  });
});

describe('亮灯 on the real working calendar', () => {
  test('agrees with the plain weekday calendar in an ordinary December week', async () => {
    const { WorkCalendar } = await import('../../../bot/domain/calendar.js');
    const real = new WorkCalendar({ tz: 'Asia/Shanghai' });
    const cases: Array<[Task, Date]> = [
      [task({ lastProgressAt: at('2026-12-04T17:00:00'), percent: 25 }), at('2026-12-07T09:00:00')],
      [task({ dueAt: at('2026-12-07T18:00:00'), lastProgressAt: at('2026-12-04T17:00:00') }), at('2026-12-04T17:30:00')],
      [task({ lastProgressAt: at('2026-11-30T10:00:00') }), at('2026-12-03T10:00:00')],
      [task(), at('2026-12-11T18:01:00')],
    ];
    for (const [t, now] of cases) expect(lightWithReason(t, now, real, DEFAULT_SETTINGS)).toEqual(lightWithReason(t, now, cal, DEFAULT_SETTINGS));
  });
});
