/**
 * 周期任务 and 反馈周期 over a simulated quarter, through the real webhook, card callbacks and the
 * job command (`npm run job -- chase`, which also runs in the Node cron and the Workers Cron
 * Trigger) against a real libSQL file and the fake Lark: a monthly series over Q1 2027 (春节
 * moves February's deadline to the 4th), each instance its own #N counted once in /统计 and the
 * 台账; /撤销 asks instance or series; the feedback cadence asks in the morning briefing and
 * posts one 未反馈 list.
 */
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import { series, seriesTasks, tasks } from '../../db/schema.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, runJobCommand, testBot, type TestBot } from '../helpers/app.js';
import { seriesSteps } from './series-steps.js';

let bot: TestBot;
afterEach(async () => bot?.close());
const { say, tick, lastReply, lastSaid, count, texts } = seriesSteps(() => bot);

async function task(n: number) {
  const t = await getTaskByNumber(bot.deps.db, TENANT, n);
  if (!t) throw new Error(`no task #${n}`);
  return t;
}

const local = (d: Date | null) => (d ? `${bot.deps.calendar.localDate(d)} ${bot.deps.calendar.localTime(d)}` : null);

describe('a monthly series over Q1 2027', () => {
  it('makes three instances with deadlines around 春节, each counted once; /撤销 asks instance or series', async () => {
    bot = await testBot({ now: '2026-12-21T10:00:00+08:00' }); // a Monday
    await say('chief', '/交办 @张三 报送督查工作月报 每月5日前', ['zhang']);

    // What was understood: the rule in words, the next deadlines (February's moved), who, when the first goes out.
    const reply = await lastSaid();
    expect(reply).toContain('已建立周期任务：报送督查工作月报');
    expect(reply).toContain('周期：每月5日前');
    expect(reply).toContain('主办：@张三');
    expect(reply).toContain('每期提前 3 个工作日下发');
    expect(reply).toContain('2027年1月5日（周二） 18:00');
    expect(reply).toContain('2027年2月4日（周四） 18:00（2027年2月5日（周五）不是工作日，提前）');
    expect(reply).toContain('2027年3月5日（周五） 18:00');
    expect(reply).toContain('第一期将于 12月30日（周三） 下发');
    expect(await count(series)).toBe(1);
    expect(await count(tasks)).toBe(0);

    // Nothing before the creation day, nor before working hours on it.
    expect(await tick('2026-12-29T09:30:00+08:00')).toMatchObject({ created: 0 });
    expect(await tick('2026-12-30T08:30:00+08:00')).toMatchObject({ created: 0 });
    // The job command creates the first instance (元旦 2027-01-01 is off: 3 working days before 1月5日 is 12月30日).
    bot.setNow('2026-12-30T09:00:00+08:00');
    const job = await runJobCommand(bot, ['chase', '--now', '2026-12-30T09:00:00+08:00']);
    expect(job.out).toContain('created 1');
    expect(job.code).toBe(0);
    // The same tick again, or the next: nothing doubles.
    expect(await tick('2026-12-30T09:00:00+08:00')).toMatchObject({ created: 0 });
    expect(await tick('2026-12-30T09:05:00+08:00')).toMatchObject({ created: 0 });
    const t1 = await task(1);
    expect(local(t1.dueAt)).toBe('2027-01-05 18:00');
    expect(t1.detail).toBe('周期任务（每月5日前）：2027年1月期');
    expect(t1.assignees.map((a) => a.userId)).toEqual([PEOPLE.zhang.openId]);
    // Announced like any task: the card in the group (sent by the job command) and the p2p card.
    expect(texts(GROUP).some((x) => x.includes('#1') && x.includes('报送督查工作月报'))).toBe(true);
    expect(texts(PEOPLE.zhang.openId).some((x) => x.includes('#1'))).toBe(true);

    // January's instance is done on time.
    bot.setNow('2027-01-04T10:00:00+08:00');
    await say('zhang', '/办结 #1 已报送');
    await say('chief', '/通过 #1');
    expect((await task(1)).state).toBe('done');

    expect(await tick('2027-01-29T10:00:00+08:00')).toMatchObject({ created: 0 });
    // February: 2月5日 is 除夕 (statutory, 2027 provisional): due 2月4日, created 3 working days before, on 2月1日.
    expect(await tick('2027-02-01T09:00:00+08:00')).toMatchObject({ created: 1 });
    const t2 = await task(2);
    expect(local(t2.dueAt)).toBe('2027-02-04 18:00');
    expect(t2.detail).toBe('周期任务（每月5日前）：2027年2月期；2月5日（周五）不是工作日，时限提前至 2月4日（周四）');
    // The card says so.
    const card2 = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && bot.fake.textOf(m).includes('#2'))!;
    expect(bot.fake.textOf(card2)).toContain('时限提前至 2月4日（周四）');
    // February's instance is left open: it is overdue from 2月5日 on.

    expect(await tick('2027-02-10T10:00:00+08:00')).toMatchObject({ created: 0 });
    expect(await tick('2027-03-02T09:00:00+08:00')).toMatchObject({ created: 1 });
    expect(local((await task(3)).dueAt)).toBe('2027-03-05 18:00');
    expect(await tick('2027-03-03T10:00:00+08:00')).toMatchObject({ created: 0 });
    expect(await count(tasks)).toBe(3);
    expect(await count(seriesTasks)).toBe(3);

    // /任务 周期 lists the series with its next deadline.
    await say('chief', '/任务 周期');
    const listed = await lastSaid();
    expect(listed).toContain('周期任务（1 项）');
    expect(listed).toContain('报送督查工作月报：每月5日前，主办 @张三；下一期时限 3月5日（周五） 18:00；已下发 3 期（最近一期 #3）');
    // In p2p, the series the asker leads or set up.
    const { res } = await bot.say({ from: 'zhang', text: '/任务 周期', chatType: 'p2p' });
    expect(res.status).toBe(200);
    await bot.settle();
    expect(texts(PEOPLE.zhang.openId).at(-1)).toContain('报送督查工作月报：每月5日前');
    const other = await bot.say({ from: 'sun', text: '/任务 周期', chatType: 'p2p' });
    expect(other.res.status).toBe(200);
    await bot.settle();
    expect(texts(PEOPLE.sun.openId).at(-1)).toContain('没有进行中的周期任务');

    // The ledger: one row per instance, each with its 周期 and its own 是否按时.
    bot.setNow('2027-03-03T11:00:00+08:00');
    await say('chief', '/台账 全部');
    const file = bot.fake.files.at(-1)!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.bytes) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('督查台账')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const col = (name: string) => header.indexOf(name);
    expect(col('周期')).toBeGreaterThan(0);
    const rows = Array.from({ length: ws.rowCount - 1 }, (_, i) => (ws.getRow(i + 2).values as unknown[]).slice(1));
    expect(rows.map((r) => [r[col('编号')], r[col('周期')], r[col('是否按时')] ?? ''])).toEqual([
      ['#1', '每月5日前', '是'],
      ['#2', '每月5日前', '否'],
      ['#3', '每月5日前', ''],
    ]);

    // /统计 counts each instance as a task of its own, once.
    await say('chief', '/统计 本月');
    const stats = await lastSaid();
    // March: #3 is new, #2 and #3 are open, #2 is overdue — each once, and 张三's row says the same.
    expect(stats).toContain('新交办 **1** · 办结 **0**（按时 0，按时率 **—**）· 在办 **2** · 逾期 **1**');
    expect(stats).toContain('- #2 报送督查工作月报 · 主办 张三 · 逾期 17 个工作日');
    expect(stats).toMatch(/张三\n1\n0\n—\n2\n1\n\d+/);

    // /撤销 #3 asks: this instance or the whole series.
    await say('chief', '/撤销 #3');
    const ask = bot.fake.messagesTo(GROUP).at(-1)!;
    const askText = bot.fake.textOf(ask);
    expect(askText).toContain('#3 是周期任务“报送督查工作月报”（每月5日前）的一期');
    expect(askText).toContain('仅撤销本期 #3');
    expect(askText).toContain('撤销整个周期');
    expect((await task(3)).state).toBe('assigned');
    // Someone else may not stop the series.
    const refused = await bot.click({ from: 'zhao', value: { a: 'series_cancel', task: (await task(3)).id, s: 1, w: 'all' }, messageId: ask.id });
    expect(JSON.stringify(refused.body)).toContain('只有');
    const { body } = await bot.click({ from: 'chief', value: { a: 'series_cancel', task: (await task(3)).id, s: 1, w: 'all' }, messageId: ask.id });
    await bot.settle();
    expect(body.toast.content).toContain('已撤销周期任务“报送督查工作月报”（每月5日前）');
    expect((await task(3)).state).toBe('cancelled');
    expect((await task(2)).state).toBe('cancelled');
    expect((await bot.deps.db.select({ state: series.state }).from(series))[0]!.state).toBe('cancelled');
    // No April instance.
    expect(await tick('2027-04-01T09:00:00+08:00')).toMatchObject({ created: 0 });
    expect(await count(tasks)).toBe(3);
  });

  it('cancels one instance only, and refuses unreadable rules and far lead times with a sentence', async () => {
    bot = await testBot({ now: '2027-01-05T10:00:00+08:00' }); // a Tuesday
    await say('chief', '/交办 @张三 报送值班表 每周五16:00前', ['zhang']);
    expect(await lastReply()).toContain('周期：每周五16:00前');
    // The first Friday (1月8日) is 3 working days away: its instance goes out at once.
    expect(await lastReply()).toContain('第一期 #1 已下发');
    expect(local((await task(1)).dueAt)).toBe('2027-01-08 16:00');
    await say('chief', '/撤销 #1');
    const ask = bot.fake.messagesTo(GROUP).at(-1)!;
    const { body } = await bot.click({ from: 'chief', value: { a: 'series_cancel', task: (await task(1)).id, s: 1, w: 'one' }, messageId: ask.id });
    await bot.settle();
    expect(body.toast.content).toContain('#1');
    expect((await task(1)).state).toBe('cancelled');
    expect((await bot.deps.db.select({ state: series.state }).from(series))[0]!.state).toBe('active');
    // The next Friday's instance still comes: 1月15日 less 3 working days is 1月12日.
    expect(await tick('2027-01-12T09:00:00+08:00')).toMatchObject({ created: 1 });
    expect(local((await task(2)).dueAt)).toBe('2027-01-15 16:00');

    const before = await count(series);
    for (const [line, answer] of [
      ['/交办 @张三 报送月报 每月32日前', '没看懂周期“每月32日前”'],
      ['/交办 @张三 报送年报 每年2月30日前', '没看懂周期'],
      ['/交办 @张三 报送月报 每月5日前 提前30个工作日', '每一期最早提前 20 个工作日下发'],
      ['/交办 @张三 报送月报 每月5日前 截止 周五', '请去掉“截止 …”'],
      ['/assign @张三 monthly report every month', '没看懂周期“every month”'],
      ['/交办 @张三 编制规划 截止 2040-01-01', '超出 10'],
    ] as const) {
      await say('chief', line, ['zhang']);
      expect(await lastReply()).toContain(answer);
    }
    expect(await count(series)).toBe(before);
    expect(await count(tasks)).toBe(2);
  });
});

