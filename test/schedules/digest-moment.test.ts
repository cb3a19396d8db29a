/** When this week's digest is due: the configured weekday and time, moved off holidays. */
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { digestMoment } from '../../schedules/digest.js';

const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
const bj = (s: string) => new Date(`${s}:00+08:00`);

describe('digestMoment', () => {
  it('is the configured weekday and time of now’s week', () => {
    expect(digestMoment(cal, bj('2026-12-01T10:00'), 5, '16:00')).toEqual(bj('2026-12-04T16:00'));
    expect(digestMoment(cal, bj('2026-12-06T23:59'), 5, '16:00')).toEqual(bj('2026-12-04T16:00'));
    expect(digestMoment(cal, bj('2026-12-01T10:00'), 1, '09:00')).toEqual(bj('2026-11-30T09:00'));
  });
  it('moves to the last working day before a holiday (National Day 2026: Friday 10-02 is off)', () => {
    expect(digestMoment(cal, bj('2026-10-01T12:00'), 5, '16:00')).toEqual(bj('2026-09-30T16:00'));
    // The week after the holiday: Thursday and Friday are working days again.
    expect(digestMoment(cal, bj('2026-10-08T12:00'), 5, '16:00')).toEqual(bj('2026-10-09T16:00'));
  });
  it('a weekend setting falls back to Friday', () => {
    expect(digestMoment(cal, bj('2026-12-01T10:00'), 7, '10:00')).toEqual(bj('2026-12-04T10:00'));
  });
});
