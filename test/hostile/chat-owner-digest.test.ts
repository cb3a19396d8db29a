/**
 * A former chat owner is not the chat's admin in the weekly leader card, the views or a notice
 * to the chat's admins: they follow whom Lark says owns the chat now, never the owner stored
 * when it was first seen. Week 1 the owner's card (`npm run job -- digest`, its own process)
 * covers the chat's task; ownership then moves in Lark, and in week 2 the chase's notice to the
 * admins (`npm run job -- chase`) names the new owner, and the former owner's card, /任务 全部
 * and /查看 no longer hold the task while the new owner's do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetChatAdmins } from '../../bot/chat-admins.js';
import { t } from '../../bot/i18n.js';
import { getChat } from '../../db/chats.js';
import { GROUP, PEOPLE, runJobCommand, testBot, type Person, type TestBot } from '../helpers/app.js';

const TITLE = '群主交接前的督办事项';

let bot: TestBot;
beforeAll(async () => {
  bot = await testBot({ now: '2026-11-30T10:00:00+08:00' }); // Monday of week 1
  // The leader owns the group (test/fixtures/office.ts); neither they nor the chief assigns,
  // supervises or does the task: only owning its chat puts it before them.
  const r = await bot.say({ from: 'zhang', text: `/交办 @赵六 ${TITLE} 截止 2026-12-02`, mention: ['zhao'] });
  expect(r.res.status).toBe(200);
  // Due in a year whose holiday schedule is not published: the chase tells the chat's admins.
  await bot.say({ from: 'zhang', text: '/交办 @赵六 明年的事 截止 2027-03-01', mention: ['zhao'] });
  for (const who of ['leader', 'chief'] as const) await bot.say({ from: who, text: '/周报 订阅', chatType: 'p2p' });
  await bot.settle();
}, 60_000);
afterAll(async () => bot?.close());

/** The leader cards a person received so far, as text. */
const cardsTo = (who: Person) =>
  bot.fake
    .messagesTo(PEOPLE[who].openId)
    .filter((m) => m.msgType === 'interactive' && bot.fake.cardText(m).includes('督办领导周报'))
    .map((m) => bot.fake.cardText(m));

async function digest(now: string): Promise<void> {
  const run = await runJobCommand(bot, ['digest', '--now', now]);
  expect(run.code, run.out).toBe(0);
  await bot.settle();
}

/** What a p2p command answered, all messages it caused as one text. */
async function askP2p(who: Person, text: string): Promise<string> {
  const before = bot.fake.messages.length;
  const r = await bot.say({ from: who, text, chatType: 'p2p' });
  expect(r.res.status).toBe(200);
  await bot.settle();
  return bot.fake.messages
    .slice(before)
    .map((m) => (m.msgType === 'interactive' ? bot.fake.cardText(m) : String((m.content as { text?: string }).text ?? '')))
    .join('\n');
}

describe('a former chat owner in digests and views', () => {
  it('week 1: the owner Lark names has the chat’s task on their leader card; the chief has not', async () => {
    bot.setNow('2026-12-04T16:00:00+08:00');
    await digest('2026-12-04T16:00:00+08:00');
    const leader = cardsTo('leader');
    const chief = cardsTo('chief');
    expect(leader).toHaveLength(1);
    expect(chief).toHaveLength(1);
    expect(leader[0]).toContain(TITLE);
    expect(chief[0]).not.toContain(TITLE);
  });

  it('week 2, after ownership moved: a notice to the chat’s admins names the new owner, not the former', async () => {
    bot.fake.chats.get(GROUP)!.ownerId = PEOPLE.chief.openId;
    // Lark's answer is trusted for a minute (CHAT_ADMINS_TTL_MS); a week has passed.
    forgetChatAdmins(GROUP);
    // Nothing has asked Lark since: the bot still has the former owner stored.
    expect((await getChat(bot.deps.db, GROUP))!.ownerId).toBe(PEOPLE.leader.openId);

    bot.setNow('2026-12-07T10:00:00+08:00');
    const before = bot.fake.messages.length;
    const run = await runJobCommand(bot, ['chase', '--now', '2026-12-07T10:00:00+08:00']);
    expect(run.code, run.out).toBe(0);
    await bot.settle();
    const notice = bot.fake.messages
      .slice(before)
      .filter((m) => m.chatId === GROUP && m.msgType === 'text')
      .map((m) => String((m.content as { text?: string }).text ?? ''))
      .find((text) => text.includes('2027 年放假安排尚未公布'));
    expect(notice).toBeDefined();
    expect(notice).toContain(PEOPLE.chief.openId);
    expect(notice).not.toContain(PEOPLE.leader.openId);
  });

  it('week 2: the former owner’s card, list and /查看 no longer hold the chat’s task; the new owner’s do', async () => {
    bot.setNow('2026-12-11T16:00:00+08:00');
    await digest('2026-12-11T16:00:00+08:00');
    const leader = cardsTo('leader');
    const chief = cardsTo('chief');
    expect(leader).toHaveLength(2);
    expect(chief).toHaveLength(2);
    expect(leader[1]).not.toContain(TITLE);
    expect(chief[1]).toContain(TITLE);
    expect(await askP2p('leader', '/任务 全部')).not.toContain(TITLE);
    const refused = await askP2p('leader', '/查看 #1');
    expect(refused).not.toContain(TITLE);
    expect(refused).toContain(t('zh', 'task.not_found', { n: 1 }));

    expect(await askP2p('chief', '/任务 全部')).toContain(TITLE);
    expect(await askP2p('chief', '/查看 #1')).toContain(TITLE);
  });
});
