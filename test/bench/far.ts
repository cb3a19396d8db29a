/**
 * The cost of the lights and 台账 rows of 10,000 open tasks whose deadlines lie years ahead
 * (2030 to 2036, and one at the 10-year limit): every row reads working days and working minutes
 * between now and its deadline. First pass on a fresh calendar (year tables built), then warm.
 */
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { ledgerRows } from '../../bot/domain/ledger.js';
import { lightOf } from '../../bot/domain/light.js';
import { DEFAULT_SETTINGS, type Task } from '../../bot/domain/types.js';

export async function benchFar(count = Number(process.env.BENCH_FAR_TASKS ?? 10_000)): Promise<Record<string, string | number>> {
  const tz = 'Asia/Shanghai';
  const now = new Date('2026-12-02T02:00:00Z');
  const created = new Date('2026-11-02T02:00:00Z');
  const tasks = Array.from({ length: count }, (_, i) => {
    const due = new Date(Date.UTC(2030 + (i % 7), i % 12, 1 + (i % 28), 10));
    return {
      id: i + 1,
      number: i + 1,
      title: `远期任务 ${i + 1}`,
      category: null,
      source: null,
      state: 'in_progress',
      creatorId: 'ou_creator',
      assignees: [{ userId: 'ou_a', role: 'lead' }],
      createdAt: created,
      acceptedAt: created,
      dueAt: i === 0 ? new Date('2036-11-30T10:00:00Z') : due,
      originalDueAt: null,
      submittedAt: null,
      doneAt: null,
      lastProgressText: null,
      lastProgressAt: now,
      percent: 10,
      extensionCount: 0,
      chaseCount: 0,
    } as unknown as Task;
  });
  const run = (calendar: WorkCalendar) => {
    const t0 = performance.now();
    const rows = ledgerRows({ tasks, now, nameOf: (id) => id, lightOf: (t) => lightOf(t, now, calendar, DEFAULT_SETTINGS) });
    if (rows.length !== count) throw new Error('rows missing');
    return performance.now() - t0;
  };
  const calendar = new WorkCalendar({ tz });
  const cold = run(calendar);
  const warm = run(calendar);
  return {
    tasks: count,
    'lights + ledger rows, fresh calendar (ms)': cold.toFixed(1),
    'lights + ledger rows, warm calendar (ms)': warm.toFixed(1),
    'per row, warm (µs)': ((warm * 1000) / count).toFixed(2),
  };
}
