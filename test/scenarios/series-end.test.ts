/**
 * The rest of 周期任务 through the webhook and the job command against a real libSQL file and the
 * fake Lark: /帮助 and the /交办 usage name 周期 and 反馈; a series that ends (至2027年6月, 共N次);
 * a 未反馈 list missed at the end of a day goes out the next working morning, once; the first
 * instance made by the command is claimed like the job's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { series, seriesTasks, tasks } from '../../db/schema.js';
import { pageText } from '../../bot/sandbox/page.js';
import { runJobCommand, testBot, type TestBot } from '../helpers/app.js';
import { seriesSteps } from './series-steps.js';

let bot: TestBot;
afterEach(async () => bot?.close());
const { say, tick, lastReply, count } = seriesSteps(() => bot);

describe('help and usage', () => {
  it('/帮助 and the /交办 usage mention 周期 and 反馈, in Chinese and English; the sandbox offers /任务 周期', async () => {
    bot = await testBot();
    await say('zhang', '/帮助');
    const help = await lastReply();
    expect(help).toContain('每月5日前');
    expect(help).toContain('反馈 每周五');
    expect(help).toContain('/任务 周期');
    await say('chief', '/交办 @张三 起草通知 截止 后年13月', ['zhang']);
    const usage = await lastReply();
    expect(usage).toContain('周期 如 每月5日前');
    expect(usage).toContain('反馈 每周五');
    await say('chief', '/交办');
    const form = await lastReply();
    expect(form).toContain('每月5日前');
    expect(form).toContain('反馈 每周五');
    expect(pageText('zh').chips).toContain('/任务 周期');
    expect(pageText('en').chips).toContain('/list series');
    await bot.close();

    bot = await testBot({ lang: 'en' });
    await say('zhang', '/help');
    const en = await lastReply();
    expect(en).toContain('every month by the 5th');
    expect(en).toContain('feedback every friday');
    expect(en).toContain('/list series');
    await say('chief', '/assign @张三 Draft the notice due 2026-13-45', ['zhang']);
    expect(await lastReply()).toContain('[feedback every friday]');
    await say('chief', '/assign');
    expect(await lastReply()).toContain('every month by the 5th');
  });
});

describe('a series that ends', () => {
  it('至2027年2月: the reply says the end and the last deadline; no March instance; /任务 周期 shows the end', async () => {
    bot = await testBot({ now: '2026-12-21T10:00:00+08:00' }); // a Monday
    await say('chief', '/交办 @张三 报送督查工作月报 每月5日前 至2027年2月', ['zhang']);
    const reply = await lastReply();
    expect(reply).toContain('已建立周期任务：报送督查工作月报');
    expect(reply).toContain('结束：至2027年2月（最后一期时限 2027年2月4日（周四） 18:00）');
    expect(reply).toContain('2027年1月5日（周二） 18:00');
    expect(reply).not.toContain('3月5日');
    const [row] = await bot.deps.db.select().from(series);
    expect(row?.endYmd).toBe('2027-02-28');

    await tick('2026-12-30T10:00:00+08:00');
    await tick('2027-02-01T10:00:00+08:00');
    expect(await count(tasks)).toBe(2);
    expect(await runJobCommand(bot, ['chase', '--now', '2027-03-02T10:00:00+08:00'])).toMatchObject({ code: 0 });
    await tick('2027-03-31T10:00:00+08:00');
    expect(await count(tasks)).toBe(2);
    expect(await count(seriesTasks)).toBe(2);

    bot.setNow('2027-03-02T11:00:00+08:00');
    await say('chief', '/任务 周期');
    const list = await lastReply();
    expect(list).toContain('每月5日前（至2027年2月）');
    expect(list).toContain('下一期时限 无（已到最后一期）');
    expect(list).toContain('已下发 2 期');
  });

  it('共2次: a weekly series makes two instances (元旦 moves the second), then none', async () => {
    bot = await testBot({ now: '2026-12-21T10:00:00+08:00' });
    await say('chief', '/交办 @张三 报送周报 每周五16:00前 共2次', ['zhang']);
    const reply = await lastReply();
    expect(reply).toContain('结束：共2次（最后一期时限 12月31日（周四） 16:00）');
    for (const at of ['2026-12-22T10:00:00+08:00', '2026-12-28T10:00:00+08:00', '2027-01-05T10:00:00+08:00', '2027-01-12T10:00:00+08:00']) await tick(at);
    expect(await count(tasks)).toBe(2);
    const [row] = await bot.deps.db.select().from(series);
    expect(row).toMatchObject({ endYmd: '2027-01-01', endCount: 2 });
  });

  it('refuses an end before the first deadline, more than ten years ahead, or 共0次; nothing is written', async () => {
    bot = await testBot({ now: '2026-12-21T10:00:00+08:00' });
    const cases: Array<[string, string]> = [
      ['/交办 @张三 报送月报 每月5日前 至2026年12月', '早于第一期时限 2027年1月5日（周二）'],
      ['/交办 @张三 报送月报 每月5日前 至2037年6月', '超过十年，最晚可到 2036年12月21日（周日）'],
      ['/交办 @张三 报送周报 每周五前 共600次', '“共600次”超过十年'],
      ['/交办 @张三 报送月报 每月5日前 共0次', '没看懂周期“共0次”'],
      ['/交办 @张三 报送月报 每月5日前 至2027年13月', '没看懂周期'],
    ];
    for (const [text, answer] of cases) {
      await say('chief', text, ['zhang']);
      expect(await lastReply()).toContain(answer);
    }
    expect(await count(series)).toBe(0);
    expect(await count(tasks)).toBe(0);
    // 至 with a year but without a rule stays title text.
    await say('chief', '/交办 @张三 编制至2027年6月的工作计划 截止 周五', ['zhang']);
    expect(await count(tasks)).toBe(1);
  });

  it('in English: until February 2027', async () => {
    bot = await testBot({ now: '2026-12-21T10:00:00+08:00', lang: 'en' });
    await say('chief', '/assign @张三 Monthly report every month by the 5th until February 2027', ['zhang']);
    const reply = await lastReply();
    expect(reply).toContain('Ends: until February 2027 (the last instance is due Thu 4 February 2027 18:00)');
    await say('chief', '/assign @张三 Weekly note every friday 16:00 3 times', ['zhang']);
    expect(await lastReply()).toContain('Ends: 3 times');
  });
});
