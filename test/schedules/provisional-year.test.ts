/**
 * A simulated 2027 without the State Council's schedule imported: the chase and revisit jobs run
 * at every half-hour slot of the working day through the weeks of the statutory holidays, and
 * nothing reaches Lark on a statutory holiday or a weekend — while 2027-01-04, the first working
 * day after 元旦, gets its 催办.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statutoryNameOf } from '../../bot/domain/calendar.js';
import { runJob } from '../../schedules/jobs.js';
import { testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot({ now: '2026-12-21T10:00:00+08:00' }); // a Monday
  const say = async (from: 'chief' | 'leader' | 'zhang', text: string, mention: Array<'zhang' | 'zhao' | 'sun' | 'leader'> = []) => {
    expect((await bot.say({ from, text, mention })).res.status).toBe(200);
    await bot.settle();
  };
  await say('leader', '/设置 督办领导 @王主任', ['leader']);
  await say('chief', '/交办 @张三 修复东门路灯 截止 2026-12-23 !紧急', ['zhang']);
  await say('zhang', '/签收 #1');
  await say('chief', '/交办 @赵六 起草年度总结 截止 2027-01-05', ['zhao']);
  await say('chief', '/交办 @孙七 整理春节值班表 截止 2027-02-10', ['sun']);
  await say('chief', '/交办 @张三 国庆安保方案 截止 2027-10-08', ['zhang']);
});
afterAll(async () => bot?.close());

/** The days of the weeks around each statutory holiday of 2027. */
const WEEKS: Array<[string, number]> = [
  ['2026-12-28', 14],
  ['2027-02-01', 14],
  ['2027-04-05', 7],
  ['2027-04-26', 14],
  ['2027-06-07', 7],
  ['2027-09-13', 7],
  ['2027-09-27', 14],
];
const addDays = (ymd: string, n: number) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const weekday = (ymd: string) => new Date(`${ymd}T00:00:00Z`).getUTCDay();

describe('2027 without an imported schedule', () => {
  it('no message on a statutory holiday or a weekend, every slot of the holiday weeks', async () => {
    const quiet: string[] = [];
    const sentOn = new Map<string, number>();
    for (const [monday, days] of WEEKS) {
      for (let i = 0; i < days; i++) {
        const ymd = addDays(monday, i);
        const off = weekday(ymd) === 0 || weekday(ymd) === 6 || statutoryNameOf(ymd) !== null;
        const before = bot.fake.messages.length;
        for (let minute = 8 * 60; minute <= 19 * 60; minute += 30) {
          const iso = `${ymd}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+08:00`;
          bot.setNow(iso);
          await runJob(bot.deps, 'chase', new Date(iso));
          await runJob(bot.deps, 'revisit', new Date(iso));
        }
        await bot.settle();
        const sent = bot.fake.messages.length - before;
        sentOn.set(ymd, sent);
        if (off && sent > 0) quiet.push(`${ymd}: ${sent}`);
      }
    }
    expect(quiet).toEqual([]);
    expect(statutoryNameOf('2027-01-01')).toBe('元旦');
    expect(sentOn.get('2027-01-01')).toBe(0);
    expect(sentOn.get('2027-02-08')).toBe(0); // 正月初三, a Monday
    expect(sentOn.get('2027-01-04')).toBeGreaterThan(0); // the overdue task is chased again
    expect(sentOn.get('2027-02-09')).toBeGreaterThan(0);
  }, 300_000);
});
