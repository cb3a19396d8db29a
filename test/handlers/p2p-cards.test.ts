/**
 * Each assignee's p2p card is a shared card kept current like the group card: PATCHed in place
 * on every change, and posted afresh once Lark's 14-day window for updates has passed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getTaskByNumber } from '../../db/tasks.js';
import { PEOPLE, TENANT, testBot, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

const p2pCards = (who: keyof typeof PEOPLE) => bot.fake.messagesTo(PEOPLE[who].openId).filter((m) => m.msgType === 'interactive');

async function say(from: keyof typeof PEOPLE, text: string, extra: { mention?: Array<keyof typeof PEOPLE>; parentId?: string } = {}) {
  const r = await bot.say({ from, text, ...extra });
  expect(r.res.status).toBe(200);
  await bot.settle();
}

describe('p2p assignee cards', () => {
  it('are shared and updated in place on every change, by command, reply or button', async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
    await say('chief', '/交办 @张三 @赵六 起草年度工作总结 截止 2026-12-01', { mention: ['zhang', 'zhao'] });
    const [zhangCard] = p2pCards('zhang');
    const [zhaoCard] = p2pCards('zhao');
    expect(zhangCard!.sentContent.config.update_multi).toBe(true);

    await say('zhang', '/签收 #1');
    for (const card of [zhangCard!, zhaoCard!]) {
      expect(bot.fake.patches.some((p) => p.messageId === card.id)).toBe(true);
      expect(bot.fake.cardText(card)).toContain('张三 ✓');
    }
    // Each keeps its own wording: the lead's card says lead, the co-assignee's says co.
    expect(bot.fake.cardText(zhangCard!)).toContain('主办');
    expect(bot.fake.cardText(zhaoCard!)).toContain('协办');

    // A reply to the p2p card is progress, and that card shows it.
    await say('zhao', '材料已收齐 完成40%', { parentId: zhaoCard!.id });
    expect(bot.fake.cardText(zhaoCard!)).toContain('材料已收齐');
    expect(bot.fake.cardText(zhangCard!)).toContain('材料已收齐');

    const task = (await getTaskByNumber(bot.deps.db, TENANT, 1))!;
    const click = await bot.click({
      from: 'zhang',
      value: { a: 'submit', task: task.id, n: 1, v: 'p' },
      messageId: zhangCard!.id,
      chatId: bot.fake.p2pChatOf(PEOPLE.zhang.openId),
    });
    expect(click.body.toast.type).toBe('success');
    await bot.settle();
    expect(bot.fake.cardText(zhaoCard!)).toContain('待审核');
    // Still one card each: nothing was posted afresh inside the 14 days.
    expect(p2pCards('zhang')).toHaveLength(1);
    expect(p2pCards('zhao')).toHaveLength(1);
  });

  it('after 14 days a change posts a fresh p2p card, which later changes update; replies to either count', async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
    await say('chief', '/交办 @张三 整理档案 截止 2026-12-31', { mention: ['zhang'] });
    const [first] = p2pCards('zhang');
    bot.setNow('2026-12-09T10:00:00+08:00');
    await say('zhang', '/进展 #1 已整理一半');
    const cards = p2pCards('zhang');
    expect(cards).toHaveLength(2);
    const fresh = cards[1]!;
    expect(bot.fake.cardText(fresh)).toContain('已整理一半');
    expect(bot.fake.patches.some((p) => p.messageId === first!.id)).toBe(false);

    await say('zhang', '完成80%', { parentId: fresh.id });
    expect(bot.fake.patches.some((p) => p.messageId === fresh.id)).toBe(true);
    expect(bot.fake.cardText(fresh)).toContain('80%');
    await say('zhang', '完成90%', { parentId: first!.id });
    expect((await getTaskByNumber(bot.deps.db, TENANT, 1))!.percent).toBe(90);
    expect(p2pCards('zhang')).toHaveLength(2);
  });
});
