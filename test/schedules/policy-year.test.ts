/**
 * SPEC §4 over a simulated year: the chase job's plan (bot/domain/policy.ts) run every hour of
 * 2026 over a few hundred random tasks against the real calendar; nothing goes out on a day
 * off, outside working hours or in 免打扰, and each slot at most once. Pure, but long: it runs
 * in the full suite, not in `npm run test:fast`.
 */
import chineseDays from 'chinese-days';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { planReminders, type Reminder } from '../../bot/domain/policy.js';
import { DEFAULT_SETTINGS, type ChatSettings, type Task } from '../../bot/domain/types.js';
import { at, sampleTask as task } from '../bot/domain/sample-task.js';

const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });

describe('a simulated year of hourly runs', () => {
  // An oracle independent of WorkCalendar: the package itself plus Intl.
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
  const local = (d: Date) => {
    const p = Object.fromEntries(parts.formatToParts(d).map((x) => [x.type, x.value]));
    return { ymd: `${p.year}-${p.month}-${p.day}`, minute: Number(p.hour) * 60 + Number(p.minute) };
  };
  const isWorkdayOracle = (ymd: string) => {
    const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
    return chineseDays.isWorkday(new Date(y, m - 1, d, 12));
  };
  const hhmm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

  interface Sim {
    task: Task;
    settings: ChatSettings;
    acceptAt: Date | null;
    closeAt: Date | null;
  }

  const hour = 3_600_000;
  const yearStart = at('2026-01-01T00:00').getTime();
  const yearEnd = at('2026-12-31T23:00').getTime();

  const simArb = fc.record({
    created: fc.integer({ min: 0, max: 340 * 24 }),
    createdMinute: fc.integer({ min: 0, max: 59 }),
    dueHours: fc.option(fc.integer({ min: 1, max: 40 * 24 }), { nil: null }),
    dueAtEndOfDay: fc.boolean(),
    acceptAfter: fc.option(fc.integer({ min: 0, max: 72 }), { nil: null }),
    closeAfter: fc.option(fc.integer({ min: 1, max: 60 * 24 }), { nil: null }),
    revisitAfter: fc.option(fc.integer({ min: 1, max: 20 * 24 }), { nil: null }),
    urgent: fc.boolean(),
    quiet: fc.constantFrom(null, { start: '12:00', end: '14:00' }, { start: '17:00', end: '08:00' }),
    hours: fc.constantFrom({ workStart: '09:00', workEnd: '18:00' }, { workStart: '08:30', workEnd: '17:30' }),
    escalate: fc.integer({ min: 1, max: 4 }),
    progressEvery: fc.option(fc.integer({ min: 24, max: 24 * 10 }), { nil: null }),
  });

  it('sends nothing on non-working days or outside hours, and each slot at most once', { timeout: 120_000 }, () => {
    const specs = fc.sample(simArb, { numRuns: 300, seed: 20261001 });
    const sims: Sim[] = specs.map((s, i) => {
      const createdAt = new Date(yearStart + s.created * hour + s.createdMinute * 60_000);
      let dueAt = s.dueHours === null ? null : new Date(createdAt.getTime() + s.dueHours * hour);
      if (dueAt && s.dueAtEndOfDay) dueAt = cal.at(cal.localDate(dueAt), '18:00');
      const acceptAt = s.acceptAfter === null ? null : new Date(createdAt.getTime() + s.acceptAfter * hour);
      const closeAt = s.closeAfter === null ? null : new Date(createdAt.getTime() + s.closeAfter * hour);
      return {
        task: task({
          id: i + 1,
          number: i + 1,
          createdAt,
          dueAt,
          originalDueAt: dueAt,
          priority: s.urgent ? 'urgent' : 'normal',
          state: 'assigned',
          acceptedAt: null,
          assignees: [
            { userId: `ou_lead${i}`, role: 'lead', acceptedAt: null },
            { userId: `ou_co${i}`, role: 'co', acceptedAt: null },
          ],
          revisitAt: closeAt && s.revisitAfter ? new Date(closeAt.getTime() + s.revisitAfter * hour) : null,
        }),
        settings: { ...DEFAULT_SETTINGS, ...s.hours, quiet: s.quiet, escalateAfterWorkdays: s.escalate },
        acceptAt,
        closeAt,
        progressEvery: s.progressEvery,
      } as Sim & { progressEvery: number | null };
    });

    const claimed = new Map<string, { at: Date; r: Reminder; taskId: number }>();
    const perTaskDay = new Map<string, number>();
    let planned = 0;
    for (let t = yearStart; t <= yearEnd; t += hour) {
      const now = new Date(t);
      for (const sim of sims as Array<Sim & { progressEvery: number | null }>) {
        const base = sim.task;
        if (base.createdAt.getTime() > t) continue;
        // The task as it stands at `now`.
        const accepted = sim.acceptAt && sim.acceptAt.getTime() <= t ? sim.acceptAt : null;
        const closed = sim.closeAt && sim.closeAt.getTime() <= t;
        let lastProgressAt: Date | null = null;
        if (sim.progressEvery && accepted) {
          const k = Math.floor((t - accepted.getTime()) / (sim.progressEvery * hour));
          lastProgressAt = k > 0 ? new Date(accepted.getTime() + k * sim.progressEvery * hour) : null;
        }
        const current: Task = {
          ...base,
          state: closed ? 'done' : accepted ? 'in_progress' : 'assigned',
          doneAt: closed ? sim.closeAt : null,
          acceptedAt: accepted,
          lastProgressAt,
          assignees: base.assignees.map((a) => ({ ...a, acceptedAt: accepted })),
        };
        for (const r of planReminders(current, [], sim.settings, cal, now)) {
          planned++;
          if (claimed.has(r.key)) continue;
          claimed.set(r.key, { at: now, r, taskId: base.id });
          if (r.kind === 'overdue') {
            const day = `${base.id}:${local(now).ymd}`;
            perTaskDay.set(day, (perTaskDay.get(day) ?? 0) + 1);
          }
        }
      }
    }

    expect(claimed.size).toBeGreaterThan(1000);
    const kinds = new Set([...claimed.values()].map((c) => c.r.kind));
    expect([...kinds].sort()).toEqual(['due_soon', 'due_tomorrow', 'escalate', 'overdue', 'revisit', 'stale', 'unsigned']);
    for (const { at: when, r, taskId } of claimed.values()) {
      const sim = sims[taskId - 1]!;
      const { ymd, minute } = local(when);
      expect(isWorkdayOracle(ymd), `${r.key} on ${ymd}`).toBe(true);
      expect(minute >= hhmm(sim.settings.workStart) && minute < hhmm(sim.settings.workEnd), `${r.key} at ${minute}`).toBe(true);
      const q = sim.settings.quiet;
      if (q) {
        const [qs, qe] = [hhmm(q.start), hhmm(q.end)];
        const inQuiet = qs < qe ? minute >= qs && minute < qe : minute >= qs || minute < qe;
        expect(inQuiet, `${r.key} in quiet hours`).toBe(false);
      }
      expect(r.slotAt.getTime()).toBeLessThanOrEqual(when.getTime());
    }
    // One 催办 per task per day at most: missed days are not replayed.
    expect(Math.max(...perTaskDay.values())).toBe(1);
    // Slots are stable: re-planning never produced a key for a different (kind, slot).
    for (const [key, { r }] of claimed) expect(key).toBe(`t:${key.split(':')[1]}:${r.slot}`);
    expect(planned).toBeGreaterThan(claimed.size);
  });
});
