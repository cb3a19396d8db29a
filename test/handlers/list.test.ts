/**
 * /任务 through the webhook: 全部 lists only what the asker may see (the chat they ask in, the
 * tasks they are one of the people of, every task of the chats they are admin or 督办领导 of),
 * and a list of any length pages properly, red first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newTask } from '../../bot/domain/task.js';
import { commitChange } from '../../db/commit.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function say(from: Person, text: string, opts: { mention?: Person[]; chatType?: 'p2p'; chatId?: string } = {}) {
  const r = await bot.say({ from, text, ...opts });
  expect(r.res.status).toBe(200);
  await bot.settle();
}

/** Text of the newest card the bot put in a chat (or a person's p2p chat). */
function lastCard(to: string): string {
  const cards = bot.fake.messagesTo(to).filter((m) => m.msgType === 'interactive');
  return bot.fake.cardText(cards[cards.length - 1]!);
}

/** Task numbers listed on a list card, in order. */
const listed = (text: string) => [...text.matchAll(/#(\d+)/g)].map((m) => Number(m[1]));

describe('/任务 全部', () => {
  it('lists what the asker may see, and /查看 agrees', async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
    await say('chief', '/交办 @张三 起草年度工作总结 截止 2026-12-01', { mention: ['zhang'] }); // #1
    await say('chief', '/交办 @赵六 整理档案 截止 2026-12-02', { mention: ['zhao'] }); // #2
    await say('outsider', '/交办 @孙七 核对台账 截止 2026-12-03', { mention: ['sun'], chatId: OTHER_GROUP }); // #3

    // In the group: the group's tasks, not another chat's.
    await say('zhang', '/任务 全部');
    expect(listed(lastCard(GROUP)).sort()).toEqual([1, 2]);

    // In p2p: only the tasks one is a person of.
    await say('zhang', '/任务 全部', { chatType: 'p2p' });
    expect(listed(lastCard(PEOPLE.zhang.openId))).toEqual([1]);
    await say('outsider', '/任务 全部', { chatType: 'p2p' });
    expect(listed(lastCard(PEOPLE.outsider.openId))).toEqual([3]);
    await say('sun', '/任务 all', { chatType: 'p2p' });
    expect(listed(lastCard(PEOPLE.sun.openId))).toEqual([3]);

    // The group's owner names 孙七 督办领导: both now see every task of the group from anywhere.
    await say('leader', '/设置 督办领导 @孙七', { mention: ['sun'] });
    await say('sun', '/任务 全部', { chatType: 'p2p' });
    expect(listed(lastCard(PEOPLE.sun.openId)).sort()).toEqual([1, 2, 3]);
    await say('leader', '/任务 全部', { chatType: 'p2p' });
    expect(listed(lastCard(PEOPLE.leader.openId)).sort()).toEqual([1, 2]);
    await say('sun', '/查看 #2', { chatType: 'p2p' });
    expect(lastCard(PEOPLE.sun.openId)).toContain('办理记录');
    await say('outsider', '/查看 #2', { chatType: 'p2p' });
    expect(bot.fake.textOf(bot.fake.messagesTo(PEOPLE.outsider.openId).at(-1)!)).toContain('没有找到任务 #2');
  });

  it('the help text says what 全部 covers', async () => {
    bot = await testBot();
    await say('zhang', '/帮助');
    expect(lastCard(GROUP)).toContain('/任务 全部：本群的任务');
  });
});

describe('/任务 pages', () => {
  it('a list past 500 tasks pages to its end, red first, page N of M', async () => {
    const now = new Date('2026-11-23T10:00:00+08:00');
    bot = await testBot({ now: now.toISOString() });
    // Seeded straight into the store (as 505 /交办 would leave it); the lists go through the webhook.
    for (let i = 0; i < 505; i++) {
      const { task, events } = newTask({
        tenantKey: TENANT,
        number: 0,
        title: `事项${i + 1}`,
        category: null,
        source: null,
        priority: 'normal',
        creatorId: PEOPLE.chief.openId,
        supervisorId: null,
        chatId: GROUP,
        leadId: PEOPLE.zhang.openId,
        coIds: [],
        // Every 50th task is overdue (red); the rest are due in a month.
        dueAt: new Date(i % 50 === 49 ? '2026-11-20T18:00:00+08:00' : '2026-12-23T18:00:00+08:00'),
        now: new Date('2026-11-19T10:00:00+08:00'),
      });
      await commitChange(bot.deps.db, { tenantKey: TENANT, now, task: { value: task, expectedVersion: null }, events });
    }
    await say('chief', '/任务 本群');
    const first = lastCard(GROUP);
    expect(first).toContain('共 505 项 · 🔴 10');
    expect(first).toContain('第 1/51 页');
    expect(listed(first)).toEqual([50, 100, 150, 200, 250, 300, 350, 400, 450, 500]);

    await say('chief', '/任务 本群 第51页');
    const last = lastCard(GROUP);
    expect(last).toContain('第 51/51 页');
    expect(listed(last)).toEqual([501, 502, 503, 504, 505]);

    // The 下一页 button of page 50 opens page 51.
    const click = await bot.click({ from: 'chief', value: { a: 'list', f: 'chat', p: 51 } });
    expect(bot.fake.cardText(click.body.card.data)).toContain('第 51/51 页');
  });
});
