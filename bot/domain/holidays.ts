/**
 * China's statutory holidays (法定节假日) of any year from 2000 to 2099, computed from the law
 * and the lunar calendar — what a year is known to have off before the State Council publishes
 * its schedule (放假安排, with the bridging days and make-up working days of 调休).
 *
 * 《全国年节及纪念日放假办法》, as in force each year:
 * - 1999 text (2000–2007): 元旦 1 day; 春节 3 days, 正月初一 to 初三; 劳动节 May 1–3; 国庆 October 1–3.
 * - 2007 amendment (2008–2013): 元旦; 春节 农历除夕, 正月初一, 初二; 清明 the day of the 清明 solar
 *   term; 劳动节 May 1; 端午 农历五月初五; 中秋 农历八月十五; 国庆 October 1–3.
 * - 2013 amendment (2014–2024): as 2008, but 春节 is 正月初一 to 初三.
 * - 2024 amendment (2025 on): 春节 4 days, 农历除夕 to 正月初三; 劳动节 May 1–2; the rest as before.
 *
 * The lunar dates and the solar term come from `chinese-days` (its lunar table covers 1900–2100
 * and its solar-term formula 1900–2099): the package the calendar already reads its official
 * schedules from, so no second library enters for the conversion.
 * @example statutoryHolidays(2027)?.map((h) => h.date) // → ['2027-01-01', '2027-02-05', …, '2027-10-03']
 */
import chineseDays from 'chinese-days';

export interface StatutoryHoliday {
  date: string; // YYYY-MM-DD
  /** 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节 */
  name: string;
}

/** The years the statutory days can be computed for. */
export const STATUTORY_FIRST_YEAR = 2000;
export const STATUTORY_LAST_YEAR = 2099;

const DAY_MS = 86_400_000;
const memo = new Map<number, StatutoryHoliday[] | null>();

/** The statutory holidays of a year, in date order; null for a year outside 2000–2099. */
export function statutoryHolidays(year: number): readonly StatutoryHoliday[] | null {
  if (!Number.isInteger(year)) return null;
  let days = memo.get(year);
  if (days === undefined) {
    days = year < STATUTORY_FIRST_YEAR || year > STATUTORY_LAST_YEAR ? null : compute(year);
    memo.set(year, days);
  }
  return days;
}

function compute(year: number): StatutoryHoliday[] {
  const out: StatutoryHoliday[] = [];
  const add = (date: string, name: string) => out.push({ date, name });
  const newYear = lunarToSolar(year, 1, 1);
  add(`${year}-01-01`, '元旦');
  // 春节 of this Gregorian year: the lunar new year always falls in January or February.
  const eve = year >= 2025 || (year >= 2008 && year <= 2013);
  const springDays = year >= 2025 ? [-1, 0, 1, 2] : eve ? [-1, 0, 1] : [0, 1, 2];
  for (const k of springDays) add(shift(newYear, k), '春节');
  if (year >= 2008) add(qingming(year), '清明节');
  const mayDays = year >= 2025 ? 2 : year >= 2008 ? 1 : 3;
  for (let d = 1; d <= mayDays; d++) add(`${year}-05-0${d}`, '劳动节');
  if (year >= 2008) {
    add(lunarToSolar(year, 5, 5), '端午节');
    add(lunarToSolar(year, 8, 15), '中秋节');
  }
  for (let d = 1; d <= 3; d++) add(`${year}-10-0${d}`, '国庆节');
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * A lunar date of lunar year `year` (not a leap month) as a Gregorian 'YYYY-MM-DD'. The package
 * reads a Date with local getters and answers with local getters: local noon is read right on
 * any host, east or west of Greenwich.
 */
function lunarToSolar(year: number, month: number, day: number): string {
  return chineseDays.getSolarDateFromLunar(new Date(year, month - 1, day, 12)).date;
}

/**
 * The day of the 清明 solar term. `getSolarTermDate` builds its answer as UTC midnight and
 * formats it with local getters, which reads as the day before on a host west of Greenwich:
 * the date whose UTC midnight formats locally as the answer is the term's day.
 */
function qingming(year: number): string {
  const shown = chineseDays.getSolarTermDate(year, 4, 'pure_brightness');
  for (const k of [0, 1]) {
    const candidate = shift(shown, k);
    const utc = new Date(Date.parse(`${candidate}T00:00:00Z`));
    const local = `${utc.getFullYear()}-${pad2(utc.getMonth() + 1)}-${pad2(utc.getDate())}`;
    if (local === shown) return candidate;
  }
  return shown;
}

function shift(ymd: string, days: number): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
