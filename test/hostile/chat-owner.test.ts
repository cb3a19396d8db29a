/**
 * The chat's owner and managers come from Lark, not from the first sighting: after ownership
 * moves, the former owner can neither change /设置 nor review as an admin, and the new owner
 * (and a manager Lark names) can.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../bot/i18n.js';
import { forgetChatAdmins } from '../../bot/chat-admins.js';
import { getChat } from '../../db/chats.js';
import { getTaskByNumber } from '../../db/tasks.js';
import { GROUP, PEOPLE, TENANT, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot();
});
afterAll(async () => bot?.close());

async function say(from: Person, text: string, mention: Person[] = []) {
  const r = await bot.say({ from, text, mention });
  expect(r.res.status).toBe(200);
  await bot.settle();
}
const lastReply = () => {
  const texts = bot.fake.messages.filter((m) => m.chatId === GROUP && m.msgType === 'text');
  return String((texts.at(-1)?.content as { text?: string })?.text ?? '');
};
const workStart = async () => ((await getChat(bot.deps.db, GROUP))!.settings as { workStart?: string }).workStart;

describe('chat owner and managers from Lark', () => {
  it('the owner Lark names may change settings', async () => {
    await say('leader', '/设置 工作时间 08:30-17:30');
    expect(await workStart()).toBe('08:30');
  });

  it('after ownership moves, the former owner may not; the new owner may', async () => {
    bot.fake.chats.get(GROUP)!.ownerId = PEOPLE.chief.openId;
    await say('leader', '/设置 工作时间 09:00-18:00');
    expect(lastReply()).toBe(t('zh', 'task.settings.not_admin'));
    expect(await workStart()).toBe('08:30');
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    expect(((await getChat(bot.deps.db, GROUP))!.settings as { supervisorId?: string }).supervisorId).toBeUndefined();
    await say('chief', '/设置 工作时间 09:00-18:00');
    expect(await workStart()).toBe('09:00');
    expect((await getChat(bot.deps.db, GROUP))!.ownerId).toBe(PEOPLE.chief.openId);
  });

  it('the former owner no longer reviews as an admin; the new owner does', async () => {
    await say('zhang', '/交办 @张三 自己的事 截止 2026-12-01', ['zhang']);
    await say('zhang', '/办结 #1 好了');
    await say('leader', '/通过 #1');
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.state).toBe('submitted');
    await say('chief', '/通过 #1');
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.state).toBe('done');
  });

  it('a manager Lark names may change settings', async () => {
    bot.fake.chats.get(GROUP)!.managers = [PEOPLE.sun.openId];
    await say('sun', '/设置 工作时间 08:00-17:00');
    expect(await workStart()).toBe('08:00');
  });
});

describe('lists follow the owner Lark names', () => {
  it('/任务 全部 of a former owner no longer holds the chat they owned; while they own it, it does', async () => {
    const b = await testBot();
    try {
      await b.say({ from: 'chief', text: '/交办 @张三 前任群主可见的事 截止 2026-12-01', mention: ['zhang'] });
      await b.settle();
      const listOfLeader = async () => {
        const before = b.fake.messages.length;
        await b.say({ from: 'leader', text: '/任务 全部', chatType: 'p2p' });
        await b.settle();
        return b.fake.messages
          .slice(before)
          .map((m) => JSON.stringify(m.content))
          .join('\n');
      };
      // The leader owns the group (Lark says so), though they neither assigned nor do the task.
      expect(await listOfLeader()).toContain('前任群主可见的事');
      b.fake.chats.get(GROUP)!.ownerId = PEOPLE.chief.openId;
      // Lark's answer is trusted for a minute (CHAT_ADMINS_TTL_MS); the minute has passed.
      forgetChatAdmins(GROUP);
      expect(await listOfLeader()).not.toContain('前任群主可见的事');
      expect((await getChat(b.deps.db, GROUP))!.ownerId).toBe(PEOPLE.chief.openId);
    } finally {
      await b.close();
    }
  });
});
