/**
 * A stand-in for WorkCalendar in pure tests: Monday–Friday are working days, with optional
 * holidays and make-up days, in a fixed UTC+8 zone. Lets the light and card tests pin exact
 * day counts without depending on the State Council's data.
 */
const OFFSET_MS = 8 * 3600_000;

export class WeekdayCalendar {
  constructor(private readonly overrides: Record<string, 'holiday' | 'workday'> = {}) {}

  localDate(d: Date): string {
    return new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 10);
  }
  at(ymd: string, hhmm: string): Date {
    return new Date(`${ymd}T${hhmm}:00+08:00`);
  }
  weekday(ymd: string): number {
    const w = new Date(`${ymd}T00:00:00Z`).getUTCDay();
    return w === 0 ? 7 : w;
  }
  isWorkday(ymd: string): boolean {
    const o = this.overrides[ymd];
    if (o) return o === 'workday';
    return this.weekday(ymd) <= 5;
  }
  private next(ymd: string, step = 1): string {
    return new Date(new Date(`${ymd}T00:00:00Z`).getTime() + step * 86400_000).toISOString().slice(0, 10);
  }
  addWorkdays(ymd: string, n: number): string {
    let d = ymd;
    while (n > 0) {
      d = this.next(d);
      if (this.isWorkday(d)) n--;
    }
    return d;
  }
  /** Working days d with from < d ≤ to. */
  workdaysBetween(from: string, to: string): number {
    let n = 0;
    for (let d = this.next(from); d <= to; d = this.next(d)) if (this.isWorkday(d)) n++;
    return n;
  }
  workingMinutesBetween(a: Date, b: Date, hours: { start: string; end: string }): number {
    if (b.getTime() <= a.getTime()) return 0;
    const [sh, sm] = hours.start.split(':').map(Number);
    const [eh, em] = hours.end.split(':').map(Number);
    let total = 0;
    for (let d = this.localDate(a); d <= this.localDate(b); d = this.next(d)) {
      if (!this.isWorkday(d)) continue;
      const s = Math.max(a.getTime(), this.at(d, `${pad(sh!)}:${pad(sm!)}`).getTime());
      const e = Math.min(b.getTime(), this.at(d, `${pad(eh!)}:${pad(em!)}`).getTime());
      if (e > s) total += (e - s) / 60000;
    }
    return Math.round(total);
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
