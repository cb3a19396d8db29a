/** The working-day calendar with the database's overrides (imported holidays and 调休 days). */
import { WorkCalendar, type CalendarOverride } from '../bot/domain/calendar.js';
import type { DbHandle } from './client.js';
import { calendarOverrides } from './schema.js';

export async function loadCalendar(handle: DbHandle, tz: string): Promise<WorkCalendar> {
  const rows = await handle.db.select().from(calendarOverrides);
  const overrides: CalendarOverride[] = rows.map((r) => ({ date: r.date, kind: r.kind as 'holiday' | 'workday', name: r.name }));
  return new WorkCalendar({ tz, overrides });
}
