/**
 * What the bot says outside the commands: the hint for text that is no command (friendlier in
 * p2p to someone with open tasks) and the welcome when it is added to a group.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkCalendar } from '../../bot/domain/calendar.js';
import { parseCommand } from '../../bot/parse/command.js';
import { botAddedEvent } from '../../bot/sandbox/fake-lark/events.js';
import { GROUP, PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const lastTextIn = (to: string) => {
  const texts = bot.fake.messagesTo(to).filter((m) => m.msgType === 'text');
  return bot.fake.textOf(texts[texts.length - 1]!);
};

async function p2p(from: 'zhang' | 'sun', text: string): Promise<string> {
  const r = await bot.say({ from, text, chatType: 'p2p' });
  expect(r.res.status).toBe(200);
  await bot.settle();
  return lastTextIn(PEOPLE[from].openId);
}

describe('the hint for text that is no command', () => {
  it('in p2p, to someone with open tasks, points to /任务 我的 and to replying on a card', async () => {
    bot = await testBot();
    expect(await p2p('zhang', '你好')).toContain('/帮助');
    expect(await p2p('zhang', '你好')).not.toContain('/任务 我的');

    await bot.say({ from: 'chief', text: '/交办 @张三 起草年度工作总结 截止 2026-12-01', mention: ['zhang'] });
    await bot.settle();
    const hint = await p2p('zhang', '这个任务怎么汇报？');
    expect(hint).toContain('你有 1 项进行中的任务');
    expect(hint).toContain('/任务 我的');
    expect(hint).toContain('回复任务卡片');
    // Someone without open tasks still gets the plain hint; so does a group.
    expect(await p2p('sun', '你好')).not.toContain('/任务 我的');
    await bot.say({ from: 'zhang', text: '你好' });
    await bot.settle();
    expect(lastTextIn(GROUP)).not.toContain('/任务 我的');
  });

  it('in English', async () => {
    bot = await testBot({ lang: 'en' });
    await bot.say({ from: 'chief', text: '/assign @张三 Draft the annual report due 2026-12-01', mention: ['zhang'] });
    await bot.settle();
    expect(await p2p('zhang', 'hello')).toContain('send /list mine');
  });
});

describe('/帮助', () => {
  const calendar = new WorkCalendar({ tz: 'Asia/Shanghai' });
  const parse = (text: string, lang: 'zh' | 'en') => parseCommand(text, [], { now: bot.clock.now(), calendar, endOfDay: '18:00', botOpenId: 'ou_bot', lang });

  /** The help card the bot answered with, as its text. */
  async function helpIn(lang: 'zh' | 'en'): Promise<string> {
    bot = await testBot({ lang });
    await bot.say({ from: 'zhang', text: lang === 'zh' ? '/帮助' : '/help' });
    await bot.settle();
    const cards = bot.fake.messagesTo(GROUP).filter((m) => m.msgType === 'interactive');
    return bot.fake.cardText(cards[cards.length - 1]!);
  }

  // Each example the help gives is a command the bot reads as the one it is listed for.
  const examples = {
    zh: [
      ['/请假 12月20日-12月25日', 'leave'],
      ['/销假', 'back'],
      ['/设置 代理人 无', 'deputies'],
      ['/设置 请假审批', 'leave_approval'],
    ],
    en: [
      ['/leave dec 20 to dec 25', 'leave'],
      ['/back', 'back'],
      ['/settings deputies none', 'deputies'],
      ['/settings leave-approval', 'leave_approval'],
    ],
  } as const;

  for (const lang of ['zh', 'en'] as const) {
    it(`lists leave, coming back, deputies and leave approvals (${lang})`, async () => {
      const help = await helpIn(lang);
      for (const [example, verb] of examples[lang]) {
        expect(help, example).toContain(example);
        const text = verb === 'leave_approval' ? `${example} 7C468A54-8745-2245-9675-08B7C63E7A85` : example;
        expect(parse(text, lang)).toMatchObject({ verb });
      }
      expect(help).toContain(lang === 'zh' ? '/设置 代理人 @李四' : '/settings deputies @Bob');
      expect(help).toContain(lang === 'zh' ? '/请假 @张三' : '/leave @Alice');
      expect(help).toContain(lang === 'zh' ? '/设置 代理人 @张三 为 @李四' : '/settings deputies for @Alice: @Bob');
    });
  }
});

describe('added to a group', () => {
  it('posts a short welcome with the three commands used most, once per delivery', async () => {
    bot = await testBot();
    bot.fake.addChat({ chatId: 'oc_new_group', name: '新工作群', ownerId: PEOPLE.leader.openId, members: [PEOPLE.leader.openId, PEOPLE.zhang.openId] });
    const envelope = botAddedEvent({ chatId: 'oc_new_group', name: '新工作群', operator: PEOPLE.leader.openId, tenantKey: TENANT, time: bot.clock.now() });
    expect((await bot.post(envelope)).status).toBe(200);
    await bot.settle();
    expect((await bot.post(envelope)).status).toBe(200);
    await bot.settle();
    const said = bot.fake.messagesTo('oc_new_group');
    expect(said).toHaveLength(1);
    const text = bot.fake.textOf(said[0]!);
    for (const cmd of ['/交办', '/任务 本群', '/帮助']) expect(text).toContain(cmd);
    expect(text.split('\n').length).toBeLessThanOrEqual(4);
  });
});
