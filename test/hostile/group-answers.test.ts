/**
 * A group answer shows only that group's tasks, whatever the asker may see: someone who may
 * see another chat's task (its assignee, an admin there) asking in this group gets it in p2p,
 * by command and by card button; /任务 我的 and 全部 with other chats' tasks go to p2p too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../bot/i18n.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, OTHER_GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

const SECRET = 'G2内部人事调整方案';
let bot: TestBot;
let secretId: number;
let secretNumber: number;

/** Everything the fake Lark holds that was posted into a chat (sent there or as a reply there). */
const postedIn = (chatId: string) => bot.fake.messages.filter((m) => m.chatId === chatId);
const sunP2p = () => bot.fake.p2pChatOf(PEOPLE.sun.openId);
const text = (ms: Array<{ content: unknown }>) => ms.map((m) => JSON.stringify(m.content)).join('\n');

beforeAll(async () => {
  bot = await testBot();
  // In the other group (孙七 is in both), its owner assigns 孙七 a task that group alone should see.
  const r = await bot.say({ from: 'outsider', chatId: OTHER_GROUP, text: `/交办 @孙七 ${SECRET} 截止 2026-12-01`, mention: ['sun'] });
  expect(r.res.status).toBe(200);
  await bot.say({ from: 'chief', text: '/交办 @张三 本群的事 截止 2026-12-01', mention: ['zhang'] });
  await bot.settle();
  const task = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
  expect(task.title).toBe(SECRET);
  secretId = task.id;
  secretNumber = task.number;
});
afterAll(async () => bot?.close());

describe('group answers show only that group', () => {
  it("/查看 of another chat's task in this group goes to the asker in p2p", async () => {
    const before = bot.fake.messages.length;
    await bot.say({ from: 'sun', text: `/查看 #${secretNumber}` });
    await bot.settle();
    const fresh = bot.fake.messages.slice(before);
    expect(text(fresh.filter((m) => m.chatId === GROUP))).not.toContain(SECRET);
    expect(text(fresh.filter((m) => m.chatId === GROUP))).toContain(t('zh', 'task.sent_p2p', { n: secretNumber }));
    expect(text(fresh.filter((m) => m.chatId === sunP2p()))).toContain(SECRET);
  });

  it.each(['全部', '我的'])('/任务 %s with other chats in it goes to p2p; the group hears only where', async (scope) => {
    const before = bot.fake.messages.length;
    await bot.say({ from: 'sun', text: `/任务 ${scope}` });
    await bot.settle();
    const fresh = bot.fake.messages.slice(before);
    expect(text(fresh.filter((m) => m.chatId === GROUP))).not.toContain(SECRET);
    expect(text(fresh.filter((m) => m.chatId === GROUP))).toContain(t('zh', 'task.list_sent_p2p'));
    expect(text(fresh.filter((m) => m.chatId === sunP2p()))).toContain(SECRET);
  });

  it('the 查看 button in this group sends the detail to the clicker, and a list page stays in the group', async () => {
    const before = bot.fake.messages.length;
    const show = await bot.click({ from: 'sun', value: { a: 'show', task: secretId }, chatId: GROUP });
    expect(show.status).toBe(200);
    expect(JSON.stringify(show.body)).not.toContain(SECRET);
    const page = await bot.click({ from: 'sun', value: { a: 'list', f: 'all', p: 1 }, chatId: GROUP });
    expect(JSON.stringify(page.body)).not.toContain(SECRET);
    await bot.settle();
    const fresh = bot.fake.messages.slice(before);
    expect(text(fresh.filter((m) => m.chatId === GROUP))).not.toContain(SECRET);
    expect(text(fresh.filter((m) => m.chatId === sunP2p()))).toContain(SECRET);
  });

  it("the same questions in the task's own group, or only about this group, answer in the group as before", async () => {
    const before = bot.fake.messages.length;
    await bot.say({ from: 'sun', chatId: OTHER_GROUP, text: `/查看 #${secretNumber}` });
    await bot.say({ from: 'chief', text: '/任务 全部' });
    await bot.settle();
    const fresh = bot.fake.messages.slice(before);
    expect(text(fresh.filter((m) => m.chatId === OTHER_GROUP))).toContain(SECRET);
    expect(text(fresh.filter((m) => m.chatId === GROUP))).toContain('本群的事');
    expect(text(postedIn(GROUP))).not.toContain(SECRET);
  });
});
