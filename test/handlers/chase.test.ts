/**
 * A manual 催办 reaches the assignees in the task's chat; on a 紧急 task it also buzzes the
 * lead (加急, urgent_app), by command or by the card's 催办 button — once a day per person, the
 * assignment's own 加急 included.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function assign(flags: string) {
  bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
  const r = await bot.say({ from: 'chief', text: `/交办 @张三 @赵六 起草年度工作总结 截止 2026-12-01${flags}`, mention: ['zhang', 'zhao'] });
  expect(r.res.status).toBe(200);
  await bot.settle();
  return (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
}

/** 加急 on the bot's 催办 texts in the group (not the assignment's 加急 on the card). */
const chaseBuzzes = () =>
  bot.fake.urgents.filter((u) => {
    const m = bot.fake.messages.find((x) => x.id === u.messageId);
    return m?.chatId === GROUP && m.msgType === 'text' && bot.fake.textOf(m).startsWith('催办');
  });

describe('/催办 on a 紧急 task', () => {
  it('buzzes the lead on the 催办 message, by command and by button', async () => {
    const task = await assign(' !紧急');
    // The day of the assignment its 加急 was the lead's one for the day: the 催办 goes without.
    await bot.say({ from: 'chief', text: '/催办 #1 今天下班前报送' });
    await bot.settle();
    expect(chaseBuzzes()).toEqual([]);

    bot.setNow('2026-11-24T10:00:00+08:00');
    await bot.say({ from: 'chief', text: '/催办 #1 今天下班前报送' });
    await bot.settle();
    expect(chaseBuzzes().map((u) => u.userIds)).toEqual([[PEOPLE.zhang.openId]]);

    const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive')!;
    bot.setNow('2026-11-25T10:00:00+08:00');
    const click = await bot.click({ from: 'chief', value: { a: 'chase', task: task.id, n: 1, v: 'g' }, messageId: card.id });
    expect(click.body.toast.type).toBe('success');
    await bot.settle();
    expect(chaseBuzzes().map((u) => u.userIds)).toEqual([[PEOPLE.zhang.openId], [PEOPLE.zhang.openId]]);
    // A second click the same day: no second 加急.
    await bot.click({ from: 'chief', value: { a: 'chase', task: task.id, n: 1, v: 'g' }, messageId: card.id });
    await bot.settle();
    expect(chaseBuzzes()).toHaveLength(2);
  });

  it('from the assigner’s p2p chat still reaches the group, and the assigner is told', async () => {
    await assign(' !紧急');
    bot.setNow('2026-11-24T10:00:00+08:00');
    await bot.say({ from: 'chief', text: '/催办 #1', chatType: 'p2p' });
    await bot.settle();
    expect(chaseBuzzes()).toHaveLength(1);
    const p2p = bot.fake.messagesTo(PEOPLE.chief.openId).map((m) => bot.fake.textOf(m));
    expect(p2p.some((t) => t.includes('已催办 #1'))).toBe(true);
  });

  it('a task that is not 紧急 is chased without 加急', async () => {
    await assign(' !重要');
    await bot.say({ from: 'chief', text: '/催办 #1' });
    await bot.settle();
    const chased = bot.fake.messagesTo(GROUP).filter((m) => m.msgType === 'text' && bot.fake.textOf(m).startsWith('催办'));
    expect(chased).toHaveLength(1);
    expect(bot.fake.urgents).toEqual([]);
  });
});
