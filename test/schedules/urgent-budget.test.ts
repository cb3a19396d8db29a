/**
 * 加急 at most once per person per day, whichever path asks for it (SPEC §4): the buzz on
 * assigning a 紧急 task, a manual /催办 of a 紧急 task and the chase job (`npm run job -- chase
 * --now …`, its own process) all spend the same daily budget. Through the real webhook, the
 * real libSQL database and the fake Lark, counted on the 加急 Lark received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUP, PEOPLE, runJobCommand, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;

const chaseJob = (now: string) => runJobCommand(bot, ['chase', '--now', now]);

async function say(from: keyof typeof PEOPLE, text: string, mention: Array<keyof typeof PEOPLE> = []): Promise<void> {
  const { res } = await bot.say({ from, text, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

/** 加急 that reached Lark for a person, from the n-th on. */
const buzzesOf = (openId: string, from = 0) => bot.fake.urgents.slice(from).filter((u) => u.userIds.includes(openId));

describe('one 加急 budget per person per day', () => {
  beforeAll(async () => {
    bot = await testBot({ now: '2026-11-24T10:00:00+08:00' }); // a Tuesday
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('chief', '/交办 @张三 修复东门路灯 截止 2026-11-25 18:00 !紧急', ['zhang']);
    await say('zhang', '/签收 #1');
  }, 60_000);
  afterAll(async () => {
    await bot.close();
  });

  it('buzzed by an urgent assignment, a person is not buzzed again that day by the chase or a /催办', async () => {
    // Thursday 08:50: a new 紧急 task for 张三 buzzes him.
    bot.setNow('2026-11-26T08:50:00+08:00');
    const n = bot.fake.urgents.length;
    const messages = bot.fake.messages.length;
    await say('chief', '/交办 @张三 准备周五会议材料 截止 2026-12-04 18:00 !紧急', ['zhang']);
    expect(buzzesOf(PEOPLE.zhang.openId, n)).toHaveLength(1);

    // 09:30: the chase's group 催办 of #1 (紧急, overdue) mentions him, without a second 加急.
    bot.setNow('2026-11-26T09:30:00+08:00');
    const r = await chaseJob('2026-11-26T09:30:00+08:00');
    expect(r.code, r.out).toBe(0);
    await bot.settle();
    const chase = bot.fake.messages.slice(messages).filter((m) => m.chatId === GROUP && bot.fake.textOf(m).includes('逾期第 1 天'));
    expect(chase).toHaveLength(1);
    expect(bot.fake.textOf(chase[0]!)).toContain(`<at user_id="${PEOPLE.zhang.openId}"></at>`);
    // A manual /催办 of the 紧急 task later that day: the 催办 goes out, the 加急 does not.
    bot.setNow('2026-11-26T14:00:00+08:00');
    const before = bot.fake.messages.length;
    await say('chief', '/催办 #1');
    expect(bot.fake.messages.slice(before).some((m) => m.chatId === GROUP && bot.fake.textOf(m).includes('#1'))).toBe(true);
    expect(buzzesOf(PEOPLE.zhang.openId, n)).toHaveLength(1);
  }, 120_000);

  it('the next day the budget is fresh: the chase buzzes once, a /催办 after it does not', async () => {
    const n = bot.fake.urgents.length;
    bot.setNow('2026-11-27T09:30:00+08:00');
    const r = await chaseJob('2026-11-27T09:30:00+08:00');
    expect(r.code, r.out).toBe(0);
    await bot.settle();
    expect(buzzesOf(PEOPLE.zhang.openId, n)).toHaveLength(1);
    bot.setNow('2026-11-27T11:00:00+08:00');
    await say('chief', '/催办 #1');
    expect(buzzesOf(PEOPLE.zhang.openId, n)).toHaveLength(1);
  }, 120_000);
});
