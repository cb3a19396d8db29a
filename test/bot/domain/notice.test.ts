import { readFileSync } from 'node:fs';
import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { addDays, weekdayOf } from '../../../bot/domain/calendar.js';
import { parseCalendarImport } from '../../../bot/domain/calendar-import.js';
import { parseNotice } from '../../../bot/domain/notice.js';

const fixture = (year: number) => readFileSync(new URL(`../../fixtures/calendar/notice-${year}.txt`, import.meta.url), 'utf8');
const official = (ymd: string) => {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return chineseDays.isWorkday(new Date(y, m - 1, d, 12));
};

describe('the State Council notice as the import format', () => {
  for (const year of [2024, 2025, 2026]) {
    it(`the ${year} notice, imported, equals chinese-days on every day of ${year}`, () => {
      const days = parseCalendarImport(fixture(year));
      const byDate = new Map(days.map((d) => [d.date, d.kind]));
      const differ: string[] = [];
      for (let d = `${year}-01-01`; d.startsWith(String(year)); d = addDays(d, 1)) {
        const kind = byDate.get(d);
        const work = kind ? kind === 'workday' : weekdayOf(d) <= 5;
        if (work !== official(d)) differ.push(d);
      }
      expect(differ).toEqual([]);
      expect(days.every((d) => d.date.startsWith(String(year)))).toBe(true);
    });
  }

  it('reads the year from the title and what each line says, day by day', () => {
    const n = parseNotice(fixture(2026));
    expect(n.year).toBe(2026);
    expect(n.days.filter((d) => d.line === n.days[0]!.line).map((d) => `${d.date} ${d.kind} ${d.name}`)).toEqual([
      '2026-01-01 holiday 元旦',
      '2026-01-02 holiday 元旦',
      '2026-01-03 holiday 元旦',
      '2026-01-04 workday 元旦调休',
    ]);
    // 2025: 国庆节、中秋节 in one item, a range across months for 端午, 元旦 alone.
    const d25 = parseNotice(fixture(2025)).days.map((d) => `${d.date}:${d.kind[0]}`);
    expect(d25).toContain('2025-06-02:h');
    expect(d25).toContain('2025-10-08:h');
    expect(d25).toContain('2025-10-11:w');
    expect(d25.filter((d) => d.startsWith('2025-01-0'))).toEqual(['2025-01-01:h']);
  });

  it('takes the year from --year when the title is missing, and refuses a contradiction', () => {
    const item = '一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）上班。';
    expect(parseNotice(item, { year: 2027 }).days.map((d) => d.date)).toEqual(['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04']);
    expect(() => parseNotice(item)).toThrow('no year');
    expect(() => parseNotice(`国务院办公厅关于2027年部分节假日安排的通知\n${item}`, { year: 2028 })).toThrow(
      'line 1: the title is for 2027, but --year 2028 was given',
    );
  });

  it.each([
    ['一、元旦：1月1日（周四）至3日（周日）放假调休，共3天。', 'line 2: 2027-01-01 is not a 周四'],
    ['一、元旦：1月1日（周五）至3日（周日）放假调休，共4天。', 'line 2: 2027-01-01 to 2027-01-03 is 3 days, not 4'],
    ['一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月4日（周一）可能上班。', 'line 2: cannot read "1月4日（周一）可能上班"'],
    ['一、元旦：1月1日放假。\n二、春节：1月1日放假。', 'line 3: 2027-01-01 is already listed on line 2'],
    ['一、元旦：2月30日放假。', 'line 2: 2027年2月30日 is not a date'],
    ['一、元旦：另行通知。', 'line 2: cannot read "另行通知"'],
  ])('refuses a line it cannot read: %s', (item, message) => {
    expect(() => parseCalendarImport(`国务院办公厅关于2027年部分节假日安排的通知\n${item}`)).toThrow(message);
  });
});
