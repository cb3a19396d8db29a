/**
 * What the batched reminders say, through the webhook and the real `npm run job -- chase --now …`
 * process: each line carries its deadline and the time left as the task card says it ("还剩 1 个
 * 工作日", "已逾期 2 个工作日"); a deadline on a day off reads the same on the reminder and on the
 * card (same instant, same "（非工作日）" flag); the 督办 card names people and shows each one's
 * latest word; English reads as English, with ASCII punctuation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP, PEOPLE, runJobCommand, testBot, type Person, type TestBot } from '../helpers/app.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function say(from: Person, text: string, mention: Person[] = []) {
  const { res } = await bot.say({ from, text, mention });
  expect(res.status).toBe(200);
  await bot.settle();
}

async function chase(now: string): Promise<number> {
  const before = bot.fake.messages.length;
  bot.setNow(now);
  const r = await runJobCommand(bot, ['chase', '--now', now]);
  expect(r.code, r.out).toBe(0);
  await bot.settle();
  return before;
}

/** Text of the messages a person (p2p) received from index `from` on. */
function p2pTexts(who: Person, from: number): string[] {
  return bot.fake.messages
    .slice(from)
    .filter((m) => m.receiveId === PEOPLE[who].openId || m.chatId === bot.fake.p2pChatOf(PEOPLE[who].openId))
    .map((m) => (m.msgType === 'interactive' ? bot.fake.cardText(m) : bot.fake.textOf(m)).replace(/\*\*/g, ''));
}

function groupCard(n: number): string {
  const card = bot.fake.messagesTo(GROUP).find((m) => m.msgType === 'interactive' && JSON.stringify(m.sentContent).includes(`#${n}`));
  if (!card) throw new Error(`no card for #${n}`);
  return bot.fake.cardText(card).replace(/\*\*/g, '');
}

describe('batched reminders say how long is left', () => {
  it('a holiday deadline reads the same on the reminder and on the card; each line says the working days left', async () => {
    bot = await testBot({ now: '2026-09-28T10:00:00+08:00' }); // Monday before National Day
    await say('chief', '/交办 @张三 报送国庆值班表 截止 10月3日', ['zhang']);
    await say('chief', '/交办 @张三 整理九月台账 截止 10月9日', ['zhang']);
    await say('zhang', '/签收 #1');
    await say('zhang', '/签收 #2');
    // Wednesday 09-30, the last working day before 10-03 (a Saturday in the holiday).
    const from = await chase('2026-09-30T09:30:00+08:00');
    const briefing = p2pTexts('zhang', from).join('\n');
    expect(briefing).toContain('#1 报送国庆值班表：时限 10月3日 18:00（非工作日） · 到期前已无工作日');
    expect(briefing).not.toContain('下一个工作日');
    // The card, redrawn in the same run, says the same of the same instant.
    expect(groupCard(1)).toContain('10月3日（周六） 18:00（非工作日） · 到期前已无工作日');
    expect(groupCard(1)).toContain('🟡');
    // 10-09 is the first working day after the holiday: one working day left from 09-30.
    const from2 = await chase('2026-10-08T09:30:00+08:00');
    expect(p2pTexts('zhang', from2).join('\n')).toContain('#2 整理九月台账：时限 10月9日 18:00 · 还剩 1 个工作日');
    expect(groupCard(2)).toContain('还剩 1 个工作日');
  }, 60_000);

  it('the 督办 card says how long overdue, how often chased, and each person’s latest word by name', async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00' });
    await say('leader', '/设置 督办领导 @王主任', ['leader']);
    await say('chief', '/交办 @张三 @赵六 起草年度工作总结 截止 2026-11-24', ['zhang', 'zhao']);
    await say('zhang', '/进展 #1 50%，卡在审批');
    await say('zhao', '/进展 #1 协办部分数据已收集完毕');
    await chase('2026-11-25T09:30:00+08:00');
    const from = await chase('2026-11-26T09:30:00+08:00');
    const card = p2pTexts('leader', from).join('\n');
    expect(card).toContain('主办：张三');
    expect(card).toContain('交办人：李科长');
    expect(card).toContain('时限 11月24日 18:00 · 已逾期 2 个工作日，已催办 2 次');
    expect(card).toContain('张三（主办 50% · 11月23日 10:00）：50%，卡在审批');
    expect(card).toContain('赵六（协办 · 11月23日 10:00）：协办部分数据已收集完毕');
  }, 60_000);

  it('in English: idiomatic, ASCII punctuation, "1 working day" / "2 working days", "chased twice"', async () => {
    bot = await testBot({ now: '2026-11-23T10:00:00+08:00', lang: 'en' });
    await say('leader', '/settings supervisor @王主任', ['leader']);
    await say('chief', '/assign @张三 Check the fire exits due 2026-11-24', ['zhang']);
    await say('chief', '/assign @张三 Draft the winter plan due 2026-11-27', ['zhang']);
    await say('zhang', '/accept 1');
    await say('zhang', '/accept 2');
    await say('zhang', '/progress 1 halfway there');
    await say('zhang', '/extend 1 2026-12-04 waiting for the fire brigade');
    const first = await chase('2026-11-25T09:30:00+08:00');
    const second = await chase('2026-11-26T09:30:00+08:00');
    const texts = [...p2pTexts('leader', first), ...p2pTexts('chief', first), ...p2pTexts('zhang', first)];
    const all = texts.join('\n');
    expect(all).toContain('Draft the winter plan: due Nov 27 18:00, 1 working day left');
    const escalation = p2pTexts('leader', second).join('\n');
    expect(escalation).toContain('Lead: 张三 · Assigner: 李科长');
    expect(escalation).toContain('due Nov 24 18:00, overdue by 2 working days; chased twice');
    expect(escalation).toContain('Latest from 张三 (lead, Nov 23 10:00): halfway there');
    const decision = [...p2pTexts('chief', first), ...p2pTexts('chief', second)].join('\n');
    expect(decision).toMatch(
      /Extension to Dec 4 18:00 requested \(due Nov 24 18:00, overdue by \d working days?\)\. Reason: waiting for the fire brigade\. Waiting for \d working days?/,
    );
    // No full-width punctuation or spaces outside the people's own names.
    const group = bot.fake
      .messagesTo(GROUP)
      .filter((m) => m.msgType === 'text')
      .map((m) => bot.fake.textOf(m));
    for (const t of [...texts, ...p2pTexts('leader', second), ...group])
      expect(t.replace(/张三|李科长|王主任/g, '')).not.toMatch(/[\u3000-\u303f\uff00-\uffef]/);
  }, 60_000);
});
