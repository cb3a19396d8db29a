import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../../bot/domain/calendar.js';
import { ParseError } from '../../../bot/parse/errors.js';
import { chineseNumberValue, parseTime, parseTimePrefix, type TimeContext } from '../../../bot/parse/time.js';

/** Local Asia/Shanghai wall time → instant. */
export const sh = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+08:00`);

const calendar = new WorkCalendar({ tz: 'Asia/Shanghai' });
const ctxAt = (now: string): TimeContext => ({ now: sh(now), calendar, endOfDay: '18:00' });

/** Tuesday morning. */
const TUE = '2026-11-24 10:00';
/** Friday morning and Friday evening (after the end of the day). */
const FRI = '2026-11-27 10:00';
const FRI_EVE = '2026-11-27 19:00';
/** Wednesday, the last working day before the National Day week (10-01..07; 10-10 is a make-up Saturday). */
const PRE_ND = '2026-09-30 10:00';
/** A Sunday in late December. */
const DEC = '2026-12-20 10:00';

type Expect = string | { error: string };
const E = (error: string) => ({ error });

const CASES: Array<[now: string, input: string, expected: Expect]> = [
  // ---- absolute dates, Tuesday 2026-11-24 10:00
  [TUE, '2026-12-01', '2026-12-01 18:00'],
  [TUE, '2026-12-01 18:00', '2026-12-01 18:00'],
  [TUE, '2026-12-01 09:30', '2026-12-01 09:30'],
  [TUE, '2026/12/1', '2026-12-01 18:00'],
  [TUE, '2026.12.1', '2026-12-01 18:00'],
  [TUE, '2026年12月1日', '2026-12-01 18:00'],
  [TUE, '12月1日', '2026-12-01 18:00'],
  [TUE, '12月1号', '2026-12-01 18:00'],
  [TUE, '12月1日下午3点', '2026-12-01 15:00'],
  [TUE, '12月1日 15:30', '2026-12-01 15:30'],
  [TUE, '十二月一日', '2026-12-01 18:00'],
  [TUE, '十二月一日下午三点半', '2026-12-01 15:30'],
  [TUE, '１２月１日', '2026-12-01 18:00'],
  [TUE, '12/1', '2026-12-01 18:00'],
  [TUE, '2026-12-01T15:00', '2026-12-01 15:00'],
  [TUE, '2026-12-01T07:00:00Z', '2026-12-01 15:00'],
  [TUE, '2026-12-01T15:00+08:00', '2026-12-01 15:00'],
  // ---- relative days
  [TUE, '今天', '2026-11-24 18:00'],
  [TUE, '明天', '2026-11-25 18:00'],
  [TUE, '后天', '2026-11-26 18:00'],
  [TUE, '大后天', '2026-11-27 18:00'],
  [TUE, '今晚', '2026-11-24 22:00'],
  [TUE, '今晚8点', '2026-11-24 20:00'],
  [TUE, '明早', '2026-11-25 12:00'],
  [TUE, '明天上午10点', '2026-11-25 10:00'],
  [TUE, '明天下午', '2026-11-25 18:00'],
  [TUE, '明天15:00', '2026-11-25 15:00'],
  [TUE, '今天下班前', '2026-11-24 18:00'],
  // ---- weekdays
  [TUE, '周五', '2026-11-27 18:00'],
  [TUE, '星期五', '2026-11-27 18:00'],
  [TUE, '礼拜五', '2026-11-27 18:00'],
  [TUE, '周五下午5点前', '2026-11-27 17:00'],
  [TUE, '周五前', '2026-11-27 18:00'],
  [TUE, '周五之前', '2026-11-27 18:00'],
  [TUE, '最迟周五', '2026-11-27 18:00'],
  [TUE, '周二', '2026-11-24 18:00'],
  [TUE, '周一', '2026-11-30 18:00'],
  [TUE, '周日', '2026-11-29 18:00'],
  [TUE, '星期天', '2026-11-29 18:00'],
  [TUE, '下周一', '2026-11-30 18:00'],
  [TUE, '下周五', '2026-12-04 18:00'],
  [TUE, '下个星期三', '2026-12-02 18:00'],
  [TUE, '下下周一', '2026-12-07 18:00'],
  [TUE, '本周五', '2026-11-27 18:00'],
  [TUE, '这周五', '2026-11-27 18:00'],
  [TUE, '本周一', E('time_in_past')],
  [TUE, '上周五', E('time_in_past')],
  // ---- month ends and days of the month
  [TUE, '月底', '2026-11-30 18:00'],
  [TUE, '月末', '2026-11-30 18:00'],
  [TUE, '本月底', '2026-11-30 18:00'],
  [TUE, '下个月底', '2026-12-31 18:00'],
  [TUE, '12月底', '2026-12-31 18:00'],
  [TUE, '年底', '2026-12-31 18:00'],
  [TUE, '下个月1号', '2026-12-01 18:00'],
  [TUE, '下月15日', '2026-12-15 18:00'],
  [TUE, '15号', '2026-12-15 18:00'],
  [TUE, '30号', '2026-11-30 18:00'],
  [TUE, '本月30日', '2026-11-30 18:00'],
  [TUE, '31号', '2026-12-31 18:00'],
  [TUE, '本月15日', E('time_in_past')],
  [TUE, '下个月31号', '2026-12-31 18:00'],
  // ---- spans
  [TUE, '3天内', '2026-11-27 18:00'],
  [TUE, '三天内', '2026-11-27 18:00'],
  [TUE, '3日内', '2026-11-27 18:00'],
  [TUE, '3天', '2026-11-27 18:00'],
  [TUE, '3天后', '2026-11-27 18:00'],
  [TUE, '3个工作日内', '2026-11-27 18:00'],
  [TUE, '三个工作日内', '2026-11-27 18:00'],
  [TUE, '5个工作日内', '2026-12-01 18:00'],
  [TUE, '两个工作日', '2026-11-26 18:00'],
  [TUE, '十个工作日内', '2026-12-08 18:00'],
  [TUE, '二十个工作日内', '2026-12-22 18:00'],
  [TUE, '一周内', '2026-12-01 18:00'],
  [TUE, '2周内', '2026-12-08 18:00'],
  [TUE, '1个月内', '2026-12-24 18:00'],
  [TUE, '2小时内', '2026-11-24 12:00'],
  [TUE, '30分钟内', '2026-11-24 10:30'],
  // ---- times alone are today
  [TUE, '15:00', '2026-11-24 15:00'],
  [TUE, '下午3点', '2026-11-24 15:00'],
  [TUE, '3点', '2026-11-24 15:00'],
  [TUE, '3点半', '2026-11-24 15:30'],
  [TUE, '3点20分', '2026-11-24 15:20'],
  [TUE, '上午11点', '2026-11-24 11:00'],
  [TUE, '中午', '2026-11-24 12:00'],
  [TUE, '中午1点', '2026-11-24 13:00'],
  [TUE, '晚上8点', '2026-11-24 20:00'],
  // ---- English
  [TUE, 'tomorrow', '2026-11-25 18:00'],
  [TUE, 'Tomorrow 9am', '2026-11-25 09:00'],
  [TUE, 'tomorrow at 5pm', '2026-11-25 17:00'],
  [TUE, 'tomorrow morning', '2026-11-25 12:00'],
  [TUE, 'today', '2026-11-24 18:00'],
  [TUE, 'tonight', '2026-11-24 22:00'],
  [TUE, 'friday', '2026-11-27 18:00'],
  [TUE, 'Friday', '2026-11-27 18:00'],
  [TUE, 'fri', '2026-11-27 18:00'],
  [TUE, 'this friday', '2026-11-27 18:00'],
  [TUE, 'on friday', '2026-11-27 18:00'],
  [TUE, 'by friday', '2026-11-27 18:00'],
  [TUE, 'friday 3pm', '2026-11-27 15:00'],
  [TUE, '3pm friday', '2026-11-27 15:00'],
  [TUE, 'friday at 3:30 pm', '2026-11-27 15:30'],
  [TUE, 'next monday', '2026-11-30 18:00'],
  [TUE, 'next friday', '2026-12-04 18:00'],
  [TUE, 'in 3 days', '2026-11-27 18:00'],
  [TUE, 'within 3 days', '2026-11-27 18:00'],
  [TUE, '3 days', '2026-11-27 18:00'],
  [TUE, 'in 2 weeks', '2026-12-08 18:00'],
  [TUE, 'in 2 hours', '2026-11-24 12:00'],
  [TUE, '3 workdays', '2026-11-27 18:00'],
  [TUE, '3 working days', '2026-11-27 18:00'],
  [TUE, 'in 3 business days', '2026-11-27 18:00'],
  [TUE, '5 workdays', '2026-12-01 18:00'],
  [TUE, 'end of month', '2026-11-30 18:00'],
  [TUE, 'end of next month', '2026-12-31 18:00'],
  [TUE, 'end of year', '2026-12-31 18:00'],
  [TUE, 'eod', '2026-11-24 18:00'],
  [TUE, 'dec 1', '2026-12-01 18:00'],
  [TUE, 'Dec 1 3pm', '2026-12-01 15:00'],
  [TUE, 'december 1st', '2026-12-01 18:00'],
  [TUE, '1 dec', '2026-12-01 18:00'],
  [TUE, 'dec 1st 2026 at 3:30pm', '2026-12-01 15:30'],
  [TUE, '3pm', '2026-11-24 15:00'],
  [TUE, 'noon', '2026-11-24 12:00'],
  // ---- unreadable and past
  [TUE, '', E('bad_time')],
  [TUE, 'garbage', E('bad_time')],
  [TUE, '下个月', E('bad_time')],
  [TUE, '12月', E('bad_time')],
  [TUE, '2026-13-01', E('bad_time')],
  [TUE, '2月30日', E('bad_time')],
  [TUE, '25:00', E('bad_time')],
  [TUE, '13pm', E('bad_time')],
  [TUE, '昨天', E('time_in_past')],
  [TUE, '今天上午9点', E('time_in_past')],
  [TUE, '11月20日', E('time_in_past')],
  [TUE, '3天前', E('time_in_past')],
  [TUE, 'yesterday', E('time_in_past')],
  [TUE, '2025-12-01', E('time_in_past')],
  [TUE, '9:00', E('time_in_past')],
  // ---- Friday morning: 周五 is today
  [FRI, '周五', '2026-11-27 18:00'],
  [FRI, 'friday', '2026-11-27 18:00'],
  [FRI, 'this friday', '2026-11-27 18:00'],
  [FRI, '周五下午3点', '2026-11-27 15:00'],
  [FRI, '周五上午9点', '2026-12-04 09:00'],
  [FRI, '本周五上午9点', E('time_in_past')],
  [FRI, '下周五', '2026-12-04 18:00'],
  [FRI, 'next friday', '2026-12-04 18:00'],
  [FRI, '周一', '2026-11-30 18:00'],
  [FRI, '3个工作日内', '2026-12-02 18:00'],
  [FRI, '3天内', '2026-11-30 18:00'],
  [FRI, '明天', '2026-11-28 18:00'],
  [FRI, '月底', '2026-11-30 18:00'],
  // ---- Friday evening: today is over
  [FRI_EVE, '周五', '2026-12-04 18:00'],
  [FRI_EVE, 'friday', '2026-12-04 18:00'],
  [FRI_EVE, '今天', E('time_in_past')],
  [FRI_EVE, 'eod', E('time_in_past')],
  [FRI_EVE, '今晚', '2026-11-27 22:00'],
  [FRI_EVE, '1个工作日内', '2026-11-30 18:00'],
  [FRI_EVE, '0个工作日内', E('time_in_past')],
  // ---- the day before National Day: working days skip the holiday, 10-10 is a make-up Saturday
  [PRE_ND, '1个工作日内', '2026-10-08 18:00'],
  [PRE_ND, '3个工作日内', '2026-10-10 18:00'],
  [PRE_ND, '三个工作日内', '2026-10-10 18:00'],
  [PRE_ND, '3 workdays', '2026-10-10 18:00'],
  [PRE_ND, '4个工作日内', '2026-10-12 18:00'],
  [PRE_ND, '明天', '2026-10-01 18:00'],
  [PRE_ND, '3天内', '2026-10-03 18:00'],
  [PRE_ND, '月底', '2026-09-30 18:00'],
  [PRE_ND, '下个月底', '2026-10-30 18:00'],
  [PRE_ND, '周五', '2026-10-02 18:00'],
  [PRE_ND, '10月8日', '2026-10-08 18:00'],
  // ---- late December: a month/day rolls into next year only when that is near
  [DEC, '1月5日', '2027-01-05 18:00'],
  [DEC, '12月1日', E('time_in_past')],
  [DEC, '3个工作日内', '2026-12-23 18:00'],
  [DEC, '月底', '2026-12-31 18:00'],
  [DEC, '下个月1号', '2027-01-01 18:00'],
  [DEC, '周一', '2026-12-21 18:00'],
  [DEC, '本周五', E('time_in_past')],
  [DEC, '下周五', '2026-12-25 18:00'],
];

describe('parseTime table', () => {
  it.each(CASES)('%s  %j', (now, input, expected) => {
    const ctx = ctxAt(now);
    if (typeof expected === 'string') {
      expect(parseTime(input, ctx).toISOString()).toBe(sh(expected).toISOString());
    } else {
      let caught: unknown;
      try {
        parseTime(input, ctx);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ParseError);
      expect((caught as ParseError).code).toBe(expected.error);
    }
  });
});

describe('parseTime details', () => {
  it('reports the text and the local time of a past moment', () => {
    try {
      parseTime('昨天', ctxAt(TUE));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'time_in_past', params: { text: '昨天', time: '2026-11-23 18:00' } });
    }
  });

  it('uses the configured end of day', () => {
    expect(parseTime('明天', { ...ctxAt(TUE), endOfDay: '17:30' }).toISOString()).toBe(sh('2026-11-25 17:30').toISOString());
  });

  it('counts working days into a year without data, and the calendar records it', () => {
    const cal = new WorkCalendar({ tz: 'Asia/Shanghai' });
    const at = parseTime('5个工作日内', { now: sh('2026-12-30 10:00'), calendar: cal, endOfDay: '18:00' });
    // 2027-01-01 is 元旦 by law, even before the State Council's schedule is known.
    expect(at.toISOString()).toBe(sh('2027-01-07 18:00').toISOString());
    expect([...cal.missingYears]).toEqual([2027]);
  });

  it('works in another zone', () => {
    const ny = new WorkCalendar({ tz: 'America/New_York' });
    const at = parseTime('tomorrow 9am', { now: new Date('2026-11-24T15:00:00Z'), calendar: ny, endOfDay: '18:00' });
    expect(at.toISOString()).toBe('2026-11-25T14:00:00.000Z');
    const due = parseTime('dec 1', { now: new Date('2026-11-24T15:00:00Z'), calendar: ny, endOfDay: '18:00' });
    expect(due.toISOString()).toBe('2026-12-01T23:00:00.000Z');
  });

  it('reads Chinese numerals', () => {
    expect(chineseNumberValue('十')).toBe(10);
    expect(chineseNumberValue('十五')).toBe(15);
    expect(chineseNumberValue('二十四')).toBe(24);
    expect(chineseNumberValue('九十九')).toBe(99);
    expect(chineseNumberValue('两')).toBe(2);
    expect(chineseNumberValue('二〇二六')).toBe(2026);
    expect(chineseNumberValue('一百零一')).toBe(101);
  });
});

describe('parseTimePrefix', () => {
  const ctx = ctxAt(TUE);
  it.each([
    ['下周五 材料未齐', '2026-12-04 18:00', '下周五', '材料未齐'],
    ['下周五材料未齐', '2026-12-04 18:00', '下周五', '材料未齐'],
    ['12月1日下午3点 等待批复', '2026-12-01 15:00', '12月1日下午3点', '等待批复'],
    ['3个工作日内需要协调', '2026-11-27 18:00', '3个工作日内', '需要协调'],
    ['friday because the data is late', '2026-11-27 18:00', 'friday', 'because the data is late'],
    ['next monday 3pm waiting', '2026-11-30 15:00', 'next monday 3pm', 'waiting'],
    ['2026-12-01 18:00 reason', '2026-12-01 18:00', '2026-12-01 18:00', 'reason'],
    ['明天', '2026-11-25 18:00', '明天', ''],
  ])('%j', (text, at, time, rest) => {
    const r = parseTimePrefix(text, ctx);
    expect(r).not.toBeNull();
    expect(r!.at.toISOString()).toBe(sh(at).toISOString());
    expect(r!.time).toBe(time);
    expect(r!.rest.trim()).toBe(rest);
  });

  it('is null when nothing leads with a time, and refuses a past one', () => {
    expect(parseTimePrefix('材料未齐', ctx)).toBeNull();
    expect(parseTimePrefix('', ctx)).toBeNull();
    expect(() => parseTimePrefix('昨天 忘了', ctx)).toThrow(ParseError);
  });
});

describe('parseTime on arbitrary text', () => {
  it('returns an instant or throws ParseError, nothing else', () => {
    const ctx = ctxAt(TUE);
    const pieces = fc.constantFrom(
      '周',
      '五',
      '下',
      '月',
      '底',
      '号',
      '日',
      '3',
      '12',
      ':',
      '点',
      '半',
      '天',
      '内',
      '工作日',
      ' ',
      'am',
      'pm',
      'next',
      'friday',
      'dec',
      '-',
      '/',
      'T',
      'Z',
      '前',
      '十',
      '两',
    );
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.array(pieces, { maxLength: 8 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (s) => {
        try {
          const at = parseTime(s, ctx);
          expect(Number.isNaN(at.getTime())).toBe(false);
          expect(at.getTime()).toBeGreaterThan(ctx.now.getTime());
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
      }),
      { numRuns: 500 },
    );
  });
});
