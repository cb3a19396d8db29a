/**
 * An import reaches a running bot: tasks assigned through the webhook while 2027 is
 * provisional, the State Council's notice imported with the job command on the same database,
 * then the bot's next chase tick applies it — the deadline counted in working days moves and is
 * announced in its chat and on its card, once; the deadline given as a date stays.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTaskByNumber } from '../../db/tasks.js';
import { main } from '../../schedules/cli.js';
import { runJob } from '../../schedules/jobs.js';
import { GROUP, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot({ now: '2026-12-02T10:00:00+08:00' });
});
afterAll(async () => bot?.close());

const sh = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

describe('a calendar import in a running bot', () => {
  it('recounts working-day deadlines across the imported year and announces each change', async () => {
    for (const text of ['/交办 @张三 年终材料汇总 截止 22个工作日内', '/交办 @张三 年初工作安排 截止 2027-01-04']) {
      expect((await bot.say({ from: 'chief', text, mention: ['zhang'] })).res.status).toBe(200);
      await bot.settle();
    }
    // 元旦 is a holiday by law even before the schedule: the 22nd working day is 01-04, not 01-01.
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.dueAt).toEqual(sh('2027-01-04 18:00'));
    expect((await getTaskByNumber(bot.deps.db, TENANT, 2))!.dueAt).toEqual(sh('2027-01-04 18:00'));

    // Both cards say the deadline is counted provisionally.
    const cards = () => bot.fake.messages.filter((m) => m.chatId === GROUP && m.msgType === 'interactive');
    const NOTE = '2027 年放假安排尚未公布：时限按法定节假日暂计，公布后自动更新';
    expect(cards().map((m) => JSON.stringify(m.content).includes(NOTE))).toEqual([true, true]);
    // A working-day deadline set again with /改期 is the assigner's date from then on: never recounted.
    for (const text of ['/交办 @张三 年终考核 截止 22个工作日内', '/改期 #3 2027-01-06']) {
      expect((await bot.say({ from: 'chief', text, mention: text.includes('@张三') ? ['zhang'] : [] })).res.status).toBe(200);
      await bot.settle();
    }
    expect((await getTaskByNumber(bot.deps.db, TENANT, 3))!.dueAt).toEqual(sh('2027-01-06 18:00'));

    const dir = mkdtempSync(join(tmpdir(), 'duban-notice-'));
    const notice = join(dir, '2027.txt');
    writeFileSync(notice, '国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至4日（周一）放假调休，共4天。1月9日（周六）上班。\n');
    const out: string[] = [];
    const code = await main(
      ['calendar', 'import', notice],
      { DATABASE_URL: bot.deps.config.DATABASE_URL, LOG_LEVEL: 'silent' },
      { out: (l) => out.push(l), err: (l) => out.push(l) },
    );
    expect(code).toBe(0);
    expect(out).toContain('  2027-01-04 周一 休 holiday 元旦');

    const before = bot.fake.messages.length;
    const patches = bot.fake.patches.length;
    bot.setNow('2026-12-02T10:05:00+08:00');
    expect(await runJob(bot.deps, 'chase', sh('2026-12-02 10:05'))).toMatchObject({ recounted: 1 });
    await bot.settle();
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.dueAt).toEqual(sh('2027-01-05 18:00'));
    expect((await getTaskByNumber(bot.deps.db, TENANT, 2))!.dueAt).toEqual(sh('2027-01-04 18:00')); // a date never moves
    expect((await getTaskByNumber(bot.deps.db, TENANT, 3))!.dueAt).toEqual(sh('2027-01-06 18:00')); // nor one set with /改期
    const said = bot.fake.messages.slice(before).map((m) => `${m.chatId === GROUP ? 'group' : m.chatId}: ${bot.fake.textOf(m)}`);
    expect(said).toContain('group: 因 2027 年放假安排公布，#1 时限由 2027-01-04 18:00 调整为 2027-01-05 18:00。');
    expect(bot.fake.patches.length).toBeGreaterThan(patches); // the task's cards show the new deadline
    expect(JSON.stringify(cards()[0]!.content)).toContain('2027年1月5日（周二） 18:00');
    expect(JSON.stringify(cards()[0]!.content)).not.toContain(NOTE);
    expect(bot.deps.calendar.isWorkday('2027-01-04')).toBe(false);
    expect(bot.deps.calendar.isProvisional(2027)).toBe(false);

    // The next tick has nothing more to say.
    const again = bot.fake.messages.length;
    await runJob(bot.deps, 'chase', sh('2026-12-02 10:10'));
    await bot.settle();
    expect(bot.fake.messages.slice(again).filter((m) => bot.fake.textOf(m).includes('放假安排公布'))).toEqual([]);
  });
});