describe('in English', () => {
  it('says what it understood about a series in idiomatic English', async () => {
    bot = await testBot({ now: '2026-12-21T10:00:00+08:00', lang: 'en' });
    await say('chief', '/assign @张三 monthly report every month by the 5th feedback every friday', ['zhang']);
    const reply = await lastReply();
    expect(reply).toContain('Recurring task set up: monthly report');
    expect(reply).toContain('Rule: every month by the 5th; a deadline on a day off moves to the working day before');
    expect(reply).toContain('Lead: @张三');
    expect(reply).toContain('· Thu 4 February 2027 18:00 (Fri 5 February 2027 is a day off, moved earlier)');
    expect(reply).toContain('The first instance goes out on Wed 30 December.');
    expect(reply).toContain('Feedback: every friday');
    await say('chief', '/assign @张三 budget every month by the 40th', ['zhang']);
    expect(await lastReply()).toContain('I could not read the rule "every month by the 40th"');
  });
});

describe('a feedback cadence on long tasks', () => {
  it('asks the leads in the Friday briefing and posts one 未反馈 list', async () => {
    bot = await testBot({ now: '2027-01-04T10:00:00+08:00' }); // a Monday
    await say('chief', '/交办 @张三 编制十五五规划纲要 截止 2027-03-31 反馈 每周五', ['zhang']);
    expect(await lastReply()).toContain('反馈周期：每周五（当天上午提醒主办反馈进展，17:30 仍未反馈的列入群内未反馈名单）');
    await say('chief', '/交办 @赵六 修订督查工作制度 截止 2027-03-31', ['zhao']);
    await say('chief', '/设置 反馈 #2 每周五');
    expect(await lastSaid()).toContain('#2 的反馈周期已设为：每周五');
    await say('chief', '/交办 @孙七 整理档案 截止 2027-03-31', ['sun']);
    // Only the 交办人 or the 督办领导 sets a cadence.
    await say('sun', '/设置 反馈 #3 每周五');
    expect(await lastSaid()).toContain('只有交办人或督办领导可以设置 #3 的反馈周期');

    // Thursday: no ask.
    const zhangBefore = texts(PEOPLE.zhang.openId).length;
    await tick('2027-01-07T09:30:00+08:00');
    expect(texts(PEOPLE.zhang.openId).slice(zhangBefore).join('\n')).not.toContain('反馈日');

    // Friday morning: each lead's one briefing asks for feedback.
    await tick('2027-01-08T09:30:00+08:00');
    const zhangCards = texts(PEOPLE.zhang.openId)
      .slice(zhangBefore)
      .filter((x) => x.includes('反馈日'));
    expect(zhangCards).toHaveLength(1);
    expect(zhangCards[0]).toContain('#1 编制十五五规划纲要：今天是反馈日');
    expect(texts(PEOPLE.zhao.openId).filter((x) => x.includes('反馈日') && x.includes('#2'))).toHaveLength(1);
    expect(texts(PEOPLE.sun.openId).filter((x) => x.includes('反馈日'))).toHaveLength(0);
    // Not asked twice the same day.
    await tick('2027-01-08T09:35:00+08:00');
    expect(texts(PEOPLE.zhang.openId).filter((x) => x.includes('反馈日'))).toHaveLength(1);

    // 赵六 reports; 张三 does not.
    bot.setNow('2027-01-08T11:00:00+08:00');
    await say('zhao', '/进展 #2 已完成初稿30%');

    const groupBefore = texts(GROUP).length;
    await tick('2027-01-08T17:25:00+08:00');
    expect(
      texts(GROUP)
        .slice(groupBefore)
        .filter((x) => x.includes('未反馈名单')),
    ).toHaveLength(0);
    await tick('2027-01-08T17:30:00+08:00');
    await tick('2027-01-08T17:35:00+08:00');
    await tick('2027-01-08T17:55:00+08:00');
    const lists = texts(GROUP)
      .slice(groupBefore)
      .filter((x) => x.includes('未反馈名单'));
    expect(lists).toHaveLength(1);
    expect(lists[0]).toContain('未反馈名单（1月8日（周五），1 项）');
    expect(lists[0]).toContain(`#1 编制十五五规划纲要 — <at user_id="${PEOPLE.zhang.openId}"></at>`);
    expect(lists[0]).not.toContain('#2');

    // The next Friday: 张三 reported on Wednesday, within the week's window: neither asked nor listed.
    bot.setNow('2027-01-13T10:00:00+08:00');
    await say('zhang', '/进展 #1 完成提纲');
    const zhangNow = texts(PEOPLE.zhang.openId).length;
    await tick('2027-01-15T09:30:00+08:00');
    expect(texts(PEOPLE.zhang.openId).slice(zhangNow).join('\n')).not.toContain('反馈日');
    const groupNow = texts(GROUP).length;
    await tick('2027-01-15T17:30:00+08:00');
    const next = texts(GROUP)
      .slice(groupNow)
      .filter((x) => x.includes('未反馈名单'));
    expect(next).toHaveLength(1);
    expect(next[0]).toContain('#2');
    expect(next[0]).not.toContain('#1 ');
  });
});
